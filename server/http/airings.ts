// Planned and past airings (buổi phát) with their run-down lines and reasons.
import type { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole, type AppEnv } from "../app.ts";
import { AppError, notFound } from "../errors.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, localDate } from "./common.ts";
import type { ResourceDeps } from "./index.ts";
import { keyset, pageOf, pageQuery } from "./page.ts";

const listQuery = z.object({
  from: localDate.optional(),
  to: localDate.optional(),
  zoneId: z.coerce.number().int().positive().optional(),
  status: z.string().max(20).optional(),
  ...pageQuery(200, 1000),
});

const airNowBody = z.object({ programId: z.number().int().positive(), zoneIds: z.array(z.number().int().positive()).min(1).max(100).transform((ids) => [...new Set(ids)]) });

export function airingsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, planner } = deps;

  api.get("/airings", zv("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    // In air-time order; the cursor continues after the last airing sent (scheduledStart, id).
    const page = keyset("scheduledStart", "asc", q.cursor, { date: true });
    const found = await db.airing.findMany({
      where: { AND: [{ localDate: { gte: q.from, lte: q.to }, zoneId: q.zoneId, status: q.status }, page.where] },
      include: { zone: { select: { name: true, code: true } }, program: { select: { name: true } }, schedule: { select: { name: true } } },
      orderBy: page.orderBy,
      take: q.limit + 1,
    });
    const { rows: airings, nextCursor } = pageOf(found, q.limit, (a) => a.scheduledStart);
    return c.json({ airings, nextCursor });
  });

  api.get("/airings/:id", zv("param", idParam), async (c) => {
    const airing = await db.airing.findUnique({
      where: { id: c.req.valid("param").id },
      include: {
        // Never the output configuration: it holds stream passwords.
        zone: { select: { id: true, code: true, name: true, village: true, outputKind: true } },
        program: { select: { name: true } },
        schedule: { select: { name: true } },
        lines: { orderBy: { position: "asc" }, include: { item: { select: { title: true, kind: true, priority: true } } } },
        asRuns: { orderBy: { actualStart: "asc" }, include: { item: { select: { title: true } } } },
      },
    });
    if (!airing) throw notFound("airing");
    return c.json({ airing });
  });

  // Manual "air now" of a program on chosen zones.
  api.post("/airings/air-now", requireRole(...CAN.schedule), zv("json", airNowBody), async (c) => {
    const body = c.req.valid("json");
    const program = await db.program.findUnique({ where: { id: body.programId } });
    if (!program || program.archived) throw notFound("program");
    const zones = await db.zone.findMany({ where: { id: { in: body.zoneIds }, enabled: true } });
    if (zones.length !== new Set(body.zoneIds).size) throw new AppError(422, "UNKNOWN_ZONES", "Có cụm loa không tồn tại hoặc đang tắt.", "Some zones do not exist or are disabled.");
    const airings = await planner.airNow({ programId: program.id, zoneIds: zones.map((z) => z.id), userId: currentUser(c).id });
    c.set("audit", { action: "airing.air_now", entity: "program", entityId: program.id, detail: { zoneIds: body.zoneIds, airingIds: airings.map((a) => a.id) } });
    return c.json({ airings }, 201);
  });

  api.post("/airings/:id/cancel", requireRole(...CAN.schedule), zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const airing = await planner.cancel(id);
    c.set("audit", { action: "airing.cancel", entity: "airing", entityId: id });
    return c.json({ airing });
  });
}
