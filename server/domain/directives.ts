// Directive documents (sổ văn bản chỉ đạo): when one is due, and how timely and complete its
// propaganda was, from the plays that carried it. Pure: the plays come in already counted by
// the one play definition (server/domain/plays.ts, stored by server/settle-plays.ts) and
// folded per zone (server/directives/coverage.ts); nothing here reads the database.
//
// The rules:
// - DUE: "air_within N days" is due N days after the commune date of receipt; "key_content"
//   carries its own due date; "info" (for information) needs no airing and is never due.
//   A document is on time when it FIRST AIRED on any zone before the end of its due date
//   (commune time), late when after it, overdue when nothing aired and the due date is past,
//   pending when nothing aired yet but there is still time.
// - TIME TO FIRST AIR: receipt → the first play on any zone. TIME TO ALL ZONES: receipt →
//   the moment the last of the commune's enabled zones had its first play (null until all have).
// - PLAYS: per-zone plays of news items that carry the document (as in every report table);
//   ZONES REACHED: zones with at least one such play.
import { addDays, DAY_MS, localToUtcMs } from "./time.ts";

export const DIRECTIVE_ACTIONS = ["air_within", "key_content", "info"] as const;
export type DirectiveAction = (typeof DIRECTIVE_ACTIONS)[number];

export type DirectiveStatus = "on_time" | "late" | "pending" | "overdue" | "info";

export interface DueRule {
  action: DirectiveAction | string;
  receivedDate: string; // commune date of receipt
  airWithinDays?: number | null;
  dueDate?: string | null; // key_content: the date given
}

/** The last commune date to first air the document on, or null when it needs no airing. */
export function dueDateOf(d: DueRule): string | null {
  if (d.action === "air_within") return d.airWithinDays == null ? null : addDays(d.receivedDate, d.airWithinDays);
  if (d.action === "key_content") return d.dueDate ?? null;
  return null;
}

/** The instant the due date ends (midnight after it, commune time). */
export const dueEndMs = (dueDate: string, timeZone: string): number => localToUtcMs(addDays(dueDate, 1), 0, timeZone);

/** One zone's plays of the document: how many, and the first. */
export interface ZonePlays {
  zoneId: number;
  firstAt: Date;
  plays: number;
}

export interface DirectiveFacts {
  receivedAt: Date;
  action: DirectiveAction | string;
  dueDate: string | null;
  targetPlays?: number | null;
}

export interface Timeliness {
  status: DirectiveStatus;
  plays: number;
  zonesReached: number;
  zonesTotal: number;
  firstAiredAt: Date | null;
  allZonesAt: Date | null;
  /** receipt → first airing on any zone (ms), null when not aired. */
  toFirstAirMs: number | null;
  /** receipt → first airing on the last enabled zone (ms), null until every zone had it. */
  toAllZonesMs: number | null;
  /** key content: plays reached the target; null without a target. */
  targetMet: boolean | null;
}

/**
 * Timeliness and coverage of one document as of `asOf`, from its per-zone plays (only plays
 * that started by `asOf` may be passed) and the commune's enabled zones.
 */
export function timelinessOf(doc: DirectiveFacts, zones: readonly ZonePlays[], enabledZoneIds: readonly number[], asOf: Date, timeZone: string): Timeliness {
  const reached = zones.filter((z) => z.plays > 0);
  const plays = reached.reduce((s, z) => s + z.plays, 0);
  const first = reached.reduce<Date | null>((m, z) => (m === null || z.firstAt < m ? z.firstAt : m), null);
  const byZone = new Map(reached.map((z) => [z.zoneId, z.firstAt.getTime()]));
  const allReached = enabledZoneIds.length > 0 && enabledZoneIds.every((id) => byZone.has(id));
  const all = allReached ? new Date(Math.max(...enabledZoneIds.map((id) => byZone.get(id)!))) : null;
  const since = (d: Date | null) => (d === null ? null : Math.max(0, d.getTime() - doc.receivedAt.getTime()));
  return {
    status: statusOf(doc, first, asOf, timeZone),
    plays,
    zonesReached: reached.length,
    zonesTotal: enabledZoneIds.length,
    firstAiredAt: first,
    allZonesAt: all,
    toFirstAirMs: since(first),
    toAllZonesMs: since(all),
    targetMet: doc.targetPlays ? plays >= doc.targetPlays : null,
  };
}

function statusOf(doc: DirectiveFacts, first: Date | null, asOf: Date, timeZone: string): DirectiveStatus {
  if (doc.action === "info" || doc.dueDate === null) return "info";
  const end = dueEndMs(doc.dueDate, timeZone);
  if (first !== null) return first.getTime() < end ? "on_time" : "late";
  return asOf.getTime() >= end ? "overdue" : "pending";
}

/** Median of the values (mean of the middle two for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Hours with one decimal, for tables ("38,5 giờ"). */
export const hoursOf = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 360_000) / 10);

/** Days late of an overdue document as of `asOf` (whole days past the end of its due date, at least 1). */
export const daysOverdue = (dueDate: string, asOf: Date, timeZone: string): number =>
  Math.max(1, Math.ceil((asOf.getTime() - dueEndMs(dueDate, timeZone)) / DAY_MS));
