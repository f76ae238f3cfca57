// Sign-in (throttled, audited, timing-blind), sign-out and password change.
import type { z } from "zod";
import { AppError } from "../errors.ts";
import { writeAudit } from "../audit.ts";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "../auth/password.ts";
import { passwordProblem } from "../auth/password-policy.ts";
import { createSession, destroySession } from "../auth/sessions.ts";
import type { GuardEvent, LoginGuard } from "../auth/rate-limit.ts";
import type { loginBody, passwordBody } from "../contract/admin.ts";
import type { Deps } from "./deps.ts";

type AuthDeps = Pick<Deps, "db" | "clock" | "config">;

const badLogin = () => new AppError(401, "BAD_CREDENTIALS", "Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password.");

/**
 * A sign-in from `ip`: admitted by the guard (which may delay or refuse with 429), checked
 * and audited; the result is the user and a new session.
 */
export async function signIn(deps: AuthDeps, guard: LoginGuard, { username, password }: z.output<typeof loginBody>, ip: string) {
  const { db, clock, config } = deps;
  const audit = (action: string, detail: Record<string, unknown>, userId: number | null = null) =>
    writeAudit(db, { userId, action, entity: "user", entityId: userId ?? "", detail, ip }, clock.now());
  const onEvent = (e: GuardEvent) => audit(e.kind === "locked" ? "auth.lockout" : "auth.throttled", { username: e.account });
  const admitted = await guard.admit(username, ip, onEvent);
  const user = await db.user.findUnique({ where: { username } });
  // Unknown and disabled names cost the same scrypt as a real one: timing tells nothing.
  const matches = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || user.disabled || !matches) {
    const { locked } = await guard.failed(username, ip);
    await audit("auth.login_failed", { username, reason: !user ? "unknown_user" : user.disabled ? "disabled" : "wrong_password", delayedMs: admitted.waitedMs }, user?.id ?? null);
    if (locked) await audit("auth.lockout", { username, minutes: guard.opts.windowMs / 60_000 }, user?.id ?? null);
    throw badLogin();
  }
  await guard.succeeded(username, ip);
  // Hashes from weaker parameters are replaced while the password is at hand.
  if (needsRehash(user.passwordHash)) await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  const session = await createSession(db, user.id, config.SESSION_TTL_HOURS, clock.now());
  await audit("auth.login", { delayedMs: admitted.waitedMs }, user.id);
  return {
    user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, mustChangePassword: user.mustChangePassword },
    session,
  };
}

export async function signOut({ db }: Pick<Deps, "db">, token: string | undefined) {
  if (token) await destroySession(db, token);
}

/** A new password for the signed-in user; the user's other sessions end. */
export async function changePassword({ db }: Pick<Deps, "db">, me: { userId: number; sessionId: string }, { currentPassword, newPassword }: z.output<typeof passwordBody>) {
  const user = await db.user.findUniqueOrThrow({ where: { id: me.userId } });
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AppError(422, "WRONG_CURRENT_PASSWORD", "Mật khẩu hiện tại không đúng.", "The current password is wrong.");
  }
  if (currentPassword === newPassword) {
    throw new AppError(422, "SAME_PASSWORD", "Mật khẩu mới phải khác mật khẩu cũ.", "The new password must differ from the old one.");
  }
  const weak = passwordProblem(newPassword, { username: user.username, displayName: user.displayName });
  if (weak) throw new AppError(422, "WEAK_PASSWORD", weak.vi, weak.en, { fields: [{ field: "newPassword", message: weak.en }] });
  await db.$transaction([
    db.user.update({ where: { id: me.userId }, data: { passwordHash: await hashPassword(newPassword), mustChangePassword: false } }),
    // A changed password must lock out old cookies.
    db.session.deleteMany({ where: { userId: me.userId, NOT: { id: me.sessionId } } }),
  ]);
}
