// Sign-in, sign-out, the current user and password change.
import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { clientIp, currentUser, type AppDeps, type AppEnv } from "../app.ts";
import { AppError } from "../errors.ts";
import { zv } from "../http/validate.ts";
import { hashPassword, passwordSchemaRules, verifyPassword } from "../auth/password.ts";
import { CSRF_COOKIE, SESSION_COOKIE, createSession, destroySession } from "../auth/sessions.ts";
import type { FailureLimiter } from "../auth/rate-limit.ts";

const loginBody = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });
const passwordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(passwordSchemaRules.min).max(passwordSchemaRules.max),
});

const badLogin = () => new AppError(401, "BAD_CREDENTIALS", "Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.");

export function authRoutes(api: Hono<AppEnv>, deps: AppDeps & { limiter: FailureLimiter }) {
  const { db, clock, config, limiter } = deps;

  const secure = (c: { req: { header(n: string): string | undefined; url: string } }) =>
    config.COOKIE_SECURE === "always" || (config.COOKIE_SECURE === "auto" && (c.req.header("x-forwarded-proto") === "https" || c.req.url.startsWith("https:")));

  api.post("/auth/login", zv("json", loginBody), async (c) => {
    const { username, password } = c.req.valid("json");
    // Per account and address, so a stranger cannot lock an operator out during a
    // disaster by guessing from elsewhere; plus a wider cap per address.
    const ip = clientIp(c);
    const keys = [`u:${username.toLowerCase()}|${ip}`];
    if (limiter.blocked(keys[0]!) || limiter.blocked(`ip:${ip}`, limiter.maxFailures * 4)) {
      throw new AppError(429, "TOO_MANY_ATTEMPTS", "Đăng nhập sai quá nhiều lần, vui lòng thử lại sau 15 phút.", "Too many failed sign-ins; try again in 15 minutes.");
    }
    const user = await db.user.findUnique({ where: { username } });
    const ok = user && !user.disabled && (await verifyPassword(password, user.passwordHash));
    if (!ok || !user) {
      limiter.fail(keys[0]!);
      limiter.fail(`ip:${ip}`);
      throw badLogin();
    }
    keys.forEach((k) => limiter.reset(k));
    const s = await createSession(db, user.id, config.SESSION_TTL_HOURS, clock.now());
    const sec = secure(c);
    setCookie(c, SESSION_COOKIE, s.token, { httpOnly: true, sameSite: "Lax", secure: sec, path: "/", expires: s.expiresAt });
    // Readable by the SPA, which echoes it in X-CSRF-Token (double submit).
    setCookie(c, CSRF_COOKIE, s.csrfToken, { httpOnly: false, sameSite: "Lax", secure: sec, path: "/", expires: s.expiresAt });
    await db.auditLog.create({ data: { userId: user.id, action: "auth.login", entity: "user", entityId: String(user.id), ip: clientIp(c), createdAt: clock.now() } });
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
