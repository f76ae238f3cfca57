// The application shell: who is signed in, language, reference data (through the query
// cache), live events, the header with its phone menu, and a tiny History-API router.
import { useCallback, useEffect, useMemo, useState, type MouseEvent } from "react";
import { QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { createApi } from "./api.ts";
import { AppContext, permissionsOf, type AppState } from "./context.ts";
import { LocaleContext, makeLocale, storeLang, storedLang, type Lang, type MessageKey } from "./i18n/index.ts";
import { useLive } from "./live.ts";
import { createQueryClient } from "./query.ts";
import type { Category, Commune, User, Zone } from "./types.ts";
import { ChangePassword, SignIn } from "./pages/SignIn.tsx";
import { Clock } from "./components/Clock.tsx";
import { AlertsButton } from "./components/Alerts.tsx";
import { PageLoader, lazyPage } from "./components/PageLoader.tsx";

interface Route {
  path: string;
  label: MessageKey;
  page: ReturnType<typeof lazyPage>;
  admin?: boolean;
}

// Each page is a chunk of its own, so a phone on a slow link downloads the shell and the
// page it opens first; the others follow while the browser is idle (prefetchPages).
const ROUTES: Route[] = [
  { path: "/", label: "nav.dashboard", page: lazyPage(() => import("./pages/Dashboard.tsx").then((m) => m.Dashboard)) },
  { path: "/library", label: "nav.library", page: lazyPage(() => import("./pages/Library.tsx").then((m) => m.Library)) },
  { path: "/programs", label: "nav.programs", page: lazyPage(() => import("./pages/Programs.tsx").then((m) => m.Programs)) },
  { path: "/schedule", label: "nav.schedule", page: lazyPage(() => import("./pages/Schedule.tsx").then((m) => m.SchedulePage)) },
  { path: "/campaigns", label: "nav.campaigns", page: lazyPage(() => import("./pages/Campaigns.tsx").then((m) => m.Campaigns)) },
  { path: "/directives", label: "nav.directives", page: lazyPage(() => import("./pages/Directives.tsx").then((m) => m.Directives)) },
  { path: "/approvals", label: "nav.approvals", page: lazyPage(() => import("./pages/Approvals.tsx").then((m) => m.Approvals)) },
  { path: "/asrun", label: "nav.asrun", page: lazyPage(() => import("./pages/AsRun.tsx").then((m) => m.AsRunPage)) },
  { path: "/reports", label: "nav.reports", page: lazyPage(() => import("./pages/Reports.tsx").then((m) => m.Reports)) },
  { path: "/users", label: "nav.users", page: lazyPage(() => import("./pages/Users.tsx").then((m) => m.Users)), admin: true },
  { path: "/settings", label: "nav.settings", page: lazyPage(() => import("./pages/Settings.tsx").then((m) => m.Settings)), admin: true },
  { path: "/queues", label: "nav.queues", page: lazyPage(() => import("./pages/Queues.tsx").then((m) => m.QueuesPage)), admin: true },
];

/** Loads the pages' chunks one after another once the browser is idle (the service worker
 *  keeps them), so moving between pages later waits for nothing. Returns a cancel. */
function prefetchPages(routes: readonly Route[]): () => void {
  let cancelled = false;
  // Safari has no requestIdleCallback.
  const idle = (f: () => void) => (typeof window.requestIdleCallback === "function" ? window.requestIdleCallback(f, { timeout: 3000 }) : window.setTimeout(f, 1000));
  const next = (i: number) => {
    if (cancelled || i >= routes.length) return;
    routes[i]!.page.preload().finally(() => idle(() => next(i + 1)));
  };
  idle(() => next(0));
  return () => void (cancelled = true);
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <Root />
    </QueryClientProvider>
  );
}

function Root() {
  const qc = useQueryClient();
  const [lang, setLang] = useState<Lang>(storedLang);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [changingPassword, setChangingPassword] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const [path, setPath] = useState(() => window.location.pathname);
  const api = useMemo(() => createApi(() => setUser(null)), []);
  const ready = !!user && !user.mustChangePassword;
  const live = useLive(ready, qc);
  const [refs, setRefs] = useState<{ commune: Commune | null; zones: Zone[]; categories: Category[] }>({ commune: null, zones: [], categories: [] });
  const locale = useMemo(() => makeLocale(lang, refs.commune?.timeZone ?? "Asia/Ho_Chi_Minh"), [lang, refs.commune?.timeZone]);

  useEffect(() => {
    document.documentElement.lang = lang;
    storeLang(lang);
  }, [lang]);

  useEffect(() => {
    api.get<{ user: User; csrfToken: string }>("/api/auth/me").then(
      (r) => {
        api.setCsrf(r.csrfToken);
        setUser(r.user);
      },
      () => setUser(null),
    );
  }, [api]);

  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const navigate = useCallback((to: string) => {
    if (to !== window.location.pathname + window.location.search) window.history.pushState(null, "", to);
    setPath(to.split("?")[0] ?? "/");
    setMenuOpen(false);
    window.scrollTo(0, 0);
  }, []);

  // Reference data goes through the query cache like everything else; the context keeps
  // plain arrays for the many components that only read them.
  const reloadRefs = useCallback(async () => {
    const [c, z, cat] = await Promise.all([
      qc.fetchQuery({ queryKey: ["commune"], queryFn: () => api.get<{ commune: Commune | null }>("/api/commune"), staleTime: 0 }),
      qc.fetchQuery({ queryKey: ["zones"], queryFn: () => api.get<{ zones: Zone[] }>("/api/zones"), staleTime: 0 }),
      qc.fetchQuery({ queryKey: ["categories"], queryFn: () => api.get<{ categories: Category[] }>("/api/categories"), staleTime: 0 }),
    ]);
    setRefs({ commune: c.commune, zones: z.zones, categories: cat.categories });
  }, [api, qc]);

  useEffect(() => {
    if (ready) reloadRefs().catch(() => {});
    else qc.clear();
  }, [ready, reloadRefs, qc]);

  const administer = !!user && permissionsOf(user.role).administer;
  useEffect(() => {
    if (ready) return prefetchPages(ROUTES.filter((r) => !r.admin || administer));
  }, [ready, administer]);

  const state: AppState | null = useMemo(
    () => (user ? { api, user, can: permissionsOf(user.role), commune: refs.commune, zones: refs.zones, categories: refs.categories, reloadRefs, navigate, live } : null),
    [api, user, refs, reloadRefs, navigate, live],
  );

  const routes = ROUTES.filter((r) => !r.admin || !!state?.can.administer);
  const route = routes.find((r) => r.path === path) ?? (path === "/" ? routes[0] : undefined);

  // One title per page, so tabs, history and screen readers say where the user is.
  useEffect(() => {
    const page = !user ? locale.t("auth.signInTitle") : user.mustChangePassword || changingPassword ? locale.t("auth.changeTitle") : route ? locale.t(route.label) : locale.t("nav.notFound");
    document.title = `${page} · ${locale.t("app.name")}`;
  }, [user, changingPassword, route, locale]);

  const toggleLang = (
    <button type="button" className="btn link" onClick={() => setLang(lang === "vi" ? "en" : "vi")} data-testid="lang-toggle" lang={lang === "vi" ? "en" : "vi"}>
      {locale.t("lang.toggle")}
    </button>
  );

  if (user === undefined) return <LocaleContext.Provider value={locale}><p className="muted pad">{locale.t("common.loading")}</p></LocaleContext.Provider>;

  if (!user || !state) {
    return (
      <LocaleContext.Provider value={locale}>
        <SignIn api={api} langToggle={toggleLang} onSignedIn={(u, csrf) => { api.setCsrf(csrf); setUser(u); }} />
      </LocaleContext.Provider>
    );
  }

  if (user.mustChangePassword || changingPassword) {
    return (
      <LocaleContext.Provider value={locale}>
        <ChangePassword
          api={api}
          user={user}
          langToggle={toggleLang}
          onCancel={user.mustChangePassword ? undefined : () => setChangingPassword(false)}
          onDone={() => {
            setChangingPassword(false);
            setUser({ ...user, mustChangePassword: false });
          }}
        />
      </LocaleContext.Provider>
    );
  }

  const signOut = async () => {
    await api.send("POST", "/api/auth/logout").catch(() => {});
    setUser(null);
    navigate("/");
  };

  const link = (to: string) => (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    navigate(to);
  };
  const roleName = locale.t(`role.${user.role}` as MessageKey);

  return (
    <LocaleContext.Provider value={locale}>
      <AppContext.Provider value={state}>
        <div className={`app ${menuOpen ? "menu-open" : ""}`}>
          <a className="skip" href="#main">{locale.t("nav.skip")}</a>
          <header className="topbar">
            <a className="brand" href="/" onClick={link("/")}>
              <img className="logo" src="/icons/icon.svg" alt="" width="36" height="36" />
              <span>
                <strong>{locale.t("app.name")}</strong>
                <span className="commune">{refs.commune?.name ?? ""}</span>
              </span>
            </a>
            <Clock />
            <span className={`live-dot ${live.connected ? "on" : ""}`} data-testid={live.connected ? "live-dot-on" : "live-dot"} title={locale.t(live.connected ? "live.connected" : "live.disconnected")} aria-label={locale.t(live.connected ? "live.connected" : "live.disconnected")} role="img" />
            <AlertsButton />
            <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="mainnav" onClick={() => setMenuOpen(!menuOpen)} data-testid="menu-toggle">
              <span aria-hidden="true" className="burger" />
              {locale.t("nav.menu")}
            </button>
            <div className="user-box">
              <span data-testid="current-user">
                {user.displayName}
                {user.displayName !== roleName ? ` · ${roleName}` : ""}
              </span>
              {toggleLang}
              <button type="button" className="btn link" onClick={() => setChangingPassword(true)} data-testid="change-password">
                {locale.t("auth.changeTitle")}
              </button>
              <button type="button" className="btn" onClick={signOut} data-testid="sign-out">
                {locale.t("auth.signOut")}
              </button>
            </div>
          </header>
          <nav className="mainnav" id="mainnav" aria-label={locale.t("nav.label")}>
            <ul>
              {routes.map((r) => (
                <li key={r.path}>
                  <a href={r.path} onClick={link(r.path)} aria-current={r === route ? "page" : undefined} data-testid={`nav-${r.path === "/" ? "dashboard" : r.path.slice(1)}`}>
                    {locale.t(r.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <main id="main" className="content" tabIndex={-1}>
            {route ? <PageLoader key={route.path} page={route.page} /> : <p data-testid="not-found">{locale.t("nav.notFound")}</p>}
          </main>
        </div>
      </AppContext.Provider>
    </LocaleContext.Provider>
  );
}
