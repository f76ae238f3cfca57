// The pure planner: schedules + programs + campaigns + as-run log → run-downs for every
// session in [from, to), in time order (so earlier insertions count as planned for later
// sessions), each with a deterministic planHash, plus the shortfalls of every period the
// horizon closes. Same input → same output, so re-planning a horizon changes nothing.
import { hash } from "node:crypto";
import type { CampaignSpec } from "./campaign.ts";
import { createFrequencyEngine, type AsRunRecord, type CalendarSession, type FrequencyEngine, type PendingAiring, type Shortfall } from "./frequency.ts";
import { expandSchedules, type ScheduleSpec, type SessionInstance } from "./recurrence.ts";
import { assembleRundown, baseRundown, type ItemInfo, type LineReason, type ProgramSpec, type RundownLinePlan } from "./rundown.ts";
import { DEFAULT_TIME_ZONE, addDays, localDateOf, localMinuteOfDay, localToUtcMs, startOfIsoWeek } from "./time.ts";

export interface PlanInput {
  /** Commune IANA zone; default Asia/Ho_Chi_Minh. */
  timeZone?: string;
  /** Sessions starting in [from, to) are planned. */
  from: Date;
  to: Date;
  /**
   * Accepted for callers' logs; deliberately unused: the plan is a pure function of the
   * data (as-run, pending, specs), so re-planning at another moment changes nothing.
   */
  now?: Date;
  schedules: readonly ScheduleSpec[];
  programs: readonly ProgramSpec[];
  items: readonly ItemInfo[];
  campaigns?: readonly CampaignSpec[];
  /** As-run rows of at least the ISO weeks the horizon touches (older rows are harmless). */
  asRun?: readonly AsRunRecord[];
  /** Airings not re-planned by this call, with their lines that have not aired yet. */
  pending?: readonly PendingAiring[];
  /** Zones an "all zones" campaign covers; default: every zone of the schedules. */
  zoneIds?: readonly number[];
  zoneNames?: ReadonlyMap<number, string>;
  /** Overrides every program's gap between lines. */
  gapMs?: number;
}

export interface PlannedSession extends SessionInstance {
  /** Aired lines in order, then bumped lines (bumped: true, not aired). */
  lines: RundownLinePlan[];
  /** Length of the aired lines including gaps; ≤ maxDurationMs. */
  totalMs: number;
  /** Hash of everything persisted for this airing (lines and their reason texts). */
  planHash: string;
}

export interface PlanResult {
  sessions: PlannedSession[];
  shortfalls: Shortfall[];
}

/** Identity of a scheduled airing, as in Airing's unique (scheduleId, zoneId, scheduledStart). */
export function sessionKey(s: { scheduleId: number | null; zoneId: number; start: Date | number }): string {
  return `${s.scheduleId ?? "-"}|${s.zoneId}|${typeof s.start === "number" ? s.start : s.start.getTime()}`;
}

// One-shot hash (Node ≥ 20.12): a fraction of createHash's cost on these short inputs.
const sha = (data: string | Uint32Array) => hash("sha256", data, "hex").slice(0, 32);

/** Digest of one reason text (64 bits, as two words); planSessions memoizes it (few distinct
 *  texts, many lines). */
export function textDigest(text: string): [number, number] {
  const h = sha(text);
  return [parseInt(h.slice(0, 8), 16), parseInt(h.slice(8, 16), 16)];
}

/** Memoised textDigest. A class, not a closure: see DenseKeys (frequency/keys.ts). */
export class TextDigests {
  private readonly memo = new Map<string, [number, number]>();
  of(text: string): [number, number] {
    let d = this.memo.get(text);
    if (d === undefined) this.memo.set(text, (d = textDigest(text)));
    return d;
  }
}

/** Line reasons as numbers in the hashed words (a reason's code never changes). */
const REASON_CODE: Readonly<Record<LineReason, number>> = { intro: 1, program: 2, priority: 3, outro: 4, campaign: 5, make_good: 6, bumped: 7, unapproved: 8 };
const HEAD = 5, LINE = 11;
// Words of the hashed record, reused: a pass hashes thousands of sessions, and building a
// text of them (numbers to strings, then one string) cost more than the hash itself.
let words = new Uint32Array(HEAD + 32 * LINE);

/**
 * Hash of everything persisted for a session's airing: its identity and every line, with
 * its reason texts. Fixed-width words (u32; a start instant as two), so the record is
 * unambiguous without separators.
 */
export function planHashOf(s: SessionInstance, lines: readonly RundownLinePlan[], digests: TextDigests = new TextDigests()): string {
  const n = HEAD + lines.length * LINE;
  if (words.length < n) words = new Uint32Array(n * 2);
  const w = words, start = s.start.getTime();
  w[0] = s.scheduleId; w[1] = s.zoneId; w[2] = Math.floor(start / 0x1_0000_0000); w[3] = start >>> 0; w[4] = s.maxDurationMs;
  let i = HEAD;
  for (const l of lines) {
    const vi = digests.of(l.reasonVi), en = digests.of(l.reasonEn);
    w[i] = l.position; w[i + 1] = l.itemId; w[i + 2] = REASON_CODE[l.reason]; w[i + 3] = l.campaignId ?? 0xffff_ffff;
    w[i + 4] = l.offsetMs; w[i + 5] = l.durationMs; w[i + 6] = l.bumped ? 1 : 0;
    w[i + 7] = vi[0]; w[i + 8] = vi[1]; w[i + 9] = en[0]; w[i + 10] = en[1];
    i += LINE;
  }
  return sha(w.subarray(0, n));
}

export function planSessions(input: PlanInput): PlanResult {
  const tz = input.timeZone ?? DEFAULT_TIME_ZONE;
  const fromMs = input.from.getTime();
  const toMs = input.to.getTime();
  if (!(toMs > fromMs)) return { sessions: [], shortfalls: [] };

  // Whole ISO weeks around the horizon, so period targets can be spread and closed.
  const firstDay = startOfIsoWeek(localDateOf(fromMs, tz));
  const lastDay = addDays(startOfIsoWeek(localDateOf(toMs - 1, tz)), 7);
  const all = expandSchedules(
    input.schedules,
    { from: new Date(localToUtcMs(firstDay, 0, tz)), to: new Date(localToUtcMs(lastDay, 0, tz)) },
    tz,
  );
  const pending = input.pending ?? [];
  const frozen = new Set(pending.map((p) => sessionKey({ scheduleId: p.scheduleId, zoneId: p.zoneId, start: p.scheduledStart })));
  const calendar: (CalendarSession & { s: SessionInstance })[] = all.map((s) => ({
    s,
    scheduleId: s.scheduleId,
    zoneId: s.zoneId,
    localDate: s.localDate,
    startMs: s.start.getTime(),
    minuteOfDay: localMinuteOfDay(s.start, tz),
    frozen: frozen.has(sessionKey(s)),
  }));

  const items = new Map(input.items.map((i) => [i.id, i]));
  const programs = new Map(input.programs.map((p) => [p.id, p]));
  const engine = createFrequencyEngine({
    timeZone: tz,
    campaigns: input.campaigns ?? [],
    items,
    asRun: input.asRun ?? [],
    pending,
    calendar,
    ...(input.zoneNames ? { zoneNames: input.zoneNames } : {}),
  });

  const digests = new TextDigests();
  const sessions: PlannedSession[] = [];
  for (const c of calendar) {
    if (c.frozen || c.startMs < fromMs || c.startMs >= toMs) continue;
    const program = programs.get(c.s.programId);
    if (!program) throw new Error(`Program ${c.s.programId} of schedule ${c.s.scheduleId} was not passed to planSessions`);
    sessions.push(planSession(c, program, items, engine, digests, input.gapMs));
  }

  const zoneIds = input.zoneIds ?? [...new Set(input.schedules.flatMap((s) => s.zoneIds))].sort((a, b) => a - b);
  return { sessions, shortfalls: engine.shortfalls({ fromMs, toMs }, zoneIds) };
}

/** One session's run-down. A function of its own, not the loop body of planSessions: the JIT
 *  optimises a long function's loop while it runs (OSR), and that code was thrown away at the
 *  start of the next pass, which then ran slowly until optimised again. */
function planSession(c: CalendarSession & { s: SessionInstance }, program: ProgramSpec, items: ReadonlyMap<number, ItemInfo>, engine: FrequencyEngine, digests: TextDigests, gapMs: number | undefined): PlannedSession {
  const s = c.s;
  const base = baseRundown(program, items, s.localDate, {
    ...(gapMs !== undefined ? { gapMs } : {}),
    keyCampaignOf: (itemId) => engine.keyCampaignOf(s.zoneId, s.localDate, itemId),
  });
  const insertions = engine.insertionsFor(c, base, s.maxDurationMs);
  const { lines, totalMs } = assembleRundown(base, insertions, s.maxDurationMs, items);
  engine.record({ zoneId: s.zoneId, localDate: s.localDate, startMs: c.startMs }, lines);
  return { ...s, lines, totalMs, planHash: planHashOf(s, lines, digests) };
}
