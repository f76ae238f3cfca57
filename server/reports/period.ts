// Report periods in the commune's time zone. A period is an inclusive range of local
// calendar dates (YYYY-MM-DD, the same strings stored in AsRun.localDate and
// Airing.localDate) plus the matching UTC instants [startUtc, endUtc). The calendar
// arithmetic is the commune calendar's (server/domain/time.ts).
import { invalid } from "../errors.ts";
import {
  addDays, dayNumber, daysInMonth, formatDateVi, isLocalDate, isoWeekMonday, isoWeeksInYear, isTimeZone, localDateOf, startOfLocalDay,
} from "../domain/time.ts";

export type PeriodKind = "day" | "week" | "month" | "quarter" | "year" | "custom";

export type PeriodSpec =
  | { kind: "day" | "week" | "month" | "quarter" | "year"; value: string }
  | { kind: "custom"; from: string; to: string };

export interface Period {
  kind: PeriodKind;
  /** Canonical key: "2026-10-05", "2026-W41", "2026-10", "2026-Q4", "2026", "2026-10-01..2026-10-15". */
  key: string;
  /** First and last local dates, inclusive. */
  from: string;
  to: string;
  days: number;
  timeZone: string;
  /** Local midnight starting `from`, and local midnight after `to` (exclusive). */
  startUtc: Date;
  endUtc: Date;
  labelVi: string;
  labelEn: string;
}

const MAX_CUSTOM_DAYS = 3_700; // about ten years: bounds the per-day tables

const badPeriod = (value: string, why: string) =>
  invalid("INVALID_PERIOD", `Kỳ báo cáo không hợp lệ: "${value}" (${why}).`, `Invalid report period "${value}" (${why}).`, { value });

/** Day number of a real YYYY-MM-DD, or an INVALID_PERIOD error naming `date`. */
function periodDay(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw badPeriod(date, "định dạng YYYY-MM-DD / expected YYYY-MM-DD");
  if (!isLocalDate(date)) throw badPeriod(date, "ngày không tồn tại / no such date");
  return dayNumber(date);
}

function build(kind: PeriodKind, key: string, from: string, to: string, timeZone: string, labelVi: string, labelEn: string): Period {
  const days = dayNumber(to) - dayNumber(from) + 1;
  return {
    kind, key, from, to, days, timeZone,
    startUtc: startOfLocalDay(from, timeZone),
    endUtc: startOfLocalDay(addDays(to, 1), timeZone),
    labelVi, labelEn,
  };
}

const ROMAN = ["I", "II", "III", "IV"];
const MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export function resolvePeriod(spec: PeriodSpec, timeZone: string): Period {
  // The zone first; a report's errors are the API's (AppError), not the domain's.
  if (!isTimeZone(timeZone)) throw invalid("INVALID_TIME_ZONE", `Múi giờ không hợp lệ: ${timeZone}.`, `Invalid time zone: ${timeZone}.`);
  if (spec.kind === "custom") {
    const a = periodDay(spec.from);
    const b = periodDay(spec.to);
    const key = `${spec.from}..${spec.to}`;
    if (b < a) throw badPeriod(key, "ngày kết thúc trước ngày bắt đầu / end before start");
    if (b - a + 1 > MAX_CUSTOM_DAYS) throw badPeriod(key, `tối đa ${MAX_CUSTOM_DAYS} ngày / at most ${MAX_CUSTOM_DAYS} days`);
    return build("custom", key, spec.from, spec.to, timeZone,
      `từ ngày ${formatDateVi(spec.from)} đến ngày ${formatDateVi(spec.to)}`, `${spec.from} to ${spec.to}`);
  }
  const v = spec.value;
  switch (spec.kind) {
    case "day": {
      periodDay(v);
      return build("day", v, v, v, timeZone, `ngày ${formatDateVi(v)}`, v);
    }
    case "week": {
      const m = /^(\d{4})-W(\d{2})$/.exec(v);
      if (!m) throw badPeriod(v, "định dạng YYYY-Www / expected YYYY-Www");
      const [year, week] = [Number(m[1]), Number(m[2])];
      if (week < 1 || week > isoWeeksInYear(year)) throw badPeriod(v, `năm ${year} có ${isoWeeksInYear(year)} tuần / ${year} has ${isoWeeksInYear(year)} ISO weeks`);
      const from = isoWeekMonday(year, week);
      const to = addDays(from, 6);
      return build("week", v, from, to, timeZone,
        `tuần ${week}/${year} (từ ${formatDateVi(from)} đến ${formatDateVi(to)})`, `ISO week ${week} of ${year} (${from} to ${to})`);
    }
    case "month": {
      const m = /^(\d{4})-(\d{2})$/.exec(v);
      const month = m ? Number(m[2]) : 0;
      if (!m || month < 1 || month > 12) throw badPeriod(v, "định dạng YYYY-MM / expected YYYY-MM");
      const year = Number(m[1]);
      return build("month", v, `${v}-01`, `${v}-${String(daysInMonth(year, month)).padStart(2, "0")}`, timeZone,
        `tháng ${m[2]}/${year}`, `${MONTHS_EN[month - 1]} ${year}`);
    }
    case "quarter": {
      const m = /^(\d{4})-Q([1-4])$/.exec(v);
      if (!m) throw badPeriod(v, "định dạng YYYY-Qn / expected YYYY-Qn");
      const [year, q] = [Number(m[1]), Number(m[2])];
      const firstMonth = (q - 1) * 3 + 1;
      const lastMonth = firstMonth + 2;
      const pad = (n: number) => String(n).padStart(2, "0");
      return build("quarter", v, `${year}-${pad(firstMonth)}-01`, `${year}-${pad(lastMonth)}-${daysInMonth(year, lastMonth)}`, timeZone,
        `quý ${ROMAN[q - 1]}/${year}`, `Q${q} ${year}`);
    }
    case "year": {
      if (!/^\d{4}$/.test(v)) throw badPeriod(v, "định dạng YYYY / expected YYYY");
      return build("year", v, `${v}-01-01`, `${v}-12-31`, timeZone, `năm ${v}`, `year ${v}`);
    }
  }
}

/** Infers the kind from a key: "2026-10-05", "2026-W41", "2026-10", "2026-Q4", "2026", "2026-10-01..2026-10-15". */
export function parsePeriodKey(key: string, timeZone: string): Period {
  const custom = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(key);
  if (custom) return resolvePeriod({ kind: "custom", from: custom[1]!, to: custom[2]! }, timeZone);
  if (/^\d{4}-\d{2}-\d{2}$/.test(key)) return resolvePeriod({ kind: "day", value: key }, timeZone);
  if (/^\d{4}-W\d{2}$/.test(key)) return resolvePeriod({ kind: "week", value: key }, timeZone);
  if (/^\d{4}-\d{2}$/.test(key)) return resolvePeriod({ kind: "month", value: key }, timeZone);
  if (/^\d{4}-Q\d$/.test(key)) return resolvePeriod({ kind: "quarter", value: key }, timeZone);
  if (/^\d{4}$/.test(key)) return resolvePeriod({ kind: "year", value: key }, timeZone);
  throw badPeriod(key, "không nhận ra loại kỳ / unrecognised period");
}

/** "YYYY-MM" of the month before the one containing `now` in the commune time zone. */
export function previousMonthKey(now: Date, timeZone: string): string {
  const today = localDateOf(now, timeZone);
  let y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7)) - 1;
  if (m === 0) { m = 12; y -= 1; }
  return `${y}-${String(m).padStart(2, "0")}`;
}
