// User management for admins: accounts with one-time passwords handed out by an admin.
import type { z } from "zod";
import { AppError, conflict, notFound } from "../errors.ts";
import { generatePassword, hashPassword } from "../auth/password.ts";
import type { userCreateBody, userPatchBody } from "../contract/admin.ts";
import type { Deps } from "./deps.ts";

type Db = Pick<Deps, "db">;

/** What the API shows of a user: never the password hash. */
export const publicUser = (u: { id: number; username: string; displayName: string; role: string; disabled: boolean; mustChangePassword: boolean; createdAt: Date }) => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  disabled: u.disabled,
  mustChangePassword: u.mustChangePassword,
  createdAt: u.createdAt,
});

export const listUsers = async ({ db }: Db) => (await db.user.findMany({ orderBy: { id: "asc" } })).map(publicUser);

/** A new account; its one-time password must be changed at first sign-in. */
export async function createUser({ db }: Db, body: z.output<typeof userCreateBody>) {
  if (await db.user.findUnique({ where: { username: body.username } })) {
    throw conflict("USERNAME_TAKEN", "Tên đăng nhập đã tồn tại.", "That username is already taken.");
  }
  const password = generatePassword();
  const user = await db.user.create({ data: { ...body, passwordHash: await hashPassword(password), mustChangePassword: true } });
  return { user: publicUser(user), oneTimePassword: password };
}

/** An edit by an admin (actorId); disabling, demoting or a reset ends the user's sessions. */
export async function updateUser({ db }: Db, id: number, body: z.output<typeof userPatchBody>, actorId: number) {
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw notFound("user");
  if (id === actorId && (body.disabled || (body.role && body.role !== "admin"))) {
    throw new AppError(422, "SELF_LOCKOUT", "Không thể tự khóa hoặc hạ quyền tài khoản của chính mình.", "You cannot disable or demote your own account.");
  }
  let oneTimePassword: string | undefined;
  const data: Record<string, unknown> = { displayName: body.displayName, role: body.role, disabled: body.disabled };
  if (body.resetPassword) {
    oneTimePassword = generatePassword();
    data.passwordHash = await hashPassword(oneTimePassword);
    data.mustChangePassword = true;
  }
  const updated = await db.$transaction(async (tx) => {
    const u = await tx.user.update({ where: { id }, data });
    if (body.disabled || body.resetPassword || body.role) await tx.session.deleteMany({ where: { userId: id } });
    return u;
  });
  return { user: publicUser(updated), oneTimePassword };
}
