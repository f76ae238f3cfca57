// Sign-in, sign-out, the current user and password change.
import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { clientIp, currentUser, type AppDeps, type AppEnv } from "../app.ts";
import { AppError } from "../errors.ts";
import { zv } from "./validate.ts";
import { writeAudit } from "../audit.ts";
import { dummyHash, hashPassword, needsRehash, passwordSchemaRules, verifyPassword } from "../auth/password.ts";
import { passwordProblem } from "../auth/password-policy.ts";
import { CSRF_COOKIE, SESSION_COOKIE, createSession, destroySession } from "../auth/sessions.ts";
import type { GuardEvent, LoginGuard } from "../auth/rate-limit.ts";

const loginBody = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });
const passwordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(passwordSchemaRules.min).max(passwordSchemaRules.max),
});

const badLogin = () => new AppError(401, "BAD_CREDENTIALS", "Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.");

export function authRoutes(api: Hono<AppEnv>, deps: AppDeps & { guard: LoginGuard }) {
  const { db, clock, config, guard } = deps;

  const secure = (c: { req: { header(n: string): string | undefined; url: string } }) =>
    config.COOKIE_SECURE === "always" || (config.COOKIE_SECURE === "auto" && (c.req.header("x-forwarded-proto") === "https" || c.req.url.startsWith("https:")));

  const audit = (action: string, ip: string, detail: Record<string, unknown>, userId: number | null = null) =>
    writeAudit(db, { userId, action, entity: "user", entityId: userId ?? "", detail, ip }, clock.now());

  api.post("/auth/login", zv("json", loginBody), async (c) => {
    const { username, password } = c.req.valid("json");
    const ip = clientIp(c);
    const onEvent = (e: GuardEvent) => audit(e.kind === "locked" ? "auth.lockout" : "auth.throttled", ip, { username: e.account });
    const admitted = await guard.admit(username, ip, onEvent).catch(async (err: unknown) => {
      if (err instanceof AppError && err.status === 429) c.header("retry-after", String((err.details as { retryAfterS: number }).retryAfterS));
      throw err;
    });
    const user = await db.user.findUnique({ where: { username } });
    // Unknown and disabled names cost the same scrypt as a real one: timing tells nothing.
    const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
    if (!user || user.disabled || !matches) {
      const { locked } = await guard.failed(username, ip);
      await audit("auth.login_failed", ip, { username, reason: !user ? "unknown_user" : user.disabled ? "disabled" : "wrong_password", delayedMs: admitted.waitedMs }, user?.id ?? null);
      if (locked) await audit("auth.lockout", ip, { username, minutes: guard.opts.windowMs / 60_000 }, user?.id ?? null);
      throw badLogin();
    }
    await guard.succeeded(username, ip);
    // Hashes from weaker parameters are replaced while the password is at hand.
    if (needsRehash(user.passwordHash)) await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
    const s = await createSession(db, user.id, config.SESSION_TTL_HOURS, clock.now());
    const sec = secure(c);
    setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, sameSite: "Lax", secure: sec, path: "/", expires: s.expiresAt });
    // Readable by the SPA, which echoes it in X-CSRF-Token (double submit).
    setCookie(c, CSRF_COOKIE, s.csrfToken, { httpOnly: false, sameSite: "Lax", secure: sec, path: "/", expires: s.expiresAt });
    await audit("auth.login", ip, { delayedMs: admitted.waitedMs }, user.id);
    return c.json({
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, mustChangePassword: user.mustChangePassword },
      csrfToken: s.csrfToken,
    });
  });

  api.post("/auth/logout", async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await destroySession(db, token);
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
    const { currentPassword, newPassword } = c.req.valid("json");
    const user = await db.user.findUniqueOrThrow({ where: { id: me.id } });
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new AppError(422, "WRONG_CURRENT_PASSWORD", "Mật khẩu hiện tại không đúng.", "The current password is wrong.");
    }
    if (currentPassword === newPassword) {
      throw new AppError(422, "SAME_PASSWORD", "Mật khẩu mới phải khác mật khẩu cũ.", "The new password must differ from the old one.");
    }
    const weak = passwordProblem(newPassword, { username: user.username, displayName: user.displayName });
    if (weak) throw new AppError(422, "WEAK_PASSWORD", weak.vi, weak.en, { fields: [{ field: "newPassword", message: weak.en }] });
    const session = c.get("session")!;
    await db.$transaction([
      db.user.update({ where: { id: me.id }, data: { passwordHash: await hashPassword(newPassword), mustChangePassword: false } }),
      // Other sessions of this user end: a changed password must lock out old cookies.
      db.session.deleteMany({ where: { userId: me.id, NOT: { id: session.id } } }),
    ]);
    c.set("audit", { action: "auth.password_change", entity: "user", entityId: me.id });
    return c.json({ ok: true });
  });
}
