// The audit log (nhật ký thao tác): who changed what and when, newest first, for admins.
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AppEnv } from "../app.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { keyset, pageOf, pageQuery } from "../db/page.ts";
import type { ResourceDeps } from "./index.ts";

const listQuery = z.object({
  entity: z.string().trim().max(40).optional(),
  action: z.string().trim().max(80).optional(),
  userId: z.coerce.number().int().positive().optional(),
  ...pageQuery(100, 500),
});

export function auditRoutes(api: Hono<AppEnv>, { db }: ResourceDeps) {
  api.get("/audit", requireRole(...CAN.administer), zv("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    // Ids grow with time: id order is the order of events, and the primary key serves it.
    const page = keyset("id", "desc", q.cursor);
    const found = await db.auditLog.findMany({
      where: { AND: [{ entity: q.entity, action: q.action, userId: q.userId }, page.where] },
      include: { user: { select: { username: true, displayName: true } } },
      orderBy: page.orderBy,
      take: q.limit + 1,
    });
    const { rows, nextCursor } = pageOf(found, q.limit);
    return c.json({ entries: rows.map((r) => ({ ...r, detail: safeJson(r.detail) })), nextCursor });
  });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
