// The application shell: who is signed in, language, reference data, live events and a
// tiny History-API router over the pages.
import { useCallback, useEffect, useMemo, useState, type MouseEvent, type ReactElement } from "react";
import { createApi } from "./api.ts";
import { AppContext, permissionsOf, type AppState } from "./context.ts";
import { LocaleContext, makeLocale, storeLang, storedLang, type Lang, type MessageKey } from "./i18n/index.ts";
import { useLive } from "./live.ts";
import type { Category, Commune, User, Zone } from "./types.ts";
import { ChangePassword, SignIn } from "./pages/SignIn.tsx";
import { Dashboard } from "./pages/Dashboard.tsx";
import { Library } from "./pages/Library.tsx";
import { Programs } from "./pages/Programs.tsx";
import { SchedulePage } from "./pages/Schedule.tsx";
import { Campaigns } from "./pages/Campaigns.tsx";
import { AsRunPage } from "./pages/AsRun.tsx";
import { Reports } from "./pages/Reports.tsx";
import { Users } from "./pages/Users.tsx";
import { Settings } from "./pages/Settings.tsx";
import { Clock } from "./components/Clock.tsx";

interface Route {
  path: string;
  label: MessageKey;
  page: () => ReactElement;
  admin?: boolean;
}

const ROUTES: Route[] = [
  { path: "/", label: "nav.dashboard", page: () => <Dashboard /> },
  { path: "/library", label: "nav.library", page: () => <Library /> },
  { path: "/programs", label: "nav.programs", page: () => <Programs /> },
  { path: "/schedule", label: "nav.schedule", page: () => <SchedulePage /> },
  { path: "/campaigns", label: "nav.campaigns", page: () => <Campaigns /> },
  { path: "/asrun", label: "nav.asrun", page: () => <AsRunPage /> },
  { path: "/reports", label: "nav.reports", page: () => <Reports /> },
  { path: "/users", label: "nav.users", page: () => <Users />, admin: true },
  { path: "/settings", label: "nav.settings", page: () => <Settings />, admin: true },
];

export function App() {
  const [lang, setLang] = useState<Lang>(storedLang);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [changingPassword, setChangingPassword] = useState(false);
  const [commune, setCommune] = useState<Commune | null>(null);
  const [zones, setZones] = useState<Zone[]>([]);
  const [categories, setCategories] = useState<Category[]>([]);
  const [path, setPath] = useState(() => window.location.pathname);
  const api = useMemo(() => createApi(() => setUser(null)), []);
  const locale = useMemo(() => makeLocale(lang, commune?.timeZone ?? "Asia/Ho_Chi_Minh"), [lang, commune?.timeZone]);
  const ready = !!user && !user.mustChangePassword;
  const live = useLive(ready);

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
    window.scrollTo(0, 0);
  }, []);

  const reloadRefs = useCallback(async () => {
    const [c, z, cat] = await Promise.all([
      api.get<{ commune: Commune | null }>("/api/commune"),
      api.get<{ zones: Zone[] }>("/api/zones"),
      api.get<{ categories: Category[] }>("/api/categories"),
    ]);
    setCommune(c.commune);
    setZones(z.zones);
    setCategories(cat.categories);
  }, [api]);

  useEffect(() => {
    if (ready) reloadRefs().catch(() => {});
  }, [ready, reloadRefs]);

  const toggleLang = (
    <button type="button" className="btn link" onClick={() => setLang(lang === "vi" ? "en" : "vi")} data-testid="lang-toggle" lang={lang === "vi" ? "en" : "vi"}>
      {locale.t("lang.toggle")}
    </button>
  );

  const state: AppState | null = useMemo(
    () => (user ? { api, user, can: permissionsOf(user.role), commune, zones, categories, reloadRefs, navigate, live } : null),
    [api, user, commune, zones, categories, reloadRefs, navigate, live],
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

  const routes = ROUTES.filter((r) => !r.admin || state.can.administer);
  const route = routes.find((r) => r.path === path) ?? (path === "/" ? routes[0] : undefined);
  const link = (to: string) => (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    navigate(to);
  };

  return (
    <LocaleContext.Provider value={locale}>
      <AppContext.Provider value={state}>
        <a className="skip" href="#main">{locale.t("nav.skip")}</a>
        <header className="topbar">
          <div className="brand">
            <span className="logo" aria-hidden="true">◖))</span>
            <div>
              <strong>{locale.t("app.name")}</strong>
              <span className="commune">{commune?.name ?? ""}</span>
            </div>
          </div>
          <Clock />
          <div className="user-box">
            <span className={`live-dot ${live.connected ? "on" : ""}`} title={locale.t(live.connected ? "live.connected" : "live.disconnected")} aria-label={locale.t(live.connected ? "live.connected" : "live.disconnected")} role="img" />
            <span data-testid="current-user">
              {user.displayName}
              {user.displayName !== locale.t(`role.${user.role}` as MessageKey) ? ` · ${locale.t(`role.${user.role}` as MessageKey)}` : ""}
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
        <nav className="mainnav" aria-label={locale.t("nav.label")}>
          <ul>
            {routes.map((r) => (
              <li key={r.path}>
                <a href={r.path} onClick={link(r.path)} aria-current={r === route ? "page" : undefined} data-testid={`nav-${r.path === "/" ? "dashboard" : r.path.slice(1)}`}>
                  {locale.t(r.label)}
                </a>
              </li>
            ))}
            {state.can.administer ? (
              <li>
                <a href="/admin/queues" target="_blank" rel="noopener" data-testid="nav-queues">
                  {locale.t("nav.queues")} <span aria-hidden="true">↗</span>
                  <span className="sr-only">{locale.t("nav.newTab")}</span>
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {route ? route.page() : <p data-testid="not-found">{locale.t("nav.notFound")}</p>}
        </main>
      </AppContext.Provider>
    </LocaleContext.Provider>
  );
}
