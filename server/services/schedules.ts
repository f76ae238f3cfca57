// Schedules: recurring or one-off sessions of a program on one or more zones.
import type { z } from "zod";
import { AppError, notFound } from "../errors.ts";
import { formatDaysOfWeek, scheduleSpecFromRow, validateSchedule, type ScheduleSpec } from "../domain/recurrence.ts";
import { assertNoOverlap } from "../domain/overlap.ts";
import { localDateOf } from "../domain/time.ts";
import type { scheduleBody } from "../contract/scheduling.ts";
import { communeTimeZone } from "./commune.ts";
import type { Deps } from "./deps.ts";

type Body = z.output<typeof scheduleBody>;
type Edit = Pick<Deps, "db" | "clock" | "replan">;

/** The program and zones exist, the rule is valid and no enabled schedule overlaps it on a zone. */
async function check(deps: Pick<Deps, "db" | "clock">, id: number | null, b: Body) {
  const { db, clock } = deps;
  const program = await db.program.findUnique({ where: { id: b.programId } });
  if (!program || program.archived) throw new AppError(422, "UNKNOWN_PROGRAM", "Chương trình không tồn tại.", "Unknown program.");
  const zones = await db.zone.findMany({ where: { id: { in: b.zoneIds } } });
  if (zones.length !== new Set(b.zoneIds).size) throw new AppError(422, "UNKNOWN_ZONES", "Có cụm loa không tồn tại.", "Some zones do not exist.");
  const spec: ScheduleSpec = { id: id ?? -1, name: b.name, programId: b.programId, kind: b.kind, daysOfWeek: b.daysOfWeek, startTime: b.startTime, date: b.date ?? null, validFrom: b.validFrom ?? null, validTo: b.validTo ?? null, maxDurationSec: b.maxDurationSec, zoneIds: b.zoneIds, enabled: b.enabled };
  validateSchedule(spec);
  const tz = await communeTimeZone(deps);
  const others = (await db.schedule.findMany({ where: { enabled: true }, include: { zones: true } })).map(scheduleSpecFromRow);
  assertNoOverlap(spec, others, { today: localDateOf(clock.now(), tz), timeZone: tz, zoneNames: new Map(zones.map((z) => [z.id, z.name])) });
}

const toRow = (b: Body) => ({
  name: b.name, programId: b.programId, kind: b.kind, daysOfWeek: b.kind === "recurring" ? formatDaysOfWeek(b.daysOfWeek) : "", startTime: b.startTime,
  date: b.kind === "once" ? b.date! : null, validFrom: b.validFrom ?? null, validTo: b.validTo ?? null, maxDurationSec: b.maxDurationSec, enabled: b.enabled,
});

async function mustExist({ db }: Pick<Deps, "db">, id: number) {
  if (!(await db.schedule.findUnique({ where: { id } }))) throw notFound("schedule");
}

export async function listSchedules({ db }: Pick<Deps, "db">) {
  const schedules = await db.schedule.findMany({ include: { zones: true, program: { select: { name: true } } }, orderBy: [{ startTime: "asc" }, { id: "asc" }] });
  return schedules.map((s) => ({ ...s, zoneIds: s.zones.map((z) => z.zoneId), daysOfWeek: s.daysOfWeek ? s.daysOfWeek.split(",").map(Number) : [] }));
}

export async function createSchedule(deps: Edit, b: Body) {
  await check(deps, null, b);
  const s = await deps.db.schedule.create({ data: { ...toRow(b), zones: { create: b.zoneIds.map((zoneId) => ({ zoneId })) } } });
  await deps.replan?.({ scheduleId: s.id });
  return { ...s, zoneIds: b.zoneIds };
}

export async function updateSchedule(deps: Edit, id: number, b: Body) {
  await mustExist(deps, id);
  await check(deps, id, b);
  const s = await deps.db.$transaction(async (tx) => {
    await tx.scheduleZone.deleteMany({ where: { scheduleId: id } });
    return tx.schedule.update({ where: { id }, data: { ...toRow(b), zones: { create: b.zoneIds.map((zoneId) => ({ zoneId })) } } });
  });
  await deps.replan?.({ scheduleId: id });
  return { ...s, zoneIds: b.zoneIds };
}

/** Disabled rather than deleted: past airings keep their link to the schedule. */
export async function disableSchedule(deps: Pick<Deps, "db" | "replan">, id: number) {
  await mustExist(deps, id);
  await deps.db.schedule.update({ where: { id }, data: { enabled: false } });
  await deps.replan?.({ scheduleId: id });
}
