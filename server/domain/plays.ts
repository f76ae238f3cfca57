// THE definition of a play (lượt phát), of a broadcast session (buổi) and of what they count
// for. The frequency engine, campaign status, the dashboard, every report (JSON, CSV, XLSX,
// PDF) and the log book read the facts these functions produce, stored on each row by
// server/settle-plays.ts, so no screen or export can count differently.
//
// - A PLAY is an as-run row that went out whole: status "completed", or "interrupted" after
//   at least PARTIAL_PLAY_FRACTION of its planned length (cut in its last seconds, e.g. by an
//   emergency at the sign-off: listeners heard it). Failed, skipped (a relay that fell back to
//   silence) and shorter interrupted rows are not plays.
// - Its LEVEL is the level it aired at: anything aired in an emergency broadcast is khẩn cấp,
//   whatever the item's own level; otherwise the item's level (Circular 39/2020).
// - Its ROLE: lines the program plays as intro/outro are jingles (nhạc hiệu); all else is news
//   (tin, bài). Jingles never count as news items nor under a topic.
// - A SESSION (buổi) is one program starting at one instant, however many zones carried it
//   ("p<programId>@<ms>"); an emergency broadcast is its own session ("e<emergencyId>@<ms>").
//   A session AIRED when some audio of it went out on some zone.
// - NEWS ITEMS (tin, bài) of a session: its news plays counted once across zones: an item
//   played k times in one zone's airing counts k, however many zones played it (unitKeyOf).
// - CAMPAIGNS a play counts for: every enabled campaign holding the item, whose dates hold the
//   play's date, whose zones hold the zone and whose windows admit the SESSION's start time —
//   whether the planner inserted the line or the item was already in the program.
// - Campaign TARGETS apply only to days (weeks) with an eligible session: a session of a
//   program (scheduled or manual, not cancelled) on that zone inside the campaign's windows.
import { campaignActiveOn, parseWindow, windowsAllow, type CampaignSpec, type TimeWindow } from "./campaign.ts";

export const PARTIAL_PLAY_FRACTION = 0.9;

export type Level = "normal" | "priority" | "emergency";
export type Role = "news" | "jingle";
/** How a closed airing ended, for the report: only "fault" and "missed" are problems. */
export type Outcome = "aired" | "stopped" | "preempted" | "fault" | "missed" | "cancelled" | "superseded";

export interface PlayRow {
  status: string; // completed | interrupted | failed | skipped | playing
  durationMs: number;
  plannedMs: number;
}

/** True when the row is a play (see the rule above). */
export function isPlay(r: PlayRow): boolean {
  if (r.status === "completed") return true;
  return r.status === "interrupted" && r.plannedMs > 0 && r.durationMs >= r.plannedMs * PARTIAL_PLAY_FRACTION;
}

/** Audio went out for this row (completed or cut, with some length): the session aired. */
export const wentOnAir = (r: { status: string; durationMs: number }): boolean =>
  (r.status === "completed" || r.status === "interrupted") && r.durationMs > 0;

export function airedLevel(airingSource: string, itemPriority: string): Level {
  if (airingSource === "emergency") return "emergency";
  return itemPriority === "priority" || itemPriority === "emergency" ? (itemPriority as Level) : "normal";
}

export function playRole(lineReason: string | null | undefined): Role {
  return lineReason === "intro" || lineReason === "outro" ? "jingle" : "news";
}

export interface SessionAiring {
  id: number;
  source: string; // schedule | manual | emergency
  programId: number | null;
  emergencyId: number | null;
  scheduledStart: Date;
}

export function sessionKeyOf(a: SessionAiring): string {
  const at = a.scheduledStart.getTime();
  if (a.source === "emergency" && a.emergencyId != null) return `e${a.emergencyId}@${at}`;
  if (a.programId != null) return `p${a.programId}@${at}`;
  return `a${a.id}`;
}

/** Works on a session key or a unit key (which starts with its session key). */
export const sessionKind = (key: string): "program" | "emergency" | "other" =>
  key.startsWith("p") ? "program" : key.startsWith("e") ? "emergency" : "other";

/** The session-level news unit of the k-th (1-based) play of an item in one zone's airing. */
export const unitKeyOf = (sessionKey: string, itemId: number | null, occurrence: number): string =>
  `${sessionKey}|${itemId ?? "-"}|${occurrence}`;

/**
 * The facts an as-run row carries from its first frame (the playout spreads them into the
 * row it creates; settle-plays.ts derives them the same way for rows written otherwise).
 * The level is not among them: the playout writes the item's level and settling turns it
 * into the level it aired at (airedLevel), which is idempotent.
 */
export function asRunFacts(
  airing: SessionAiring,
  line: { reason?: string | null; durationMs?: number | null } | null | undefined,
): { role: Role; plannedMs: number; sessionKey: string } {
  return {
    role: playRole(line?.reason),
    plannedMs: Math.max(0, Math.round(line?.durationMs ?? 0)),
    sessionKey: sessionKeyOf(airing),
  };
}

export interface PlayContext {
  zoneId: number;
  itemId: number | null;
  /** The play's local date (as-run localDate). */
  localDate: string;
  /** Minute of day (commune time) of the SESSION's scheduled start. */
  sessionMinute: number;
}

export interface CampaignMatcher {
  spec: CampaignSpec;
  windows: TimeWindow[];
  zones: ReadonlySet<number> | null;
}

export function campaignMatchers(campaigns: readonly CampaignSpec[]): CampaignMatcher[] {
  return campaigns.map((spec) => ({ spec, windows: spec.windows.map(parseWindow), zones: spec.zoneIds === "all" ? null : new Set(spec.zoneIds) }));
}

/** Whether a session on `zoneId` at `localDate` / `minute` is inside the campaign's zones, dates and windows. */
export function campaignCovers(m: CampaignMatcher, zoneId: number, localDate: string, minute: number): boolean {
  return campaignActiveOn(m.spec, zoneId, localDate, m.zones) && windowsAllow(m.windows, minute);
}

/** Ids of the campaigns a play counts for (inserted or already in the program alike). */
export function campaignsOfPlay(p: PlayContext, matchers: readonly CampaignMatcher[]): number[] {
  if (p.itemId == null) return [];
  const out: number[] = [];
  for (const m of matchers) if (m.spec.itemIds.includes(p.itemId) && campaignCovers(m, p.zoneId, p.localDate, p.sessionMinute)) out.push(m.spec.id);
  return out;
}

/** A session that gives a campaign a target on its day: a program session, not cancelled. */
export function isEligibleSession(a: { source: string; status: string }): boolean {
  return a.source !== "emergency" && a.status !== "cancelled" && a.status !== "superseded";
}

export function outcomeOf(a: { status: string; reasonCode: string; audioMs: number }): Outcome {
  switch (a.status) {
    case "aired":
      return a.audioMs > 0 ? "aired" : "fault";
    case "interrupted":
      if (a.reasonCode === "operator_stopped") return "stopped";
      if (a.reasonCode === "preempted_emergency") return "preempted";
      return "fault";
    case "missed":
      return "missed";
    case "cancelled":
      return "cancelled";
    case "superseded":
      return "superseded";
    default:
      return "fault";
  }
}

export interface DutyShift {
  /** ISO weekdays 1 (Monday) … 7. */
  days: number[];
  from: string; // HH:MM, inclusive
  to: string; // HH:MM, exclusive; before `from` = crosses midnight
  name: string;
}

/** The person on duty at a session's start, from the roster (first matching shift). */
export function dutyFromRoster(roster: readonly DutyShift[], isoWeekday: number, minute: number): string {
  const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  for (const s of roster) {
    if (!s.days.includes(isoWeekday)) continue;
    const [a, b] = [m(s.from), m(s.to)];
    if (a < b ? minute >= a && minute < b : minute >= a || minute < b) return s.name;
  }
  return "";
}
