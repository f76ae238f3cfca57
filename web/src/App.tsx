// The application shell: who is signed in, language, reference data (through the query
// cache), live events, the header with its phone menu, and a tiny History-API router.
import { useCallback, useEffect, useMemo, useState, type MouseEvent, type ReactElement } from "react";
import { QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { createApi } from "./api.ts";
import { AppContext, permissionsOf, type AppState } from "./context.ts";
import { LocaleContext, makeLocale, storeLang, storedLang, type Lang, type MessageKey } from "./i18n/index.ts";
import { useLive } from "./live.ts";
import { createQueryClient } from "./query.ts";
import type { Category, Commune, User, Zone } from "./types.ts";
import { ChangePassword, SignIn } from "./pages/SignIn.tsx";
import { Dashboard } from "./pages/Dashboard.tsx";
import { Library } from "./pages/Library.tsx";
import { Programs } from "./pages/Programs.tsx";
import { SchedulePage } from "./pages/Schedule.tsx";
import { Campaigns } from "./pages/Campaigns.tsx";
import { Directives } from "./pages/Directives.tsx";
import { Approvals } from "./pages/Approvals.tsx";
import { AsRunPage } from "./pages/AsRun.tsx";
import { Reports } from "./pages/Reports.tsx";
import { Users } from "./pages/Users.tsx";
import { Settings } from "./pages/Settings.tsx";
import { QueuesPage } from "./pages/Queues.tsx";
import { Clock } from "./components/Clock.tsx";
import { AlertsButton } from "./components/Alerts.tsx";

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
  { path: "/directives", label: "nav.directives", page: () => <Directives /> },
  { path: "/approvals", label: "nav.approvals", page: () => <Approvals /> },
  { path: "/asrun", label: "nav.asrun", page: () => <AsRunPage /> },
  { path: "/reports", label: "nav.reports", page: () => <Reports /> },
  { path: "/users", label: "nav.users", page: () => <Users />, admin: true },
  { path: "/settings", label: "nav.settings", page: () => <Settings />, admin: true },
  { path: "/queues", label: "nav.queues", page: () => <QueuesPage />, admin: true },
];

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
            {route ? route.page() : <p data-testid="not-found">{locale.t("nav.notFound")}</p>}
          </main>
        </div>
      </AppContext.Provider>
    </LocaleContext.Provider>
  );
}
