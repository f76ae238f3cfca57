import { describe, expect, it } from "vitest";
import type { AppError } from "../../server/errors.ts";
import { DomainError } from "../../server/domain/errors.ts";
import { withHttpStatus } from "../../server/http/errors.ts";
import { assertNoOverlap, findScheduleOverlaps } from "../../server/domain/overlap.ts";
import type { ScheduleSpec } from "../../server/domain/recurrence.ts";
import { TZ, at, daily } from "./fixtures.ts";

const opts = { today: "2026-04-06", timeZone: TZ };

describe("schedule overlap", () => {
  const morning = daily(1, 1, "05:00", [1, 2], 60, { name: "Buổi sáng", daysOfWeek: [1, 2, 3, 4, 5, 6] });

  it("finds the clash with local date, time and zone", () => {
    const cand = daily(9, 2, "05:30", [2, 3], 30, { daysOfWeek: [7, 1] }); // Sun + Mon
    const found = findScheduleOverlaps(cand, [morning], opts);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((c) => c.zoneId === 2)).toBe(true); // zone 3 is not shared
    expect(found.every((c) => c.localDate >= "2026-04-06")).toBe(true);
    expect(found[0]).toMatchObject({ zoneId: 2, scheduleId: 1, scheduleName: "Buổi sáng", localDate: "2026-04-06", startTime: "05:30", otherStartTime: "05:00" });
    expect(found[0]!.start).toEqual(at("2026-04-06", "05:30"));
    // Sundays don't clash: the morning schedule is Mon–Sat.
    expect(found.some((c) => c.localDate === "2026-04-12")).toBe(false);
  });

  it("accepts back-to-back sessions, other zones, other days, disjoint validity and the schedule itself", () => {
    expect(findScheduleOverlaps(daily(9, 2, "06:00", [1], 30), [morning], opts)).toEqual([]); // starts when 05:00+60 ends
    expect(findScheduleOverlaps(daily(9, 2, "05:00", [5], 30), [morning], opts)).toEqual([]);
    expect(findScheduleOverlaps(daily(9, 2, "05:00", [1], 30, { daysOfWeek: [7] }), [morning], opts)).toEqual([]);
    const bounded = { ...morning, validTo: "2026-04-30" };
    expect(findScheduleOverlaps(daily(9, 2, "05:10", [1], 30, { validFrom: "2026-05-01" }), [bounded], opts)).toEqual([]);
    expect(findScheduleOverlaps({ ...morning }, [morning], opts)).toEqual([]); // editing itself
  });

  it("catches a clash far in the future inside the common validity range", () => {
    const later = { ...morning, validFrom: "2027-01-04" };
    const found = findScheduleOverlaps(daily(9, 2, "05:45", [1], 30), [later], opts);
    expect(found[0]?.localDate).toBe("2027-01-04");
  });

  it("catches sessions that cross midnight and one-off sessions", () => {
    const late = daily(3, 1, "23:30", [1], 60, { name: "Đêm" });
    const found = findScheduleOverlaps(daily(9, 2, "00:15", [1], 15), [late], opts);
    // Today's 00:15 clashes with yesterday's 23:30 session, and so on every day.
    expect(found[0]).toMatchObject({ localDate: "2026-04-06", otherLocalDate: "2026-04-05", otherStartTime: "23:30" });
    expect(found[1]).toMatchObject({ localDate: "2026-04-07", otherLocalDate: "2026-04-06", startTime: "00:15" });
    const once: ScheduleSpec = { ...daily(10, 2, "05:20", [1], 20), kind: "once", daysOfWeek: [], date: "2026-04-08" };
    expect(findScheduleOverlaps(once, [morning], opts).map((c) => c.localDate)).toEqual(["2026-04-08"]);
  });

  it("is DST-aware across the fall-back day (New York)", () => {
    const ny = { today: "2026-10-26", timeZone: "America/New_York", horizonDays: 14 };
    // 01:00 for 60 min vs 01:45 for 10 min: overlap every day, including the fall-back day.
    const found = findScheduleOverlaps(daily(9, 2, "01:45", [1], 10), [daily(1, 1, "01:00", [1], 60)], { ...ny, limit: 100 });
    expect(found.map((c) => c.localDate)).toContain("2026-11-01");
    expect(found).toHaveLength(15);
  });

  it("rejects with a clear Vietnamese and English error", () => {
    const cand = daily(9, 2, "05:30", [2], 30, { name: "Mới" });
    try {
      assertNoOverlap(cand, [morning], { ...opts, zoneNames: new Map([[2, "Thôn Đông"]]) });
      expect.unreachable();
    } catch (e) {
      const err = e as DomainError;
      expect(err).toBeInstanceOf(DomainError);
      expect((withHttpStatus(err) as AppError).status).toBe(409);
      expect(err.code).toBe("SCHEDULE_OVERLAP");
      expect(err.messageVi).toContain('Lịch phát bị trùng giờ: trùng với lịch "Buổi sáng" (bắt đầu 05:00) tại cụm loa Thôn Đông ngày 06/04/2026 lúc 05:30');
      expect(err.messageEn).toContain('overlaps "Buổi sáng" (starting 05:00) on zone Thôn Đông on 2026-04-06 at 05:30');
      expect(Array.isArray(err.details)).toBe(true);
    }
  });
});
