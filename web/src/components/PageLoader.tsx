// A page loaded as a chunk of its own (App.tsx): "loading" while it comes, and when it
// cannot come (the server out of reach, or a new build replaced the chunk's name) a message
// with a reload button instead of a blank page.
import { Component, Suspense, lazy, type ComponentType, type ReactNode } from "react";
import { LocaleContext, useLocale, type Locale } from "../i18n/index.ts";

export interface LazyPage {
  Component: ComponentType;
  /** Loads the chunk without showing the page (it never rejects). */
  preload(): Promise<void>;
}

/** A chunk that did not load; other errors of a page are not this boundary's business. */
class PageLoadError extends Error {}

export function lazyPage(load: () => Promise<ComponentType>): LazyPage {
  // One import shared by the prefetch and React.lazy; a failed one may be tried again.
  let loading: Promise<{ default: ComponentType }> | null = null;
  const get = () =>
    (loading ??= load().then(
      (c) => ({ default: c }),
      (err: unknown) => {
        loading = null;
        throw new PageLoadError(String(err));
      },
    ));
  return { Component: lazy(get), preload: () => get().then(() => undefined, () => undefined) };
}

class LoadBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  static override contextType = LocaleContext;
  declare context: Locale;
  override state: { error: unknown } = { error: null };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (this.state.error === null) return this.props.children;
    // Not a load failure: passed on, as if this boundary were not here.
    if (!(this.state.error instanceof PageLoadError)) throw this.state.error;
    const t = this.context.t;
    return (
      <div className="error-box" role="alert" data-testid="page-load-failed">
        <p>{t("nav.pageLoadFailed")}</p>
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          {t("nav.reload")}
        </button>
      </div>
    );
  }
}

export function PageLoader({ page }: { page: LazyPage }) {
  const locale = useLocale();
  return (
    <LoadBoundary>
      <Suspense fallback={<p className="muted pad" data-testid="page-loading">{locale.t("common.loading")}</p>}>
        <page.Component />
      </Suspense>
    </LoadBoundary>
  );
}
