// Schedules: recurring or one-off sessions of a program on one or more zones.
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AppEnv } from "../app.ts";
import { AppError, notFound } from "../errors.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, localDate, localTime } from "./common.ts";
import { formatDaysOfWeek, scheduleSpecFromRow, validateSchedule, type ScheduleSpec } from "../domain/recurrence.ts";
import { assertNoOverlap } from "../domain/overlap.ts";
import { localDateOf } from "../domain/time.ts";
import type { ResourceDeps } from "./index.ts";

const body = z
  .object({
    name: z.string().trim().min(1).max(200),
    programId: z.number().int().positive(),
    kind: z.enum(["recurring", "once"]),
    daysOfWeek: z.array(z.number().int().min(1).max(7)).max(7).default([]),
    startTime: localTime,
    date: localDate.nullable().optional(),
    validFrom: localDate.nullable().optional(),
    validTo: localDate.nullable().optional(),
    maxDurationSec: z.number().int().min(60).max(86_400).default(3600),
    zoneIds: z.array(z.number().int().positive()).min(1).max(200).transform((ids) => [...new Set(ids)]),
    enabled: z.boolean().default(true),
  })
  .refine((b) => b.kind !== "once" || !!b.date, { message: "a one-off session needs a date", path: ["date"] })
  .refine((b) => b.kind !== "recurring" || b.daysOfWeek.length > 0, { message: "choose at least one weekday", path: ["daysOfWeek"] });

export function schedulesRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, clock } = deps;
  const scheduler = requireRole(...CAN.schedule);

  const commune = async () => db.commune.findUniqueOrThrow({ where: { id: 1 } });

  const check = async (id: number | null, b: z.infer<typeof body>) => {
    const program = await db.program.findUnique({ where: { id: b.programId } });
    if (!program || program.archived) throw new AppError(422, "UNKNOWN_PROGRAM", "Chương trình không tồn tại.", "Unknown program.");
    const zones = await db.zone.findMany({ where: { id: { in: b.zoneIds } } });
    if (zones.length !== new Set(b.zoneIds).size) throw new AppError(422, "UNKNOWN_ZONES", "Có cụm loa không tồn tại.", "Some zones do not exist.");
    const spec: ScheduleSpec = { id: id ?? -1, name: b.name, programId: b.programId, kind: b.kind, daysOfWeek: b.daysOfWeek, startTime: b.startTime, date: b.date ?? null, validFrom: b.validFrom ?? null, validTo: b.validTo ?? null, maxDurationSec: b.maxDurationSec, zoneIds: b.zoneIds, enabled: b.enabled };
    validateSchedule(spec);
    const tz = (await commune()).timeZone;
    const others = (await db.schedule.findMany({ where: { enabled: true }, include: { zones: true } })).map(scheduleSpecFromRow);
    assertNoOverlap(spec, others, { today: localDateOf(clock.now(), tz), timeZone: tz, zoneNames: new Map(zones.map((z) => [z.id, z.name])) });
  };

  const toRow = (b: z.infer<typeof body>) => ({
    name: b.name, programId: b.programId, kind: b.kind, daysOfWeek: b.kind === "recurring" ? formatDaysOfWeek(b.daysOfWeek) : "", startTime: b.startTime,
    date: b.kind === "once" ? b.date! : null, validFrom: b.validFrom ?? null, validTo: b.validTo ?? null, maxDurationSec: b.maxDurationSec, enabled: b.enabled,
  });

  api.get("/schedules", async (c) => {
    const schedules = await db.schedule.findMany({ include: { zones: true, program: { select: { name: true } } }, orderBy: [{ startTime: "asc" }, { id: "asc" }] });
    return c.json({ schedules: schedules.map((s) => ({ ...s, zoneIds: s.zones.map((z) => z.zoneId), daysOfWeek: s.daysOfWeek ? s.daysOfWeek.split(",").map(Number) : [] })) });
  });

  api.post("/schedules", scheduler, zv("json", body), async (c) => {
    const b = c.req.valid("json");
    await check(null, b);
    const s = await db.schedule.create({ data: { ...toRow(b), zones: { create: b.zoneIds.map((zoneId) => ({ zoneId })) } } });
    await deps.replan?.({ scheduleId: s.id });
    c.set("audit", { action: "schedule.create", entity: "schedule", entityId: s.id, detail: b });
    return c.json({ schedule: { ...s, zoneIds: b.zoneIds } }, 201);
  });

  api.put("/schedules/:id", scheduler, zv("param", idParam), zv("json", body), async (c) => {
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    if (!(await db.schedule.findUnique({ where: { id } }))) throw notFound("schedule");
    await check(id, b);
    const s = await db.$transaction(async (tx) => {
      await tx.scheduleZone.deleteMany({ where: { scheduleId: id } });
      return tx.schedule.update({ where: { id }, data: { ...toRow(b), zones: { create: b.zoneIds.map((zoneId) => ({ zoneId })) } } });
    });
    await deps.replan?.({ scheduleId: id });
    c.set("audit", { action: "schedule.update", entity: "schedule", entityId: id, detail: b });
    return c.json({ schedule: { ...s, zoneIds: b.zoneIds } });
  });

  api.delete("/schedules/:id", scheduler, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    if (!(await db.schedule.findUnique({ where: { id } }))) throw notFound("schedule");
    // Disabled rather than deleted: past airings keep their link to the schedule.
    await db.schedule.update({ where: { id }, data: { enabled: false } });
    await deps.replan?.({ scheduleId: id });
    c.set("audit", { action: "schedule.disable", entity: "schedule", entityId: id });
    return c.json({ ok: true });
  });
}
