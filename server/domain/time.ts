// The commune calendar, the one module for it: the domain, the reports and the web app
// (web/src/time.ts re-exports it; keep it free of Node imports). Built on Intl only.
// Local dates are "YYYY-MM-DD" strings and local times "HH:MM" in the commune's IANA
// zone; instants are UTC (Date or epoch ms).
//
// DST policy (Vietnam has none, but the logic must stay correct elsewhere), the same as
// Temporal's disambiguation "compatible":
// - a local time inside a spring-forward gap does not exist; it is moved FORWARD to the
//   first valid minute (the transition instant), e.g. 02:30 on a Berlin spring-forward
//   day becomes 03:00 CEST;
// - an ambiguous local time in a fall-back overlap takes its FIRST occurrence (the
//   earlier instant, still on summer time), so a daily session airs once, not twice.
import { invalid } from "./errors.ts";

export const DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh";
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface LocalParts {
  date: string; // YYYY-MM-DD
  time: string; // HH:MM
  weekday: number; // ISO 1 = Monday .. 7 = Sunday
  minuteOfDay: number; // 0..1439
}

// ---------------------------------------------------------------- calendar arithmetic

/** Epoch ms of the local date's midnight read as if it were UTC (a pure day counter). */
function dayMs(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw badDate(date, "date");
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCDate() !== Number(m[3]) || back.getUTCMonth() !== Number(m[2]) - 1) throw badDate(date, "date"); // e.g. 02-30, 13-01
  return ms;
}

const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

function dateFromDayMs(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

export function isLocalDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function badDate(s: string, field: string) {
  return invalid(
    "INVALID_DATE",
    `Ngày không hợp lệ (${field}): "${s}". Cần dạng YYYY-MM-DD.`,
    `Invalid date (${field}): "${s}". Expected YYYY-MM-DD.`,
    { field, value: s },
  );
}

export function assertLocalDate(s: string, field = "date"): void {
  if (!isLocalDate(s)) throw badDate(s, field);
}

/** "HH:MM" → minutes after local midnight. */
export function parseTimeOfDay(s: string, field = "time"): number {
  const m = TIME_RE.exec(s);
  if (!m) {
    throw invalid(
      "INVALID_TIME",
      `Giờ không hợp lệ (${field}): "${s}". Cần dạng HH:MM, từ 00:00 đến 23:59.`,
      `Invalid time (${field}): "${s}". Expected HH:MM between 00:00 and 23:59.`,
      { field, value: s },
    );
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

export function formatTimeOfDay(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
}

/** Days since 1970-01-01 of a local date: a compact, sortable day key. */
export function dayNumber(date: string): number {
  return Math.round(dayMs(date) / DAY_MS);
}

export function addDays(date: string, n: number): string {
  return dateFromDayMs(dayMs(date) + n * DAY_MS);
}

/** b − a in whole days. */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayMs(b) - dayMs(a)) / DAY_MS);
}

/** ISO weekday of a calendar date: 1 = Monday .. 7 = Sunday. */
export function isoWeekdayOfDate(date: string): number {
  const wd = new Date(dayMs(date)).getUTCDay();
  return wd === 0 ? 7 : wd;
}

/** Monday of the ISO week containing `date`. */
export function startOfIsoWeek(date: string): string {
  return addDays(date, 1 - isoWeekdayOfDate(date));
}

/** Every date from `first` to `last` inclusive. */
export function dateRange(first: string, last: string): string[] {
  const out: string[] = [];
  for (let ms = dayMs(first), end = dayMs(last); ms <= end; ms += DAY_MS) out.push(dateFromDayMs(ms));
  return out;
}

export function dateFromDayNumber(n: number): string {
  return dateFromDayMs(n * DAY_MS);
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in `month` (1..12) of year `y`. */
export function daysInMonth(y: number, month: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Monday of ISO week `week` of ISO year `isoYear` (week 1 holds 4 January). */
export function isoWeekMonday(isoYear: number, week: number): string {
  return addDays(startOfIsoWeek(`${String(isoYear).padStart(4, "0")}-01-04`), (week - 1) * 7);
}

/** 52 or 53. */
export function isoWeeksInYear(isoYear: number): number {
  return daysBetween(isoWeekMonday(isoYear, 1), isoWeekMonday(isoYear + 1, 1)) / 7;
}

/** ISO week of a date, e.g. 2027-01-01 → { year: 2026, week: 53 } (the week's Thursday decides). */
export function isoWeekOf(date: string): { year: number; week: number } {
  const thursday = addDays(date, 4 - isoWeekdayOfDate(date));
  const year = Number(thursday.slice(0, 4));
  return { year, week: (daysBetween(isoWeekMonday(year, 1), thursday) - 3) / 7 + 1 };
}

/** ISO week key of a date, e.g. "2026-W41". */
export function isoWeekKey(date: string): string {
  const { year, week } = isoWeekOf(date);
  return `${year}-W${pad2(week)}`;
}

/** dd/mm/yyyy, the Vietnamese administrative form. */
export function formatDateVi(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

// ---------------------------------------------------------------- zone offsets

interface ZoneCache {
  fmt: Intl.DateTimeFormat;
  /** hour index → offset ms for the whole hour, or NaN when a transition falls inside it. */
  hours: Map<number, number>;
}

// A per-zone formatter + offset memo. This is a cache of a pure function, not state.
const zoneCaches = new Map<string, ZoneCache>();

function zoneCache(timeZone: string): ZoneCache {
  let c = zoneCaches.get(timeZone);
  if (c) return c;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    throw invalid(
      "INVALID_TIME_ZONE",
      `Múi giờ không hợp lệ: "${timeZone}" (ví dụ đúng: Asia/Ho_Chi_Minh).`,
      `Invalid time zone: "${timeZone}" (e.g. Asia/Ho_Chi_Minh).`,
      { value: timeZone },
    );
  }
  c = { fmt, hours: new Map() };
  zoneCaches.set(timeZone, c);
  return c;
}

export function assertTimeZone(timeZone: string): void {
  zoneCache(timeZone);
}

export function isTimeZone(timeZone: string): boolean {
  try {
    zoneCache(timeZone);
    return true;
  } catch {
    return false;
  }
}

function rawOffset(c: ZoneCache, ms: number): number {
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  for (const p of c.fmt.formatToParts(new Date(ms))) {
    switch (p.type) {
      case "year": y = Number(p.value); break;
      case "month": mo = Number(p.value); break;
      case "day": d = Number(p.value); break;
      case "hour": h = Number(p.value) % 24; break; // some browsers print midnight as "24"
      case "minute": mi = Number(p.value); break;
      case "second": s = Number(p.value); break;
    }
  }
  const floored = ms - (((ms % 1000) + 1000) % 1000);
  return Date.UTC(y, mo - 1, d, h, mi, s) - floored;
}

/** UTC offset (local − UTC, ms) of `timeZone` at the instant `ms`. */
export function zoneOffsetMs(timeZone: string, ms: number): number {
  const c = zoneCache(timeZone);
  const h = Math.floor(ms / HOUR_MS);
  let o = c.hours.get(h);
  if (o === undefined) {
    const a = rawOffset(c, h * HOUR_MS);
    const b = rawOffset(c, h * HOUR_MS + HOUR_MS - 1000);
    o = a === b ? a : NaN;
    if (c.hours.size > 100_000) c.hours.clear();
    c.hours.set(h, o);
  }
  return Number.isNaN(o) ? rawOffset(c, ms) : o;
}

// ---------------------------------------------------------------- instant ↔ local

const toMs = (t: Date | number) => (typeof t === "number" ? t : t.getTime());

export function toLocalParts(instant: Date | number, timeZone = DEFAULT_TIME_ZONE): LocalParts {
  const ms = toMs(instant);
  const wall = new Date(ms + zoneOffsetMs(timeZone, ms));
  const h = wall.getUTCHours(), mi = wall.getUTCMinutes(), wd = wall.getUTCDay();
  return {
    date: `${wall.getUTCFullYear()}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}`,
    time: `${pad2(h)}:${pad2(mi)}`,
    weekday: wd === 0 ? 7 : wd,
    minuteOfDay: h * 60 + mi,
  };
}

/** Minutes after local midnight (0..1439): toLocalParts(…).minuteOfDay without building strings. */
export function localMinuteOfDay(instant: Date | number, timeZone = DEFAULT_TIME_ZONE): number {
  const ms = toMs(instant);
  const local = ms + zoneOffsetMs(timeZone, ms);
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

export function localDateOf(instant: Date | number, timeZone = DEFAULT_TIME_ZONE): string {
  return toLocalParts(instant, timeZone).date;
}

/** Local wall-clock "HH:MM", or "HH:MM:SS" with `seconds`. */
export function localTimeOf(instant: Date | number, timeZone = DEFAULT_TIME_ZONE, seconds = false): string {
  if (!seconds) return toLocalParts(instant, timeZone).time;
  const ms = toMs(instant);
  const wall = new Date(ms + zoneOffsetMs(timeZone, ms));
  return `${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}:${pad2(wall.getUTCSeconds())}`;
}

export function isoWeekdayOf(instant: Date | number, timeZone = DEFAULT_TIME_ZONE): number {
  return toLocalParts(instant, timeZone).weekday;
}

/** Local date + "HH:MM" (or minutes after midnight) → UTC epoch ms, per the DST policy above. */
export function localToUtcMs(date: string, time: string | number, timeZone = DEFAULT_TIME_ZONE): number {
  const minutes = typeof time === "number" ? time : parseTimeOfDay(time);
  const wall = dayMs(date) + minutes * MINUTE_MS;
  // The offsets a day before and after cover both sides of any transition near `wall`.
  const oBefore = zoneOffsetMs(timeZone, wall - DAY_MS);
  const oAfter = zoneOffsetMs(timeZone, wall + DAY_MS);
  let best = Number.POSITIVE_INFINITY;
  for (const o of oBefore === oAfter ? [oBefore] : [oBefore, oAfter]) {
    const t = wall - o;
    if (t + zoneOffsetMs(timeZone, t) === wall && t < best) best = t;
  }
  if (best !== Number.POSITIVE_INFINITY) return best;
  // Gap: find the transition instant (first minute on the new offset) by bisection.
  let lo = Math.min(wall - oBefore, wall - oAfter);
  let hi = Math.max(wall - oBefore, wall - oAfter);
  const oLo = zoneOffsetMs(timeZone, lo);
  while (hi - lo > MINUTE_MS) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
    if (zoneOffsetMs(timeZone, mid) === oLo) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function localToUtc(date: string, time: string | number, timeZone = DEFAULT_TIME_ZONE): Date {
  return new Date(localToUtcMs(date, time, timeZone));
}

/** First instant whose local date is `date`: local midnight, or the end of a DST gap that swallowed it. */
export function startOfLocalDay(date: string, timeZone = DEFAULT_TIME_ZONE): Date {
  return localToUtc(date, 0, timeZone);
}
