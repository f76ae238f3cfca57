// Key-content frequency engine (issue 5). Counts come from the AS-RUN log (completed rows
// only) plus what is already planned; never from the plan alone.
//
// Per session of zone z on local date D, for every campaign active there whose windows
// admit the session's local start time, and for each period kind it targets (day = D,
// week = ISO week of D in the commune zone):
//   have   = aired(completed) + planned (pending airings + sessions planned earlier in
//            this run) + the campaign's items already in this session's program
//   need   = max(0, target − have)
//   want   = min(maxPerSession, ceil(need / R)), R = eligible, not-yet-planned sessions
//            of the period from this one on (an even spread of what is left).
// A line is a MAKE-GOOD when the campaign is behind the plan's even spread: the spread
// allots target over the period's N eligible sessions (ceil, capped by maxPerSession);
// expected(k) is what sessions 0..k−1 should have delivered; behind = expected(k) − have.
// The first min(want, behind) insertions of a session are make-goods, the rest "campaign".
// So a failed/interrupted airing (not "completed") leaves its deficit open and the next
// eligible session of the period makes it good.
//
// Placement (see rundown.ts): after intro and priority-level entries, before normal
// entries: key content is important but a Circular 39 priority bulletin still leads.
// Rules, never broken — a blocked insertion becomes a reported shortfall instead:
// - session length: the insertion must fit with intro, outro, key entries and the other
//   insertions; normal/priority non-key entries are bumped to make room;
// - min gap (the strictest of the item's campaigns): no airing of the same item in the
//   zone — as-run rows of any status but "skipped" (listeners heard part of a failed
//   play), pending and planned lines — within minGapMin of the line's start. While a
//   session is planned, a line's exact start is not final (non-key priority entries may
//   still be bumped), so the check uses the interval [earliest, latest] start. An item
//   already in the session's program is not inserted again when a gap applies;
// - at most maxPerSession insertions per campaign per session; only window sessions.
// Item choice within a campaign: fewest airings in the period (completed + planned) in
// the zone, then least recently aired, then campaign order — deterministic round-robin.
// Campaigns needing make-goods pick first, then by id, one insertion per pass.
// An item in two campaigns counts for both. A week target for a week the campaign only
// partly covers is prorated: ceil(perWeek × activeDays / 7). Counting is by the session's
// local date (planned) and the as-run row's local date (aired).
//
// What counts (server/domain/plays.ts): settled as-run rows say whether they are plays and
// for which campaigns (zones, dates AND windows of the session); planned lines count only
// for campaigns whose windows admit their session. A period with no eligible session has
// no target (the campaign form warns about that ahead).
//
// Shortfall ("missed, no make-good"): reported for a campaign × zone × period the
// horizon touches that has an eligible session, once none of them starts at or after the
// horizon's end, and aired + planned < target. Its cause is the strongest blocker seen
// (session_full > min_gap > per_session_cap > no_eligible_items), else failed_airings /
// no_session_left.
import type { Bilingual, PeriodKind, ShortfallCause } from "./explain.ts";
import type { BaseRundown, Insertion, ItemInfo, KeyCampaignRef, RundownLinePlan } from "./rundown.ts";
import { localMinuteOfDay } from "./time.ts";
import type { CampaignSpec } from "./campaign.ts";
import { createKeys } from "./frequency/keys.ts";
import { prepareCampaigns } from "./frequency/campaigns.ts";
import { createLedger, loadHistory } from "./frequency/ledger.ts";
import { indexEligibleSessions } from "./frequency/eligible.ts";
import { itemsInSession, sessionDemands } from "./frequency/demand.ts";
import { insertionLines, pickInsertions } from "./frequency/pick.ts";
import { findShortfalls } from "./frequency/shortfalls.ts";
import type { EngineParts } from "./frequency/parts.ts";

export type { PeriodKind, ShortfallCause };
export { spreadCumulative } from "./frequency/eligible.ts";

/** An as-run row (AsRun): only these fields are read. */
export interface AsRunRecord {
  zoneId: number;
  itemId: number | null;
  localDate: string;
  actualStart: Date;
  status: string; // completed | interrupted | failed | skipped
  /** Settled facts (server/settle-plays.ts): whether it is a play, and the campaigns it
   *  counts for. Without them a completed row is a play for every active campaign of its item. */
  counted?: boolean;
  campaignIds?: readonly number[];
}

/**
 * An airing this run does NOT re-plan (started, rendering, manual, …) whose lines have not
 * produced an as-run row yet. Its lines count as planned; its session is not re-planned.
 */
export interface PendingAiring {
  scheduleId: number | null;
  zoneId: number;
  scheduledStart: Date;
  localDate: string;
  lines: readonly { itemId: number; offsetMs: number; bumped?: boolean }[];
}

/** "Missed, no make-good" for one campaign, zone and period (maps onto Shortfall). */
export interface Shortfall {
  campaignId: number;
  zoneId: number;
  periodKind: PeriodKind;
  periodStart: string;
  target: number;
  aired: number;
  planned: number;
  cause: ShortfallCause;
  reasonVi: string;
  reasonEn: string;
}

/** A session as the engine sees it; `frozen` sessions are pending, not re-planned. */
export interface CalendarSession {
  scheduleId: number;
  zoneId: number;
  localDate: string;
  startMs: number;
  minuteOfDay: number;
  frozen: boolean;
}

export interface EngineInput {
  timeZone: string;
  campaigns: readonly CampaignSpec[];
  items: ReadonlyMap<number, ItemInfo>;
  asRun: readonly AsRunRecord[];
  pending: readonly PendingAiring[];
  /** Every session of every full period the horizon touches (frozen ones included). */
  calendar: readonly CalendarSession[];
  zoneNames?: ReadonlyMap<number, string>;
}

export interface FrequencyEngine {
  keyCampaignOf(zoneId: number, localDate: string, itemId: number): KeyCampaignRef | undefined;
  insertionsFor(session: CalendarSession, base: BaseRundown, maxDurationMs: number): Insertion[];
  record(session: { zoneId: number; localDate: string; startMs: number }, lines: readonly RundownLinePlan[]): void;
  shortfalls(range: { fromMs: number; toMs: number }, zoneIds: readonly number[]): Shortfall[];
}

/** The engine is composed of parts, each testable alone (server/domain/frequency/). */
export function createFrequencyEngine(input: EngineInput): FrequencyEngine {
  return new Engine(input);
}

/** A class rather than closures, for the reason given at DenseKeys (frequency/keys.ts). */
class Engine implements FrequencyEngine {
  private readonly parts: EngineParts;
  // Campaign line texts by their facts: few distinct ones, repeated on many lines.
  private readonly lineTexts = new Map<string, Bilingual>();
  constructor(private readonly input: EngineInput) {
    const keys = createKeys();
    const campaigns = prepareCampaigns(input.campaigns, input.items, keys);
    const ledger = createLedger(keys, campaigns);
    loadHistory(ledger, input.asRun, input.pending, (ms) => localMinuteOfDay(ms, input.timeZone));
    const eligibility = indexEligibleSessions(input.calendar, keys, campaigns);
    this.parts = { timeZone: input.timeZone, items: input.items, keys, campaigns, ledger, eligibility };
  }

  keyCampaignOf(zoneId: number, localDate: string, itemId: number): KeyCampaignRef | undefined {
    const { campaigns } = this.parts;
    const cs = campaigns.byItem.get(itemId);
    if (cs) for (const c of cs) if (campaigns.active(c, zoneId, localDate)) return c.ref;
    return undefined;
  }

  insertionsFor(session: CalendarSession, base: BaseRundown, maxDurationMs: number): Insertion[] {
    const { parts } = this;
    const inSession = itemsInSession(base);
    const demands = sessionDemands(parts, session, inSession);
    const order = pickInsertions(parts, session, base, maxDurationMs, inSession, demands);
    for (const dm of demands) if (dm.blocked) for (const f of dm.facts) if (f.want > 0) parts.ledger.block(f.row, f.p, dm.blocked);
    return insertionLines(order, this.lineTexts);
  }

  record(session: { zoneId: number; localDate: string; startMs: number }, lines: readonly RundownLinePlan[]): void {
    const minute = localMinuteOfDay(session.startMs, this.input.timeZone);
    for (const l of lines) if (!l.bumped) this.parts.ledger.count(session.zoneId, l.itemId, session.localDate, session.startMs + l.offsetMs, "planned", true, undefined, minute);
  }

  shortfalls(range: { fromMs: number; toMs: number }, zoneIds: readonly number[]): Shortfall[] {
    return findShortfalls(this.parts, range, zoneIds, this.input.zoneNames);
  }
}
