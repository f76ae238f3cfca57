import { describe, expect, it } from "vitest";
import { DomainError } from "../../server/domain/errors.ts";
import { expandSchedules } from "../../server/domain/recurrence.ts";
import {
  addDays,
  dateRange,
  daysBetween,
  isoWeekdayOf,
  isoWeekdayOfDate,
  localDateOf,
  localTimeOf,
  localToUtc,
  parseTimeOfDay,
  startOfIsoWeek,
  toLocalParts,
} from "../../server/domain/time.ts";
import { daily } from "./fixtures.ts";

describe("commune time", () => {
  it("converts Vietnam local time (UTC+7, no DST) both ways", () => {
    const t = localToUtc("2026-04-10", "05:30");
    expect(t.toISOString()).toBe("2026-04-09T22:30:00.000Z");
    expect(toLocalParts(t)).toEqual({ date: "2026-04-10", time: "05:30", weekday: 5, minuteOfDay: 330 });
    expect(localDateOf(new Date("2026-04-09T17:00:00Z"))).toBe("2026-04-10");
    expect(localTimeOf(new Date("2026-04-09T16:59:00Z"))).toBe("23:59");
    expect(isoWeekdayOf(new Date("2026-04-12T10:00:00Z"))).toBe(7); // Sunday
  });

  it("does calendar arithmetic on local dates", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(daysBetween("2026-03-01", "2026-04-01")).toBe(31);
    expect(isoWeekdayOfDate("2026-04-06")).toBe(1);
    expect(startOfIsoWeek("2026-04-12")).toBe("2026-04-06");
    expect(startOfIsoWeek("2026-04-06")).toBe("2026-04-06");
    expect(dateRange("2026-03-30", "2026-04-02")).toEqual(["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02"]);
  });

  it("moves a time in a spring-forward gap to the first valid minute", () => {
    // Berlin 2026-03-29: 02:00 CET → 03:00 CEST. 02:30 does not exist.
    expect(localToUtc("2026-03-29", "02:30", "Europe/Berlin").toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(localTimeOf(localToUtc("2026-03-29", "02:30", "Europe/Berlin"), "Europe/Berlin")).toBe("03:00");
    // New York 2026-03-08: 02:00 EST → 03:00 EDT.
    expect(localToUtc("2026-03-08", "02:30", "America/New_York").toISOString()).toBe("2026-03-08T07:00:00.000Z");
  });

  it("takes the first occurrence of an ambiguous fall-back time", () => {
    // Berlin 2026-10-25: 03:00 CEST → 02:00 CET; 02:30 happens twice. First = CEST (UTC+2).
    expect(localToUtc("2026-10-25", "02:30", "Europe/Berlin").toISOString()).toBe("2026-10-25T00:30:00.000Z");
    // New York 2026-11-01: 01:30 happens twice; first = EDT (UTC−4).
    expect(localToUtc("2026-11-01", "01:30", "America/New_York").toISOString()).toBe("2026-11-01T05:30:00.000Z");
  });

  for (const tz of ["Europe/Berlin", "America/New_York"]) {
    it(`a daily 02:30 session occurs once a day at the right instants across both transitions (${tz})`, () => {
      const s = daily(1, 1, "02:30", [1]);
      const from = localToUtc("2026-01-01", "00:00", tz);
      const to = localToUtc("2027-01-01", "00:00", tz);
      const sessions = expandSchedules([s], { from, to }, tz);
      expect(sessions).toHaveLength(365);
      const dates = sessions.map((x) => x.localDate);
      expect(new Set(dates).size).toBe(365);
      for (const x of sessions) {
        const local = toLocalParts(x.start, tz);
        expect(local.date).toBe(x.localDate);
        // 02:30 everywhere except the spring-forward day, where it moves to 03:00.
        expect(local.time === "02:30" || local.time === "03:00").toBe(true);
      }
      const moved = sessions.filter((x) => toLocalParts(x.start, tz).time === "03:00");
      expect(moved.map((x) => x.localDate)).toEqual([tz === "Europe/Berlin" ? "2026-03-29" : "2026-03-08"]);
      // Consecutive sessions are 24 h apart except around the transitions (23 h / 25 h / 23.5 h…).
      const gaps = sessions.slice(1).map((x, i) => (x.start.getTime() - sessions[i]!.start.getTime()) / 3_600_000);
      expect(gaps.filter((g) => g !== 24).length).toBeLessThanOrEqual(3);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(23);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(25);
    });

    it(`a daily 05:30 session is always 05:30 local (${tz})`, () => {
      const sessions = expandSchedules(
        [daily(1, 1, "05:30", [1])],
        { from: localToUtc("2026-01-01", "00:00", tz), to: localToUtc("2027-01-01", "00:00", tz) },
        tz,
      );
      expect(sessions).toHaveLength(365);
      for (const x of sessions) expect(localTimeOf(x.start, tz)).toBe("05:30");
      // …which is a different UTC hour in summer and winter.
      expect(new Set(sessions.map((x) => x.start.getUTCHours())).size).toBe(2);
    });
  }

  it("rejects bad times, dates and zones with bilingual errors", () => {
    expect(() => parseTimeOfDay("24:00")).toThrow(DomainError);
    expect(() => localToUtc("2026-02-30", "05:00")).toThrow(DomainError);
    expect(() => addDays("2026-13-01", 1)).toThrow(DomainError);
    try {
      localToUtc("2026-04-10", "05:00", "Mars/Olympus");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).messageVi).toContain("Múi giờ không hợp lệ");
      expect((e as DomainError).messageEn).toContain("Invalid time zone");
    }
  });
});
