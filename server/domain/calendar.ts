// The week/month calendar as data: what the schedule rules say will air (expanded by
// recurrence.ts, the one place for calendar math) overlaid with the airings that exist,
// so any week shows its sessions, including those beyond the planning horizon.
import { expandSchedules, type ScheduleSpec } from "./recurrence.ts";
import { addDays, localToUtcMs, localTimeOf } from "./time.ts";

/** Hidden unless asked for: replaced by a newer plan, or cancelled by an operator. */
export const HIDDEN_BY_DEFAULT = new Set(["superseded", "cancelled"]);

export interface CalendarAiring {
  id: number;
  scheduleId: number | null;
  zoneId: number;
  programId: number | null;
  source: string;
  localDate: string;
  scheduledStart: Date;
  maxDurationMs: number;
  status: string;
}

export interface CalendarSession {
  /** Stable key: the airing id when there is one, else schedule-zone-start. */
  key: string;
  airingId: number | null;
  scheduleId: number | null;
  zoneId: number;
  programId: number | null;
  source: string;
  localDate: string;
  /** Local "HH:MM" in the commune's time zone. */
  time: string;
  start: string;
  maxDurationMs: number;
  /** The airing's status, or "expected" for a rule's session not planned yet. */
  status: string;
}

export interface CalendarInput {
  /** Local dates, inclusive. */
  from: string;
  to: string;
  timeZone: string;
  now: Date;
  schedules: readonly ScheduleSpec[];
  airings: readonly CalendarAiring[];
  includeHidden?: boolean;
}

const keyOf = (scheduleId: number | null, zoneId: number, startMs: number) => `${scheduleId ?? "x"}-${zoneId}-${startMs}`;

/**
 * Sessions in [from, to]: every airing (hidden statuses only on request) plus every
 * future session of an enabled rule that has no visible airing yet. Past sessions come
 * from airings only: a rule created today says nothing about what aired last Monday.
 */
export function buildCalendar(input: CalendarInput): CalendarSession[] {
  const { timeZone } = input;
  const out: CalendarSession[] = [];
  const taken = new Set<string>();
  for (const a of input.airings) {
    if (a.localDate < input.from || a.localDate > input.to) continue;
    const hidden = HIDDEN_BY_DEFAULT.has(a.status);
    if (hidden && !input.includeHidden) continue;
    const ms = a.scheduledStart.getTime();
    // A superseded airing may stand where the rule still puts a session: the rule's wins.
    if (!hidden) taken.add(keyOf(a.scheduleId, a.zoneId, ms));
    out.push({
      key: `a${a.id}`,
      airingId: a.id,
      scheduleId: a.scheduleId,
      zoneId: a.zoneId,
      programId: a.programId,
      source: a.source,
      localDate: a.localDate,
      time: localTimeOf(a.scheduledStart, timeZone),
      start: a.scheduledStart.toISOString(),
      maxDurationMs: a.maxDurationMs,
      status: a.status,
    });
  }
  const range = { from: new Date(localToUtcMs(input.from, 0, timeZone)), to: new Date(localToUtcMs(addDays(input.to, 1), 0, timeZone)) };
  const nowMs = input.now.getTime();
  for (const s of expandSchedules(input.schedules, range, timeZone)) {
    const ms = s.start.getTime();
    if (ms < nowMs) continue;
    const key = keyOf(s.scheduleId, s.zoneId, ms);
    if (taken.has(key)) continue;
    taken.add(key);
    out.push({
      key: `s${key}`,
      airingId: null,
      scheduleId: s.scheduleId,
      zoneId: s.zoneId,
      programId: s.programId,
      source: "schedule",
      localDate: s.localDate,
      time: localTimeOf(s.start, timeZone),
      start: s.start.toISOString(),
      maxDurationMs: s.maxDurationMs,
      status: "expected",
    });
  }
  out.sort((a, b) => a.start.localeCompare(b.start) || a.zoneId - b.zoneId || a.key.localeCompare(b.key));
  return out;
}
