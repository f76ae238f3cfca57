// The web app's view of the commune calendar. The arithmetic is the server's own module
// (server/domain/time.ts, pure, bundled by vite), so the app and the API agree on every
// date, week and DST rule; this file adds only display and input helpers. Local dates
// travel as "YYYY-MM-DD" strings (as the API stores them); instants as ISO strings.
// Display is dd/MM/yyyy and 24-hour.
import { formatDateVi, isLocalDate, localDateOf, localTimeOf } from "../../server/domain/time.ts";

export { addDays, isoWeekdayOfDate, isoWeekKey, isoWeekMonday, isoWeekOf, isoWeeksInYear, startOfIsoWeek } from "../../server/domain/time.ts";

type InstantLike = string | number | Date;

export const todayIn = (tz: string): string => localDateOf(Date.now(), tz);

/** "2026-11-26" → "26/11/2026" */
export function ymdToDmy(ymd: string | null | undefined): string {
  return ymd ? formatDateVi(ymd) : "";
}

/** "26/11/2026" (or 26-11-2026, 26.11.2026) → "2026-11-26"; null when not a real date. */
export function dmyToYmd(s: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(s);
  if (!m) return null;
  const ymd = `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}`;
  return isLocalDate(ymd) ? ymd : null;
}

/** An instant shown in the commune zone: date dd/MM/yyyy, time HH:MM (or HH:MM:SS). */
export const formatLocalDate = (v: InstantLike, tz: string): string => formatDateVi(localDateOf(new Date(v), tz));
export const formatLocalTime = (v: InstantLike, tz: string, seconds = false): string => localTimeOf(new Date(v), tz, seconds);

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}
