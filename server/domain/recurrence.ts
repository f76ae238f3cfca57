// Schedules → concrete session instances in the commune's time zone.
// A recurring schedule airs on its ISO weekdays at a local start time, optionally within
// [validFrom, validTo] (local dates, inclusive); a one-off schedule airs once on `date`.
import { invalid } from "./errors.ts";
import {
  DEFAULT_TIME_ZONE,
  addDays,
  isLocalDate,
  isoWeekdayOfDate,
  localDateOf,
  localToUtcMs,
  parseTimeOfDay,
} from "./time.ts";

export type ScheduleKind = "recurring" | "once";

export interface ScheduleSpec {
  id: number;
  name?: string;
  programId: number;
  kind: ScheduleKind;
  /** ISO weekdays, 1 = Monday .. 7 = Sunday (recurring only). */
  daysOfWeek: readonly number[];
  /** Local "HH:MM". */
  startTime: string;
  /** Local YYYY-MM-DD (once only). */
  date?: string | null;
  validFrom?: string | null;
  validTo?: string | null;
  maxDurationSec: number;
  zoneIds: readonly number[];
  enabled?: boolean;
}

export interface SessionInstance {
  scheduleId: number;
  programId: number;
  zoneId: number;
  /** Commune calendar date of `start` (Airing.localDate). */
  localDate: string;
  /** Local "HH:MM" as written in the schedule (the actual local time differs only in a DST gap). */
  startTime: string;
  start: Date;
  maxDurationMs: number;
}

/** The Prisma Schedule row with its zones included (`include: { zones: true }`). */
export interface ScheduleRowLike {
  id: number;
  name?: string;
  programId: number;
  kind: string;
  daysOfWeek: string;
  startTime: string;
  date: string | null;
  validFrom: string | null;
  validTo: string | null;
  maxDurationSec: number;
  enabled: boolean;
  zones: readonly { zoneId: number }[];
}

/** "1,2,3" → [1, 2, 3]; throws on anything that is not an ISO weekday. */
export function parseDaysOfWeek(s: string): number[] {
  const parts = s.split(",").map((p) => p.trim()).filter((p) => p !== "");
  const days = parts.map(Number);
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw invalid(
      "INVALID_DAYS_OF_WEEK",
      `Ngày trong tuần không hợp lệ: "${s}" (1 = Thứ Hai … 7 = Chủ nhật).`,
      `Invalid days of week: "${s}" (1 = Monday … 7 = Sunday).`,
      { field: "daysOfWeek", value: s },
    );
  }
  return [...new Set(days)].sort((a, b) => a - b);
}

export function formatDaysOfWeek(days: readonly number[]): string {
  return [...new Set(days)].sort((a, b) => a - b).join(",");
}

export function scheduleSpecFromRow(row: ScheduleRowLike): ScheduleSpec {
  const spec: ScheduleSpec = {
    id: row.id,
    programId: row.programId,
    kind: row.kind === "once" ? "once" : "recurring",
    daysOfWeek: row.daysOfWeek ? parseDaysOfWeek(row.daysOfWeek) : [],
    startTime: row.startTime,
    date: row.date,
    validFrom: row.validFrom,
    validTo: row.validTo,
    maxDurationSec: row.maxDurationSec,
    zoneIds: row.zones.map((z) => z.zoneId).sort((a, b) => a - b),
    enabled: row.enabled,
  };
  if (row.name !== undefined) spec.name = row.name;
  return spec;
}

function bad(field: string, vi: string, en: string, value: unknown) {
  return invalid("INVALID_SCHEDULE", vi, en, { field, value });
}

/** Throws a DomainError (invalid: 422 over HTTP; Vietnamese + English) describing the first invalid field. */
export function validateSchedule(s: ScheduleSpec): void {
  if (s.kind !== "recurring" && s.kind !== "once") {
    throw bad("kind", `Loại lịch không hợp lệ: "${s.kind}".`, `Invalid schedule kind: "${s.kind}".`, s.kind);
  }
  parseTimeOfDay(s.startTime, "startTime");
  if (!Number.isInteger(s.maxDurationSec) || s.maxDurationSec < 60 || s.maxDurationSec > 86_400) {
    throw bad(
      "maxDurationSec",
      "Thời lượng tối đa của buổi phát phải từ 1 phút đến 24 giờ.",
      "The session's maximum length must be between 1 minute and 24 hours.",
      s.maxDurationSec,
    );
  }
  if (s.zoneIds.length === 0) {
    throw bad("zoneIds", "Cần chọn ít nhất một cụm loa.", "Choose at least one speaker zone.", s.zoneIds);
  }
  if (s.kind === "once") {
    if (!s.date || !isLocalDate(s.date)) {
      throw bad("date", "Lịch phát một lần cần ngày hợp lệ (YYYY-MM-DD).", "A one-off session needs a valid date (YYYY-MM-DD).", s.date);
    }
    return;
  }
  if (s.daysOfWeek.length === 0 || s.daysOfWeek.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw bad(
      "daysOfWeek",
      "Lịch lặp lại cần ít nhất một ngày trong tuần (1 = Thứ Hai … 7 = Chủ nhật).",
      "A recurring schedule needs at least one weekday (1 = Monday … 7 = Sunday).",
      s.daysOfWeek,
    );
  }
  for (const f of ["validFrom", "validTo"] as const) {
    const v = s[f];
    if (v != null && !isLocalDate(v)) {
      throw bad(f, `Ngày không hợp lệ (${f}): "${v}".`, `Invalid date (${f}): "${v}".`, v);
    }
  }
  if (s.validFrom && s.validTo && s.validFrom > s.validTo) {
    throw bad(
      "validTo",
      "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
      "The end date must be on or after the start date.",
      { validFrom: s.validFrom, validTo: s.validTo },
    );
  }
}

/** Does the schedule have a session on this local date? */
export function occursOn(s: ScheduleSpec, date: string): boolean {
  if (s.enabled === false) return false;
  if (s.kind === "once") return s.date === date;
  if (s.validFrom && date < s.validFrom) return false;
  if (s.validTo && date > s.validTo) return false;
  return s.daysOfWeek.includes(isoWeekdayOfDate(date));
}

/** First and last local dates the schedule can occur on (null = unbounded). */
export function scheduleDateBounds(s: ScheduleSpec): { first: string | null; last: string | null } {
  if (s.kind === "once") return { first: s.date ?? null, last: s.date ?? null };
  return { first: s.validFrom ?? null, last: s.validTo ?? null };
}

/**
 * Session instances whose start lies in [from, to), one per schedule × zone × date,
 * sorted by start, then zone, then schedule.
 */
export function expandSchedules(
  schedules: readonly ScheduleSpec[],
  range: { from: Date; to: Date },
  timeZone = DEFAULT_TIME_ZONE,
): SessionInstance[] {
  const fromMs = range.from.getTime();
  const toMs = range.to.getTime();
  if (!(toMs > fromMs)) return [];
  // One extra day each side: a local date's start can fall outside its UTC day.
  const first = addDays(localDateOf(fromMs, timeZone), -1);
  const last = addDays(localDateOf(toMs - 1, timeZone), 1);
  const out: SessionInstance[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) {
    for (const s of schedules) {
      if (!occursOn(s, d)) continue;
      const start = localToUtcMs(d, s.startTime, timeZone);
      if (start < fromMs || start >= toMs) continue;
      for (const zoneId of s.zoneIds) {
        out.push({
          scheduleId: s.id,
          programId: s.programId,
          zoneId,
          localDate: d,
          startTime: s.startTime,
          start: new Date(start),
          maxDurationMs: s.maxDurationSec * 1000,
        });
      }
    }
  }
  out.sort((a, b) => a.start.getTime() - b.start.getTime() || a.zoneId - b.zoneId || a.scheduleId - b.scheduleId);
  return out;
}
