// The sessions of a range of dates (the month view), built from the schedule rules and
// the airings by server/domain/calendar.ts.
import type { z } from "zod";
import { invalid } from "../errors.ts";
import { buildCalendar } from "../domain/calendar.ts";
import { scheduleSpecFromRow } from "../domain/recurrence.ts";
import { daysBetween } from "../domain/time.ts";
import type { calendarQuery } from "../contract/scheduling.ts";
import type { Deps } from "./deps.ts";

const MAX_DAYS = 42;

export async function calendar({ db, clock }: Pick<Deps, "db" | "clock">, q: z.output<typeof calendarQuery>) {
  const days = daysBetween(q.from, q.to) + 1;
  if (days < 1 || days > MAX_DAYS) {
    throw invalid("INVALID_RANGE", `Khoảng ngày phải từ 1 đến ${MAX_DAYS} ngày.`, `The range must be 1 to ${MAX_DAYS} days.`, { fields: [{ field: "to", message: "range" }] });
  }
  const [commune, scheduleRows, airings, programs] = await Promise.all([
    db.commune.findUnique({ where: { id: 1 } }),
    db.schedule.findMany({ where: { enabled: true }, include: { zones: true } }),
    db.airing.findMany({
      where: { localDate: { gte: q.from, lte: q.to }, zoneId: q.zoneId },
      select: { id: true, scheduleId: true, zoneId: true, programId: true, source: true, localDate: true, scheduledStart: true, maxDurationMs: true, status: true },
      orderBy: { scheduledStart: "asc" },
      take: 20_000,
    }),
    db.program.findMany({ select: { id: true, name: true } }),
  ]);
  const specs = scheduleRows.map(scheduleSpecFromRow).map((s) => (q.zoneId ? { ...s, zoneIds: s.zoneIds.filter((id) => id === q.zoneId) } : s));
  const timeZone = commune?.timeZone ?? "Asia/Ho_Chi_Minh";
  const sessions = buildCalendar({ from: q.from, to: q.to, timeZone, now: clock.now(), schedules: specs, airings, includeHidden: q.all === "1" });
  const programName = new Map(programs.map((p) => [p.id, p.name]));
  const scheduleName = new Map(scheduleRows.map((s) => [s.id, s.name]));
  return {
    from: q.from,
    to: q.to,
    timeZone,
    sessions: sessions.map((s) => ({ ...s, programName: s.programId ? (programName.get(s.programId) ?? null) : null, scheduleName: s.scheduleId ? (scheduleName.get(s.scheduleId) ?? null) : null })),
  };
}
