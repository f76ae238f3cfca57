import { describe, expect, it } from "vitest";
import { parsePeriodKey, previousMonthKey, resolvePeriod } from "../../server/reports/period.ts";
import {
  addDays, dateRange as eachDate, isoWeekKey as weekKeyOf, isoWeekOf, isoWeeksInYear, localDateOf, startOfLocalDay,
} from "../../server/domain/time.ts";
import { AppError } from "../../server/errors.ts";

const VN = "Asia/Ho_Chi_Minh";

describe("resolvePeriod", () => {
  it("turns a month into inclusive local dates and the UTC instants of local midnight", () => {
    const p = resolvePeriod({ kind: "month", value: "2026-10" }, VN);
    expect(p).toMatchObject({ kind: "month", key: "2026-10", from: "2026-10-01", to: "2026-10-31", days: 31, labelVi: "tháng 10/2026" });
    expect(p.startUtc.toISOString()).toBe("2026-09-30T17:00:00.000Z");
    expect(p.endUtc.toISOString()).toBe("2026-10-31T17:00:00.000Z");
  });

  it("knows leap years (divisible by 4, not by 100 unless by 400)", () => {
    expect(resolvePeriod({ kind: "month", value: "2024-02" }, VN).to).toBe("2024-02-29");
    expect(resolvePeriod({ kind: "month", value: "2026-02" }, VN).to).toBe("2026-02-28");
    expect(resolvePeriod({ kind: "month", value: "2100-02" }, VN).to).toBe("2100-02-28");
    expect(resolvePeriod({ kind: "month", value: "2000-02" }, VN).to).toBe("2000-02-29");
    expect(resolvePeriod({ kind: "year", value: "2024" }, VN).days).toBe(366);
    expect(resolvePeriod({ kind: "year", value: "2026" }, VN).days).toBe(365);
    expect(resolvePeriod({ kind: "day", value: "2024-02-29" }, VN).days).toBe(1);
    expect(() => resolvePeriod({ kind: "day", value: "2026-02-29" }, VN)).toThrow(AppError);
  });

  it("splits quarters at month boundaries", () => {
    expect(resolvePeriod({ kind: "quarter", value: "2026-Q1" }, VN)).toMatchObject({ from: "2026-01-01", to: "2026-03-31", days: 90, labelVi: "quý I/2026" });
    expect(resolvePeriod({ kind: "quarter", value: "2024-Q1" }, VN).days).toBe(91);
    expect(resolvePeriod({ kind: "quarter", value: "2026-Q2" }, VN)).toMatchObject({ from: "2026-04-01", to: "2026-06-30" });
    expect(resolvePeriod({ kind: "quarter", value: "2026-Q3" }, VN)).toMatchObject({ from: "2026-07-01", to: "2026-09-30" });
    expect(resolvePeriod({ kind: "quarter", value: "2026-Q4" }, VN)).toMatchObject({ from: "2026-10-01", to: "2026-12-31", days: 92, labelVi: "quý IV/2026" });
    expect(() => resolvePeriod({ kind: "quarter", value: "2026-Q5" }, VN)).toThrow(AppError);
  });

  it("handles ISO weeks, including week 53 and weeks that straddle a new year", () => {
    expect(isoWeeksInYear(2026)).toBe(53); // 1 Jan 2026 is a Thursday
    expect(isoWeeksInYear(2020)).toBe(53); // leap year starting on a Wednesday
    expect(isoWeeksInYear(2025)).toBe(52);
    expect(resolvePeriod({ kind: "week", value: "2026-W53" }, VN)).toMatchObject({ from: "2026-12-28", to: "2027-01-03", days: 7 });
    expect(resolvePeriod({ kind: "week", value: "2020-W53" }, VN)).toMatchObject({ from: "2020-12-28", to: "2021-01-03" });
    expect(resolvePeriod({ kind: "week", value: "2026-W01" }, VN)).toMatchObject({ from: "2025-12-29", to: "2026-01-04" });
    expect(resolvePeriod({ kind: "week", value: "2026-W41" }, VN)).toMatchObject({ from: "2026-10-05", to: "2026-10-11" });
    expect(() => resolvePeriod({ kind: "week", value: "2025-W53" }, VN)).toThrow(/52/);
    expect(isoWeekOf("2027-01-01")).toEqual({ year: 2026, week: 53 });
    expect(isoWeekOf("2025-12-29")).toEqual({ year: 2026, week: 1 });
    expect(weekKeyOf("2026-10-07")).toBe("2026-W41");
  });

  it("accepts custom ranges and rejects inverted ones with a bilingual error", () => {
    const p = resolvePeriod({ kind: "custom", from: "2026-10-01", to: "2026-10-15" }, VN);
    expect(p).toMatchObject({ key: "2026-10-01..2026-10-15", days: 15 });
    try {
      resolvePeriod({ kind: "custom", from: "2026-10-15", to: "2026-10-01" }, VN);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(422);
      expect((err as AppError).messageVi).toMatch(/không hợp lệ/);
      expect((err as AppError).messageEn).toMatch(/Invalid report period/);
    }
    expect(() => resolvePeriod({ kind: "month", value: "2026-10" }, "Mars/Olympus")).toThrow(AppError);
  });

  it("infers the kind from a period key", () => {
    expect(parsePeriodKey("2026-10-05", VN).kind).toBe("day");
    expect(parsePeriodKey("2026-W41", VN).kind).toBe("week");
    expect(parsePeriodKey("2026-10", VN).kind).toBe("month");
    expect(parsePeriodKey("2026-Q4", VN).kind).toBe("quarter");
    expect(parsePeriodKey("2026", VN).kind).toBe("year");
    expect(parsePeriodKey("2026-10-01..2026-10-03", VN).days).toBe(3);
    expect(() => parsePeriodKey("last month", VN)).toThrow(AppError);
  });
});

describe("time-zone arithmetic is DST-safe", () => {
  it("gives a 23-hour day when clocks spring forward (Europe/Berlin, 29 March 2026)", () => {
    const p = resolvePeriod({ kind: "day", value: "2026-03-29" }, "Europe/Berlin");
    expect(p.startUtc.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(p.endUtc.getTime() - p.startUtc.getTime()).toBe(23 * 3_600_000);
    const oct = resolvePeriod({ kind: "day", value: "2026-10-25" }, "Europe/Berlin");
    expect(oct.endUtc.getTime() - oct.startUtc.getTime()).toBe(25 * 3_600_000);
  });

  it("finds the first instant of a day whose midnight does not exist (America/Santiago, 6 Sept 2026)", () => {
    const start = startOfLocalDay("2026-09-06", "America/Santiago");
    expect(localDateOf(start, "America/Santiago")).toBe("2026-09-06");
    expect(localDateOf(new Date(start.getTime() - 1), "America/Santiago")).toBe("2026-09-05");
    expect(start.toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it("takes 'last month' in the commune zone, not in UTC", () => {
    // 1 Jan 2026 00:30 in Vietnam is still 31 Dec 2025 in UTC.
    expect(previousMonthKey(new Date("2025-12-31T17:30:00Z"), VN)).toBe("2025-12");
    expect(previousMonthKey(new Date("2025-12-31T16:30:00Z"), VN)).toBe("2025-11");
    expect(previousMonthKey(new Date("2026-03-15T00:00:00Z"), VN)).toBe("2026-02");
  });

  it("walks dates across month and year ends", () => {
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(eachDate("2026-02-27", "2026-03-01")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });
});
