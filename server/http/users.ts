// User management for admins.
import type { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole, type AppDeps, type AppEnv } from "../app.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { zv } from "./validate.ts";
import { generatePassword, hashPassword } from "../auth/password.ts";
import { CAN, ROLES } from "../auth/roles.ts";

const idParam = z.object({ id: z.coerce.number().int().positive() });
const createBody = z.object({
  username: z.string().trim().min(3).max(64).regex(/^[a-zA-Z0-9._-]+$/, "letters, digits, . _ - only"),
  displayName: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
});
const patchBody = z.object({
  displayName: z.string().trim().min(1).max(120).optional(),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  resetPassword: z.boolean().optional(),
});

const publicUser = (u: { id: number; username: string; displayName: string; role: string; disabled: boolean; mustChangePassword: boolean; createdAt: Date }) => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  disabled: u.disabled,
  mustChangePassword: u.mustChangePassword,
  createdAt: u.createdAt,
});

export function usersRoutes(api: Hono<AppEnv>, { db }: AppDeps) {
  const admin = requireRole(...CAN.administer);

  api.get("/users", admin, async (c) => c.json({ users: (await db.user.findMany({ orderBy: { id: "asc" } })).map(publicUser) }));

  api.post("/users", admin, zv("json", createBody), async (c) => {
    const body = c.req.valid("json");
    if (await db.user.findUnique({ where: { username: body.username } })) {
      throw conflict("USERNAME_TAKEN", "Tên đăng nhập đã tồn tại.", "That username is already taken.");
    }
    // Admins hand the one-time password to the user; it must be changed at first sign-in.
    const password = generatePassword();
    const user = await db.user.create({ data: { ...body, passwordHash: await hashPassword(password), mustChangePassword: true } });
    c.set("audit", { action: "user.create", entity: "user", entityId: user.id, detail: { username: user.username, role: user.role } });
    return c.json({ user: publicUser(user), oneTimePassword: password }, 201);
  });

  api.patch("/users/:id", admin, zv("param", idParam), zv("json", patchBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const user = await db.user.findUnique({ where: { id } });
    if (!user) throw notFound("user");
    if (id === currentUser(c).id && (body.disabled || (body.role && body.role !== "admin"))) {
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
    c.set("audit", { action: "user.update", entity: "user", entityId: id, detail: { ...body } });
    return c.json({ user: publicUser(updated), oneTimePassword });
  });
}
