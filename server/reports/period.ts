// Report periods in the commune's time zone. A period is an inclusive range of local
// calendar dates (YYYY-MM-DD, the same strings stored in AsRun.localDate and
// Airing.localDate) plus the matching UTC instants [startUtc, endUtc). Calendar math is
// done on plain dates (Date.UTC), and the time zone is consulted only to turn a local
// midnight into an instant, by binary search, so DST gaps and overlaps are handled.
import { invalid } from "../errors.ts";

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

const DAY_MS = 86_400_000;
const MAX_CUSTOM_DAYS = 3_700; // about ten years: bounds the per-day tables

const badPeriod = (value: string, why: string) =>
  invalid("INVALID_PERIOD", `Kỳ báo cáo không hợp lệ: "${value}" (${why}).`, `Invalid report period "${value}" (${why}).`, { value });

// ---- plain calendar dates -------------------------------------------------------

/** Days since 1970-01-01 of a valid YYYY-MM-DD, or throws. */
export function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw badPeriod(date, "định dạng YYYY-MM-DD / expected YYYY-MM-DD");
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw badPeriod(date, "ngày không tồn tại / no such date");
  return Date.UTC(y, mo - 1, d) / DAY_MS;
}

export function dateFromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateFromDayNumber(dayNumber(date) + days);
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, month: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
}

/** Monday of ISO week 1 of `isoYear` (the week holding 4 January). */
function isoWeek1Monday(isoYear: number): number {
  const jan4 = `${String(isoYear).padStart(4, "0")}-01-04`;
  return dayNumber(jan4) - (isoWeekday(jan4) - 1);
}

export function isoWeeksInYear(isoYear: number): number {
  return (isoWeek1Monday(isoYear + 1) - isoWeek1Monday(isoYear)) / 7;
}

/** ISO week of a date, e.g. 2027-01-01 → { year: 2026, week: 53 }. */
export function isoWeekOf(date: string): { year: number; week: number } {
  const n = dayNumber(date);
  const thursday = n - (isoWeekday(date) - 1) + 3; // the week's Thursday decides its year
  const year = Number(dateFromDayNumber(thursday).slice(0, 4));
  return { year, week: Math.floor((thursday - isoWeek1Monday(year) - 3) / 7) + 1 };
}

/** dd/mm/yyyy, the Vietnamese administrative form. */
export function formatDateVi(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

// ---- time zone ----------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
      });
    } catch {
      throw invalid("INVALID_TIME_ZONE", `Múi giờ không hợp lệ: ${timeZone}.`, `Invalid time zone: ${timeZone}.`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(instant: Date, timeZone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return parts;
}

/** The commune calendar date (YYYY-MM-DD) of an instant. */
export function localDateOf(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Local wall-clock time "HH:MM" (or "HH:MM:SS") of an instant. */
export function localTimeOf(instant: Date, timeZone: string, seconds = false): string {
  const p = localParts(instant, timeZone);
  return seconds ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`;
}

/** First instant whose local date is `date` (local midnight, or the end of a DST gap that swallowed it). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const guess = dayNumber(date) * DAY_MS;
  // Offsets lie within ±14 h, so the answer is inside [guess - 15h, guess + 15h].
  let lo = guess - 15 * 3_600_000;
  let hi = guess + 15 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDateOf(new Date(mid), timeZone) >= date) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

// ---- periods --------------------------------------------------------------------

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
  formatter(timeZone); // validate the zone before anything else
  if (spec.kind === "custom") {
    const a = dayNumber(spec.from);
    const b = dayNumber(spec.to);
    const key = `${spec.from}..${spec.to}`;
    if (b < a) throw badPeriod(key, "ngày kết thúc trước ngày bắt đầu / end before start");
    if (b - a + 1 > MAX_CUSTOM_DAYS) throw badPeriod(key, `tối đa ${MAX_CUSTOM_DAYS} ngày / at most ${MAX_CUSTOM_DAYS} days`);
    return build("custom", key, spec.from, spec.to, timeZone,
      `từ ngày ${formatDateVi(spec.from)} đến ngày ${formatDateVi(spec.to)}`, `${spec.from} to ${spec.to}`);
  }
  const v = spec.value;
  switch (spec.kind) {
    case "day": {
      dayNumber(v);
      return build("day", v, v, v, timeZone, `ngày ${formatDateVi(v)}`, v);
    }
    case "week": {
      const m = /^(\d{4})-W(\d{2})$/.exec(v);
      if (!m) throw badPeriod(v, "định dạng YYYY-Www / expected YYYY-Www");
      const [year, week] = [Number(m[1]), Number(m[2])];
      if (week < 1 || week > isoWeeksInYear(year)) throw badPeriod(v, `năm ${year} có ${isoWeeksInYear(year)} tuần / ${year} has ${isoWeeksInYear(year)} ISO weeks`);
      const monday = isoWeek1Monday(year) + (week - 1) * 7;
      const from = dateFromDayNumber(monday);
      const to = dateFromDayNumber(monday + 6);
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

/** ISO week key ("2026-W41") of the week containing a local date. */
export function weekKeyOf(date: string): string {
  const { year, week } = isoWeekOf(date);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Every local date of [from, to], inclusive. */
export function eachDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (let n = dayNumber(from), end = dayNumber(to); n <= end; n++) out.push(dateFromDayNumber(n));
  return out;
}
