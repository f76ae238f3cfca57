// "Tuyên truyền văn bản chỉ đạo": the report section on the directive documents RECEIVED in
// the period — how many, how many propagandised on time, late or not yet (of which overdue),
// the median time from receipt to first airing, and one row per document. Judged as of the
// end of the period (or now, for a period not over yet), from the plays counted by the one
// definition (server/directives/coverage.ts → AsRun.counted), like every other count.
import type { Db } from "../db/client.ts";
import { addDays, localToUtcMs } from "../domain/time.ts";
import { hoursOf, median, type DirectiveStatus } from "../domain/directives.ts";
import { coverageOf } from "../directives/coverage.ts";
import type { DirectiveReportRow, DirectiveSection } from "./types.ts";


type Reader = Pick<Db, "$queryRaw" | "zone" | "directive">;

export async function directiveSection(db: Reader, range: { from: string; to: string }, now: Date, timeZone: string): Promise<DirectiveSection> {
  const asOf = new Date(Math.min(now.getTime(), localToUtcMs(addDays(range.to, 1), 0, timeZone)));
  const docs = await db.directive.findMany({
    where: { receivedDate: { gte: range.from, lte: range.to } },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
  });
  const cov = await coverageOf(db, docs, { asOf, timeZone, toDate: range.to });
  const rows: DirectiveReportRow[] = docs.map((d) => {
    const t = cov.get(d.id)!;
    return {
      directiveId: d.id, number: d.number, issuer: d.issuer, summary: d.summary, action: d.action, receivedAt: d.receivedAt, dueDate: d.dueDate,
      targetPlays: d.targetPlays, status: t.status, firstAiredAt: t.firstAiredAt, allZonesAt: t.allZonesAt,
      hoursToFirstAir: hoursOf(t.toFirstAirMs), hoursToAllZones: hoursOf(t.toAllZonesMs), plays: t.plays, zonesReached: t.zonesReached, zonesTotal: t.zonesTotal,
    };
  });
  const count = (...s: DirectiveStatus[]) => rows.filter((r) => s.includes(r.status)).length;
  const aired = rows.filter((r) => r.status !== "info" && r.hoursToFirstAir !== null);
  return {
    asOf,
    received: rows.length,
    toAir: rows.length - count("info"),
    onTime: count("on_time"),
    late: count("late"),
    notYet: count("pending", "overdue"),
    overdue: count("overdue"),
    info: count("info"),
    medianHoursToFirstAir: median(aired.map((r) => r.hoursToFirstAir!)),
    medianHoursToAllZones: median(aired.filter((r) => r.hoursToAllZones !== null).map((r) => r.hoursToAllZones!)),
    rows,
  };
}
