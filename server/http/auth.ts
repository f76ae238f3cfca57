// Sign-in, sign-out, the current user and password change.
import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { clientIp, currentUser, type AppEnv } from "./context.ts";
import type { AppDeps } from "../app.ts";
import { AppError } from "../errors.ts";
import { zv } from "./validate.ts";
import { CSRF_COOKIE, SESSION_COOKIE } from "../auth/sessions.ts";
import type { LoginGuard } from "../auth/rate-limit.ts";
import { loginBody, passwordBody } from "../contract/admin.ts";
import { changePassword, signIn, signOut } from "../services/auth.ts";

export function authRoutes(api: Hono<AppEnv>, deps: AppDeps & { guard: LoginGuard }) {
  const { config, guard } = deps;

  const secure = (c: { req: { header(n: string): string | undefined; url: string } }) =>
    config.COOKIE_SECURE === "always" || (config.COOKIE_SECURE === "auto" && (c.req.header("x-forwarded-proto") === "https" || c.req.url.startsWith("https:")));

  api.post("/auth/login", zv("json", loginBody), async (c) => {
    const { user, session: s } = await signIn(deps, guard, c.req.valid("json"), clientIp(c)).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 429) c.header("retry-after", String((err.details as { retryAfterS: number }).retryAfterS));
      throw err;
    });
    const sec = secure(c);
    setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, sameSite: "Lax", secure: sec, path: "/", expires: s.expiresAt });
    // Readable by the SPA, which echoes it in X-CSRF-Token (double submit).
    setCookie(c, CSRF_COOKIE, s.csrfToken, { httpOnly: false, sameSite: "Lax", secure: sec, path: "/", expires: s.expiresAt });
    return c.json({ user, csrfToken: s.csrfToken });
  });

  api.post("/auth/logout", async (c) => {
    await signOut(deps, getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    deleteCookie(c, CSRF_COOKIE, { path: "/" });
    c.set("audit", { action: "auth.logout", entity: "user", entityId: currentUser(c).id });
    return c.json({ ok: true });
  });

  api.get("/auth/me", (c) => {
    const session = c.get("session")!;
    return c.json({ user: currentUser(c), csrfToken: session.csrfToken });
  });

  api.post("/auth/password", zv("json", passwordBody), async (c) => {
    const me = currentUser(c);
    await changePassword(deps, { userId: me.id, sessionId: c.get("session")!.id }, c.req.valid("json"));
    c.set("audit", { action: "auth.password_change", entity: "user", entityId: me.id });
    return c.json({ ok: true });
  });
}
