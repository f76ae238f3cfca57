// The audit log (nhật ký thao tác): who changed what and when, newest first, for admins.
import type { Hono } from "hono";
import { requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { auditListQuery } from "../contract/audit.ts";
import { auditEntries } from "../services/audit.ts";
import type { ResourceDeps } from "./index.ts";

export function auditRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  api.get("/audit", requireRole(...CAN.administer), zv("query", auditListQuery), async (c) => c.json(await auditEntries(deps, c.req.valid("query"))));
}
