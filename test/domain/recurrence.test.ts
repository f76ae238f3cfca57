import { describe, expect, it } from "vitest";
import type { AppError } from "../../server/errors.ts";
import { DomainError } from "../../server/domain/errors.ts";
import { withHttpStatus } from "../../server/http/errors.ts";
import { expandSchedules, parseDaysOfWeek, scheduleSpecFromRow, validateSchedule, type ScheduleSpec } from "../../server/domain/recurrence.ts";
import { TZ, at, daily } from "./fixtures.ts";

describe("schedule recurrence", () => {
  it("expands Mon–Sat 05:30 and 17:00 per zone within [from, to)", () => {
    const monSat = { daysOfWeek: [1, 2, 3, 4, 5, 6] };
    const s = [daily(1, 1, "05:30", [1, 2], 30, monSat), daily(2, 1, "17:00", [1], 60, monSat)];
    // 2026-04-06 is a Monday; one week.
    const out = expandSchedules(s, { from: at("2026-04-06", "00:00"), to: at("2026-04-13", "00:00") }, TZ);
    expect(out).toHaveLength(6 * 2 + 6);
    expect(out.some((x) => x.localDate === "2026-04-12")).toBe(false); // Sunday
    expect(out[0]).toEqual({
      scheduleId: 1,
      programId: 1,
      zoneId: 1,
      localDate: "2026-04-06",
      startTime: "05:30",
      start: at("2026-04-06", "05:30"),
      maxDurationMs: 30 * 60_000,
    });
    // Sorted by start, then zone.
    expect(out.slice(0, 3).map((x) => [x.zoneId, x.startTime])).toEqual([[1, "05:30"], [2, "05:30"], [1, "17:00"]]);
    // [from, to): a session starting exactly at `to` is excluded, at `from` included.
    const edge = expandSchedules(s, { from: at("2026-04-06", "05:30"), to: at("2026-04-06", "17:00") }, TZ);
    expect(edge.map((x) => x.zoneId)).toEqual([1, 2]);
  });

  it("respects validity ranges, one-off dates and disabled schedules", () => {
    const range = { from: at("2026-04-01", "00:00"), to: at("2026-05-01", "00:00") };
    const bounded = daily(1, 1, "06:00", [1], 30, { validFrom: "2026-04-10", validTo: "2026-04-12" });
    expect(expandSchedules([bounded], range, TZ).map((x) => x.localDate)).toEqual(["2026-04-10", "2026-04-11", "2026-04-12"]);
    const once: ScheduleSpec = { ...daily(2, 1, "20:00", [3]), kind: "once", daysOfWeek: [], date: "2026-04-20" };
    expect(expandSchedules([once], range, TZ).map((x) => [x.localDate, x.zoneId])).toEqual([["2026-04-20", 3]]);
    expect(expandSchedules([{ ...bounded, enabled: false }], range, TZ)).toEqual([]);
  });

  it("maps a Prisma row and validates with bilingual errors", () => {
    const spec = scheduleSpecFromRow({
      id: 7, name: "Sáng", programId: 3, kind: "recurring", daysOfWeek: "6,1,2", startTime: "05:30", date: null,
      validFrom: null, validTo: null, maxDurationSec: 1800, enabled: true, zones: [{ zoneId: 4 }, { zoneId: 2 }],
    });
    expect(spec.daysOfWeek).toEqual([1, 2, 6]);
    expect(spec.zoneIds).toEqual([2, 4]);
    expect(() => validateSchedule(spec)).not.toThrow();
    expect(() => parseDaysOfWeek("1,8")).toThrow(DomainError);
    try {
      validateSchedule({ ...spec, validFrom: "2026-05-01", validTo: "2026-04-01" });
      expect.unreachable();
    } catch (e) {
      expect((withHttpStatus(e) as AppError).status).toBe(422);
      expect((e as DomainError).messageVi).toBe("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.");
      expect((e as DomainError).messageEn).toBe("The end date must be on or after the start date.");
    }
    expect(() => validateSchedule({ ...spec, startTime: "5:30" })).toThrow(/HH:MM/);
    expect(() => validateSchedule({ ...spec, daysOfWeek: [] })).toThrow(DomainError);
  });
});
