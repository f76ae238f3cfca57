import { describe, expect, it } from "vitest";
import { buildCalendar, type CalendarAiring } from "../../server/domain/calendar.ts";
import { TZ, at, daily } from "./fixtures.ts";

const monSat = { daysOfWeek: [1, 2, 3, 4, 5, 6] };
const rules = [daily(1, 1, "05:30", [1, 2], 30, monSat), daily(2, 1, "17:00", [1, 2], 30, monSat)];
const airing = (id: number, zoneId: number, date: string, time: string, status: string, scheduleId: number | null = 1): CalendarAiring => ({
  id, scheduleId, zoneId, programId: 1, source: scheduleId ? "schedule" : "emergency", localDate: date, scheduledStart: at(date, time), maxDurationMs: 1_800_000, status,
});

describe("calendar of a week from rules and airings", () => {
  // 2026-04-06 is a Monday.
  const week = { from: "2026-04-06", to: "2026-04-12", timeZone: TZ, schedules: rules };

  it("shows every future rule session, 12 per zone for Mon–Sat 05:30/17:00", () => {
    const out = buildCalendar({ ...week, now: at("2026-04-01", "08:00"), airings: [] });
    for (const zone of [1, 2]) expect(out.filter((s) => s.zoneId === zone)).toHaveLength(12);
    expect(out.every((s) => s.status === "expected" && s.airingId === null)).toBe(true);
    expect(out[0]).toMatchObject({ localDate: "2026-04-06", time: "05:30", zoneId: 1, scheduleId: 1 });
  });

  it("overlays airings, hides superseded and cancelled ones unless asked, and keeps the past to what exists", () => {
    const airings = [
      airing(10, 1, "2026-04-06", "05:30", "aired"),
      airing(11, 1, "2026-04-07", "05:30", "cancelled"),
      airing(12, 1, "2026-04-08", "05:30", "superseded"),
      airing(13, 1, "2026-04-08", "17:00", "planned", 2),
      airing(14, 2, "2026-04-08", "09:12", "aired", null),
    ];
    const now = at("2026-04-08", "06:00");
    const out = buildCalendar({ ...week, now, airings });
    const zone1 = out.filter((s) => s.zoneId === 1);
    // Past: only the aired Monday session (the cancelled Tuesday and superseded Wednesday are hidden).
    expect(zone1.filter((s) => s.start < now.toISOString()).map((s) => s.airingId)).toEqual([10]);
    // The planned airing replaces the rule's session instead of doubling it.
    expect(zone1.filter((s) => s.localDate === "2026-04-08" && s.time === "17:00")).toEqual([expect.objectContaining({ airingId: 13, status: "planned" })]);
    // Future: Wed 17:00 … Sat 17:00 = 7 sessions.
    expect(zone1.filter((s) => s.start >= now.toISOString())).toHaveLength(7);
    expect(out.find((s) => s.airingId === 14)).toMatchObject({ source: "emergency", time: "09:12", zoneId: 2 });
    const all = buildCalendar({ ...week, now, airings, includeHidden: true });
    expect(all.filter((s) => s.airingId === 11 || s.airingId === 12).map((s) => s.status)).toEqual(["cancelled", "superseded"]);
  });
});
