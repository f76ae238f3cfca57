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
import { campaignLineText, shortfallText, type PeriodKind, type ShortfallCause } from "./explain.ts";
import { fixedLoad, isItemAirable, rundownLengthMs, type BaseRundown, type Insertion, type ItemInfo, type KeyCampaignRef, type RundownLinePlan } from "./rundown.ts";
import { dateRange, dayNumber, localDateOf, MINUTE_MS, startOfIsoWeek, toLocalParts } from "./time.ts";
import { isPlay } from "./plays.ts";
import { campaignActiveOn, parseWindow, periodTarget, windowsAllow, type CampaignSpec, type TimeWindow } from "./campaign.ts";

export type { PeriodKind, ShortfallCause };

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

interface Camp {
  ci: number; // dense index, part of numeric map keys
  spec: CampaignSpec;
  ref: KeyCampaignRef;
  windows: TimeWindow[];
  zones: Set<number> | null;
  kinds: PeriodKind[];
  gapMs: number;
}

interface PeriodFacts {
  kind: PeriodKind;
  row: number; // campaign × zone
  p: number; // period key
  target: number;
  aired: number;
  planned: number;
  want: number;
  behind: number;
}

interface Demand {
  camp: Camp;
  want: number;
  makeGood: number;
  drive: PeriodFacts;
  facts: PeriodFacts[];
  picks: { itemId: number; durationMs: number; offLo: number }[];
  blocked: ShortfallCause | null;
}

// Dense small-integer keys keep the hot loop free of template strings and inside V8's
// fast small-integer (Smi, < 2^30) map path: zone index < 2^11, item index < 2^18,
// campaign index < 2^18, period key < 2^18. Two-level tables avoid packing past 2^30.
const ZONE_CAP = 2048;
const ITEM_CAP = 262_144;
const PERIOD_CAP = 262_144;

/** A two-level map: (row, col) → V, both small integers. */
class Table<V> {
  readonly rows = new Map<number, Map<number, V>>();
  get(row: number, col: number): V | undefined {
    return this.rows.get(row)?.get(col);
  }
  set(row: number, col: number, v: V): void {
    let r = this.rows.get(row);
    if (!r) this.rows.set(row, (r = new Map()));
    r.set(col, v);
  }
  inc(this: Table<number>, row: number, col: number): void {
    this.set(row, col, (this.get(row, col) ?? 0) + 1);
  }
  *values(): IterableIterator<V> {
    for (const r of this.rows.values()) yield* r.values();
  }
}

const CAUSE_ORDER: ShortfallCause[] = ["session_full", "min_gap", "per_session_cap", "no_eligible_items"];

/** First index i with arr[i] > x (arr ascending). */
function upperBound(arr: readonly number[], x: number): number {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(arr: number[], x: number): void {
  const i = upperBound(arr, x);
  if (i === arr.length) arr.push(x);
  else arr.splice(i, 0, x);
}

/** expected[k] = airings the even spread expects before the k-th of n eligible sessions. */
export function spreadCumulative(target: number, n: number, cap: number): number[] {
  const cum = [0];
  let left = target;
  for (let i = 0; i < n; i++) {
    const share = Math.min(cap, Math.ceil(left / (n - i)), left);
    left -= share;
    cum.push(cum[i]! + share);
  }
  return cum;
}

export function createFrequencyEngine(input: EngineInput): FrequencyEngine {
  const camps: Camp[] = input.campaigns
    .filter((c) => c.enabled !== false)
    .map((c) => ({
      ci: 0,
      spec: c,
      ref: { id: c.id, name: c.name },
      windows: c.windows.map(parseWindow),
      zones: c.zoneIds === "all" ? null : new Set(c.zoneIds),
      kinds: [...(c.perDay ? (["day"] as const) : []), ...(c.perWeek ? (["week"] as const) : [])],
      gapMs: Math.max(0, c.minGapMin) * MINUTE_MS,
    }))
    .sort((a, b) => a.spec.id - b.spec.id)
    .map((c, ci) => ({ ...c, ci }));
  const byItem = new Map<number, Camp[]>();
  for (const c of camps) for (const i of new Set(c.spec.itemIds)) byItem.set(i, [...(byItem.get(i) ?? []), c]);

  const itemGap = new Map<number, number>();
  for (const [i, cs] of byItem) itemGap.set(i, Math.max(...cs.map((c) => c.gapMs)));

  const weekMemo = new Map<string, string>();
  const weekOf = (d: string) => {
    let w = weekMemo.get(d);
    if (w === undefined) weekMemo.set(d, (w = startOfIsoWeek(d)));
    return w;
  };
  const periodStart = (kind: PeriodKind, d: string) => (kind === "day" ? d : weekOf(d));
  const zoneIdx = new Map<number, number>();
  const itemIdx = new Map<number, number>();
  const dense = (m: Map<number, number>, id: number, cap: number) => {
    let i = m.get(id);
    if (i === undefined) {
      i = m.size;
      if (i >= cap) throw new Error(`frequency engine: more than ${cap} distinct ids`);
      m.set(id, i);
    }
    return i;
  };
  const dayMemo = new Map<string, number>();
  const dn = (d: string) => {
    let v = dayMemo.get(d);
    if (v === undefined) dayMemo.set(d, (v = dayNumber(d)));
    return v;
  };
  /** 2·day for a day period, 2·(its Monday)+1 for an ISO week (1970-01-01 was a Thursday). */
  const pk = (kind: PeriodKind, d: string) => {
    const n = dn(d);
    return kind === "day" ? n * 2 : (n - ((n + 3) % 7)) * 2 + 1;
  };
  const zk = (z: number) => dense(zoneIdx, z, ZONE_CAP);
  const ck = (ci: number, z: number) => ci * ZONE_CAP + zk(z);
  const ik = (z: number, item: number) => zk(z) * ITEM_CAP + dense(itemIdx, item, ITEM_CAP);
  const active = (c: Camp, z: number, d: string) => campaignActiveOn(c.spec, z, d, c.zones);

  const aired = new Table<number>(); // (ck, period) → completed as-run rows
  const failed = new Table<number>();
  const planned = new Table<number>();
  const itemCount = new Table<number>(); // (ik, period) → completed + planned
  const times = new Map<number, number[]>(); // ik → instants of every non-skipped airing
  const blockers = new Table<Set<ShortfallCause>>();
  const block = (row: number, p: number, c: ShortfallCause) => {
    let s = blockers.get(row, p);
    if (!s) blockers.set(row, p, (s = new Set()));
    s.add(c);
  };
  const minuteOf = (ms: number) => toLocalParts(ms, input.timeZone).minuteOfDay;
  /** `only`: the campaigns a settled play counts for; `minute`: a planned line's session start (windows). */
  function count(z: number, item: number, d: string, ms: number, kind: "completed" | "failed" | "planned", sorted: boolean, only?: readonly number[], minute?: number) {
    const zi = ik(z, item);
    let t = times.get(zi);
    if (!t) times.set(zi, (t = []));
    if (sorted) insertSorted(t, ms);
    else t.push(ms);
    const pDay = pk("day", d), pWeek = pk("week", d);
    if (kind !== "failed") {
      itemCount.inc(zi, pDay);
      itemCount.inc(zi, pWeek);
    }
    const cs = byItem.get(item);
    if (!cs) return;
    const m = kind === "planned" ? planned : kind === "completed" ? aired : failed;
    for (const c of cs) {
      if (only ? !only.includes(c.spec.id) : !active(c, z, d)) continue;
      if (minute !== undefined && !windowsAllow(c.windows, minute)) continue;
      for (const kd of c.kinds) m.inc(ck(c.ci, z), kd === "day" ? pDay : pWeek);
    }
  }

  for (const r of input.asRun) {
    if (r.itemId == null || r.status === "skipped") continue;
    // One definition of a play (plays.ts): settled rows carry it; raw rows fall back to the same rule.
    const played = r.counted ?? isPlay({ status: r.status, durationMs: 0, plannedMs: 0 });
    count(r.zoneId, r.itemId, r.localDate, r.actualStart.getTime(), played ? "completed" : "failed", false, r.campaignIds);
  }
  for (const p of input.pending) {
    const minute = minuteOf(p.scheduledStart.getTime());
    for (const l of p.lines) if (!l.bumped) count(p.zoneId, l.itemId, p.localDate, p.scheduledStart.getTime() + l.offsetMs, "planned", false, undefined, minute);
  }
  for (const t of times.values()) t.sort((a, b) => a - b);

  // Eligible sessions per campaign × zone × period, with how many are still to plan.
  const cal = new Table<{ starts: number[]; frozen: boolean[]; open: number[]; spread: number[] | null }>();
  const zonePeriods = new Set<number>(); // zone index · PERIOD_CAP + period: zone had any session
  const sessions = [...input.calendar].sort((a, b) => a.startMs - b.startMs);
  for (const s of sessions) {
    zonePeriods.add(zk(s.zoneId) * PERIOD_CAP + pk("day", s.localDate));
    zonePeriods.add(zk(s.zoneId) * PERIOD_CAP + pk("week", s.localDate));
    for (const c of camps) {
      if (!active(c, s.zoneId, s.localDate) || !windowsAllow(c.windows, s.minuteOfDay)) continue;
      for (const kd of c.kinds) {
        const row = ck(c.ci, s.zoneId), p = pk(kd, s.localDate);
        let e = cal.get(row, p);
        if (!e) cal.set(row, p, (e = { starts: [], frozen: [], open: [], spread: null }));
        e.starts.push(s.startMs);
        e.frozen.push(s.frozen);
      }
    }
  }
  for (const e of cal.values()) {
    e.open = new Array<number>(e.starts.length + 1).fill(0);
    for (let i = e.starts.length - 1; i >= 0; i--) e.open[i] = e.open[i + 1]! + (e.frozen[i] ? 0 : 1);
  }
  const targetMemo = new Table<number>();
  const target = (c: Camp, kind: PeriodKind, d: string) => {
    const p = pk(kind, d);
    let v = targetMemo.get(c.ci, p);
    if (v === undefined) targetMemo.set(c.ci, p, (v = periodTarget(c.spec, kind, periodStart(kind, d))));
    return v;
  };
  const playableMemo = new Table<number[]>();
  const playableItems = (c: Camp, d: string) => {
    let v = playableMemo.get(c.ci, dn(d));
    if (!v) playableMemo.set(c.ci, dn(d), (v = [...new Set(c.spec.itemIds)].filter((i) => isItemAirable(input.items.get(i), d))));
    return v;
  };

  function keyCampaignOf(zoneId: number, localDate: string, itemId: number): KeyCampaignRef | undefined {
    const cs = byItem.get(itemId);
    if (cs) for (const c of cs) if (active(c, zoneId, localDate)) return c.ref;
    return undefined;
  }

  function insertionsFor(session: CalendarSession, base: BaseRundown, maxDurationMs: number): Insertion[] {
    const z = session.zoneId, d = session.localDate, start = session.startMs, gap = base.gapMs;
    const fixed = fixedLoad(base);
    const introOff = base.intro ? base.intro.durationMs + gap : 0;
    let prioBlock = 0;
    for (const e of base.priority) prioBlock += e.durationMs + gap;
    const inSession = new Map<number, number>();
    const note = (itemId: number) => inSession.set(itemId, (inSession.get(itemId) ?? 0) + 1);
    if (base.intro) note(base.intro.itemId);
    if (base.outro) note(base.outro.itemId);
    for (const e of base.priority) note(e.itemId);
    for (const e of base.normal) note(e.itemId);

    const demands: Demand[] = [];
    for (const c of camps) {
      if (!active(c, z, d) || !windowsAllow(c.windows, session.minuteOfDay)) continue;
      const cap = Math.max(0, c.spec.maxPerSession);
      let inProgram = 0;
      for (const i of c.spec.itemIds) inProgram += inSession.get(i) ?? 0;
      const facts: PeriodFacts[] = [];
      for (const kind of c.kinds) {
        const row = ck(c.ci, z), p = pk(kind, d);
        const tgt = target(c, kind, d);
        const e = cal.get(row, p);
        if (tgt <= 0 || !e) continue;
        const a = aired.get(row, p) ?? 0;
        const pl = planned.get(row, p) ?? 0;
        const have = a + pl + inProgram;
        const idx = upperBound(e.starts, start - 1);
        const open = Math.max(1, e.open[idx] ?? 1);
        const need = Math.max(0, tgt - have);
        if (need > cap * open) block(row, p, "per_session_cap");
        const want = need === 0 ? 0 : Math.min(cap, Math.ceil(need / open));
        e.spread ??= spreadCumulative(tgt, e.starts.length, cap);
        const behind = Math.max(0, (e.spread[idx] ?? tgt) - have);
        facts.push({ kind, row, p, target: tgt, aired: a, planned: pl, want, behind });
      }
      let drive: PeriodFacts | null = null;
      let behind = 0;
      for (const f of facts) {
        if (!drive || f.want > drive.want) drive = f;
        behind = Math.max(behind, f.behind);
      }
      if (!drive || drive.want === 0) continue;
      demands.push({ camp: c, want: drive.want, makeGood: Math.min(drive.want, behind), drive, facts, picks: [], blocked: null });
    }
    demands.sort((a, b) => b.makeGood - a.makeGood || a.camp.spec.id - b.camp.spec.id);

    let insMs = 0, insCount = 0, insOff = introOff;
    const picked = new Map<number, number>(); // item → picks in this session
    const pickOne = (dm: Demand): boolean => {
      const c = dm.camp;
      const cands = playableItems(c, d);
      if (cands.length === 0) {
        dm.blocked = "no_eligible_items";
        return false;
      }
      const rankPeriod = pk(c.kinds[0] ?? "day", d);
      // Rank: fewest airings in the period, then least recently aired, then campaign order.
      const n = cands.map((itemId) => (itemCount.get(ik(z, itemId), rankPeriod) ?? 0) + (picked.get(itemId) ?? 0));
      const last = cands.map((itemId) => {
        if (picked.has(itemId)) return Infinity;
        const t = times.get(ik(z, itemId));
        return t ? (t[upperBound(t, start - 1) - 1] ?? -Infinity) : -Infinity;
      });
      const tried = new Array<boolean>(cands.length).fill(false);
      let sawFull = false;
      for (let round = 0; round < cands.length; round++) {
        let best = -1;
        for (let k = 0; k < cands.length; k++) {
          if (tried[k]) continue;
          if (best < 0 || n[k]! < n[best]! || (n[k] === n[best] && last[k]! < last[best]!)) best = k;
        }
        tried[best] = true;
        const itemId = cands[best]!;
        // An item in several campaigns keeps the strictest of their gaps.
        const gapMs = itemGap.get(itemId) ?? c.gapMs;
        if (gapMs > 0) {
          if (inSession.has(itemId)) continue;
          const lo = start + insOff, hi = lo + prioBlock;
          const t = times.get(ik(z, itemId));
          if (t) {
            const i = upperBound(t, lo - gapMs);
            if (i < t.length && t[i]! < hi + gapMs) continue;
          }
          if (demands.some((o) => o.picks.some((p) => p.itemId === itemId && Math.abs(p.offLo - insOff) < gapMs))) continue;
        }
        const dur = input.items.get(itemId)!.durationMs;
        if (rundownLengthMs(fixed.ms + insMs + dur, fixed.lines + insCount + 1, gap) > maxDurationMs) {
          sawFull = true;
          continue;
        }
        dm.picks.push({ itemId, durationMs: dur, offLo: insOff });
        picked.set(itemId, (picked.get(itemId) ?? 0) + 1);
        insMs += dur;
        insCount++;
        insOff += dur + gap;
        return true;
      }
      dm.blocked = sawFull ? "session_full" : "min_gap";
      return false;
    };

    const order: Demand[] = [];
    for (let progress = true; progress; ) {
      progress = false;
      for (const dm of demands) {
        if (dm.blocked || dm.picks.length >= dm.want) continue;
        if (pickOne(dm)) {
          order.push(dm);
          progress = true;
        }
      }
    }

    const out: Insertion[] = [];
    const emitted = new Map<Demand, number>();
    for (const dm of demands) {
      if (dm.blocked) for (const f of dm.facts) if (f.want > 0) block(f.row, f.p, dm.blocked);
    }
    for (const dm of order) {
      const n = emitted.get(dm) ?? 0;
      emitted.set(dm, n + 1);
      const p = dm.picks[n]!;
      const makingGood = Math.min(dm.makeGood, dm.picks.length);
      const isMakeGood = n < makingGood;
      const t = campaignLineText(
        { campaignName: dm.camp.spec.name, period: dm.drive.kind, aired: dm.drive.aired, target: dm.drive.target, planned: dm.drive.planned, inserting: dm.picks.length, makingGood },
        isMakeGood,
      );
      out.push({ itemId: p.itemId, durationMs: p.durationMs, campaignId: dm.camp.spec.id, reason: isMakeGood ? "make_good" : "campaign", reasonVi: t.vi, reasonEn: t.en });
    }
    return out;
  }

  function record(session: { zoneId: number; localDate: string; startMs: number }, lines: readonly RundownLinePlan[]): void {
    const minute = minuteOf(session.startMs);
    for (const l of lines) if (!l.bumped) count(session.zoneId, l.itemId, session.localDate, session.startMs + l.offsetMs, "planned", true, undefined, minute);
  }

  function shortfalls(range: { fromMs: number; toMs: number }, zoneIds: readonly number[]): Shortfall[] {
    if (!(range.toMs > range.fromMs)) return [];
    const dates = dateRange(localDateOf(range.fromMs, input.timeZone), localDateOf(range.toMs - 1, input.timeZone));
    const out: Shortfall[] = [];
    const seen = new Set<string>();
    for (const c of camps) {
      const zones = c.zones ? [...c.zones].sort((a, b) => a - b) : zoneIds;
      for (const z of zones) {
        for (const d of dates) {
          if (!active(c, z, d)) continue;
          for (const kind of c.kinds) {
            const p = pk(kind, d);
            const row = ck(c.ci, z);
            const seenKey = `${row}|${p}`;
            if (seen.has(seenKey)) continue;
            seen.add(seenKey);
            const tgt = target(c, kind, d);
            const e = cal.get(row, p);
            const last = e?.starts[e.starts.length - 1];
            // No eligible session in the period: no target (plays.ts), so nothing can fall short.
            if (tgt <= 0 || !e || (last !== undefined && last >= range.toMs)) continue; // still open
            const a = aired.get(row, p) ?? 0, pl = planned.get(row, p) ?? 0;
            if (a + pl >= tgt) continue;
            const bs = blockers.get(row, p);
            const cause: ShortfallCause =
              CAUSE_ORDER.find((x) => bs?.has(x)) ??
              (!e ? (zonePeriods.has(zk(z) * PERIOD_CAP + p) && c.windows.length > 0 ? "no_session_in_window" : "no_session")
                : (failed.get(row, p) ?? 0) > 0 ? "failed_airings" : "no_session_left");
            const facts = { minGapMin: c.spec.minGapMin, maxPerSession: c.spec.maxPerSession, windows: c.spec.windows };
            const t = shortfallText({
              ...facts,
              campaignName: c.spec.name,
              zoneName: input.zoneNames?.get(z) ?? String(z),
              period: kind,
              periodStart: periodStart(kind, d),
              target: tgt,
              aired: a,
              planned: pl,
              cause,
            });
            out.push({ campaignId: c.spec.id, zoneId: z, periodKind: kind, periodStart: periodStart(kind, d), target: tgt, aired: a, planned: pl, cause, reasonVi: t.vi, reasonEn: t.en });
          }
        }
      }
    }
    return out;
  }

  return { keyCampaignOf, insertionsFor, record, shortfalls };
}
