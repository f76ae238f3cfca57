// User management for admins.
import type { Hono } from "hono";
import { currentUser, requireRole, type AppEnv } from "./context.ts";
import type { AppDeps } from "../app.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { userCreateBody, userPatchBody } from "../contract/admin.ts";
import { createUser, listUsers, updateUser } from "../services/users.ts";

export function usersRoutes(api: Hono<AppEnv>, deps: AppDeps) {
  const admin = requireRole(...CAN.administer);

  api.get("/users", admin, async (c) => c.json({ users: await listUsers(deps) }));

  api.post("/users", admin, zv("json", userCreateBody), async (c) => {
    const r = await createUser(deps, c.req.valid("json"));
    c.set("audit", { action: "user.create", entity: "user", entityId: r.user.id, detail: { username: r.user.username, role: r.user.role } });
    return c.json(r, 201);
  });

  api.patch("/users/:id", admin, zv("param", idParam), zv("json", userPatchBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await updateUser(deps, id, body, currentUser(c).id);
    c.set("audit", { action: "user.update", entity: "user", entityId: id, detail: { ...body } });
    return c.json(r);
  });
}
