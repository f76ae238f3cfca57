// Calendar helpers in the commune's time zone. Local dates travel as "YYYY-MM-DD" strings
// (as the API stores them); instants as ISO strings. Display is dd/MM/yyyy and 24-hour.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  y: string;
  m: string;
  d: string;
  hh: string;
  mm: string;
  ss: string;
}

export function localParts(v: string | number | Date, tz: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(v))) parts[p.type] = p.value;
  // Some engines print midnight as "24" even with h23.
  const hh = parts.hour === "24" ? "00" : (parts.hour ?? "00");
  return { y: parts.year ?? "", m: parts.month ?? "", d: parts.day ?? "", hh, mm: parts.minute ?? "00", ss: parts.second ?? "00" };
}

export const ymdOf = (v: string | number | Date, tz: string): string => {
  const p = localParts(v, tz);
  return `${p.y}-${p.m}-${p.d}`;
};

export const todayIn = (tz: string): string => ymdOf(Date.now(), tz);

/** "2026-11-26" → "26/11/2026" */
export function ymdToDmy(ymd: string | null | undefined): string {
  if (!ymd) return "";
  const [y, m, d] = ymd.split("-");
  return `${d}/${m}/${y}`;
}

/** "26/11/2026" (or 26-11-2026, 26.11.2026) → "2026-11-26"; null when not a real date. */
export function dmyToYmd(s: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(s);
  if (!m) return null;
  const ymd = `${m[3]}-${m[2]!.padStart(2, "0")}-${m[1]!.padStart(2, "0")}`;
  const d = new Date(ymd + "T00:00:00Z");
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd ? ymd : null;
}

export function addDays(ymd: string, n: number): string {
  const d = new Date(ymd + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(ymd: string): number {
  const wd = new Date(ymd + "T00:00:00Z").getUTCDay();
  return wd === 0 ? 7 : wd;
}

export const startOfWeek = (ymd: string): string => addDays(ymd, 1 - isoWeekday(ymd));

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** ISO week-numbering year and week of a local date (the week's Thursday decides). */
export function isoWeekOf(ymd: string): { year: number; week: number } {
  const thursday = addDays(ymd, 4 - isoWeekday(ymd));
  const year = Number(thursday.slice(0, 4));
  const jan1 = new Date(`${year}-01-01T00:00:00Z`).getTime();
  const week = Math.floor((new Date(thursday + "T00:00:00Z").getTime() - jan1) / 86_400_000 / 7) + 1;
  return { year, week };
}

export const isoWeekNumber = (ymd: string): number => isoWeekOf(ymd).week;

/** ISO week key of a local date, e.g. "2026-W48" (for the reports API). */
export function isoWeekKey(ymd: string): string {
  const { year, week } = isoWeekOf(ymd);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** Monday of ISO week `week` of ISO year `year`. */
export function isoWeekMonday(year: number, week: number): string {
  // 4 January is always in week 1.
  return addDays(startOfWeek(`${year}-01-04`), (week - 1) * 7);
}

/** Number of ISO weeks in an ISO year (52 or 53). */
export const isoWeeksInYear = (year: number): number => isoWeekOf(`${year}-12-28`).week;
