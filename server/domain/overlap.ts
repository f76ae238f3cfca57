// Overlap detection between a candidate schedule and the existing ones on shared zones.
// Sessions occupy [start, start + maxDuration). Within the common validity range both
// schedules repeat weekly, so checking a bounded horizon (8 weeks by default) from the
// start of that common range finds every kind of clash, DST shifts included.
import { conflict, type DomainError } from "./errors.ts";
import { overlapText } from "./explain.ts";
import { expandSchedules, scheduleDateBounds, type ScheduleSpec } from "./recurrence.ts";
import { DEFAULT_TIME_ZONE, addDays, localToUtcMs, toLocalParts } from "./time.ts";

export interface ScheduleConflict {
  zoneId: number;
  /** The existing schedule the candidate clashes with. */
  scheduleId: number;
  scheduleName: string;
  /** Candidate session: local date and time as seen in the commune. */
  localDate: string;
  startTime: string;
  start: Date;
  /** Existing session. */
  otherLocalDate: string;
  otherStartTime: string;
  otherStart: Date;
}

export interface OverlapOptions {
  /** Local date from which sessions matter (usually today). */
  today: string;
  timeZone?: string;
  /** How far into the common validity range to look. Default 56 days. */
  horizonDays?: number;
  /** Stop after this many conflicts. Default 20. */
  limit?: number;
}

const maxDate = (a: string, b: string | null | undefined) => (b && b > a ? b : a);
const minDate = (a: string, b: string | null | undefined) => (b && b < a ? b : a);

/** Conflicts sorted by candidate start, then zone. Schedules with the candidate's id are ignored (edits). */
export function findScheduleOverlaps(
  candidate: ScheduleSpec,
  existing: readonly ScheduleSpec[],
  opts: OverlapOptions,
): ScheduleConflict[] {
  const tz = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const horizon = opts.horizonDays ?? 56;
  const limit = opts.limit ?? 20;
  if (candidate.enabled === false) return [];
  const candZones = new Set(candidate.zoneIds);
  const cb = scheduleDateBounds(candidate);
  const out: ScheduleConflict[] = [];
  for (const other of existing) {
    if (other.id === candidate.id || other.enabled === false) continue;
    const zones = other.zoneIds.filter((z) => candZones.has(z));
    if (zones.length === 0) continue;
    const ob = scheduleDateBounds(other);
    const first = maxDate(maxDate(opts.today, cb.first), ob.first);
    const last = minDate(minDate(addDays(first, horizon), cb.last), ob.last);
    if (first > last) continue;
    // A day of margin each side catches sessions that cross midnight.
    const range = {
      from: new Date(localToUtcMs(addDays(first, -1), 0, tz)),
      to: new Date(localToUtcMs(addDays(last, 2), 0, tz)),
    };
    const mine = expandSchedules([{ ...candidate, zoneIds: zones }], range, tz).filter(
      (s) => s.localDate >= first && s.localDate <= last,
    );
    const theirs = expandSchedules([{ ...other, zoneIds: zones }], range, tz);
    for (const a of mine) {
      const aStart = a.start.getTime();
      const aEnd = aStart + a.maxDurationMs;
      for (const b of theirs) {
        if (b.zoneId !== a.zoneId) continue;
        const bStart = b.start.getTime();
        if (bStart >= aEnd) break; // sorted by start
        if (bStart + b.maxDurationMs <= aStart) continue;
        out.push({
          zoneId: a.zoneId,
          scheduleId: other.id,
          scheduleName: other.name ?? `#${other.id}`,
          localDate: a.localDate,
          startTime: toLocalParts(aStart, tz).time,
          start: a.start,
          otherLocalDate: b.localDate,
          otherStartTime: toLocalParts(bStart, tz).time,
          otherStart: b.start,
        });
      }
    }
  }
  out.sort((x, y) => x.start.getTime() - y.start.getTime() || x.zoneId - y.zoneId || x.scheduleId - y.scheduleId);
  return out.slice(0, limit);
}

export type ZoneNames = ReadonlyMap<number, string>;

const zoneName = (names: ZoneNames | undefined, id: number) => names?.get(id) ?? String(id);

/** A SCHEDULE_OVERLAP conflict (409 over HTTP) listing the first clashes (details carry all of them). */
export function overlapError(conflicts: readonly ScheduleConflict[], zoneNames?: ZoneNames): DomainError {
  const shown = conflicts.slice(0, 3).map((c) =>
    overlapText({
      otherName: c.scheduleName,
      zoneName: zoneName(zoneNames, c.zoneId),
      localDate: c.localDate,
      startTime: c.startTime,
      otherStartTime: c.otherStartTime,
    }),
  );
  const more = conflicts.length > 3 ? { vi: ` và ${conflicts.length - 3} lần khác`, en: ` and ${conflicts.length - 3} more` } : { vi: "", en: "" };
  return conflict(
    "SCHEDULE_OVERLAP",
    `Lịch phát bị trùng giờ: ${shown.map((s) => s.vi).join("; ")}${more.vi}. Hãy đổi giờ, ngày hoặc cụm loa.`,
    `The schedule overlaps existing sessions: ${shown.map((s) => s.en).join("; ")}${more.en}. Change the time, days or zones.`,
    conflicts.map((c) => ({ ...c, start: c.start.toISOString(), otherStart: c.otherStart.toISOString() })),
  );
}

/** Throws overlapError when the candidate clashes with any existing schedule. */
export function assertNoOverlap(
  candidate: ScheduleSpec,
  existing: readonly ScheduleSpec[],
  opts: OverlapOptions & { zoneNames?: ZoneNames },
): void {
  const found = findScheduleOverlaps(candidate, existing, opts);
  if (found.length > 0) throw overlapError(found, opts.zoneNames);
}
