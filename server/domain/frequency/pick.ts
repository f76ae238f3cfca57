// Filling a session's demands: one insertion per demand per pass, until no demand can
// take more. Item choice within a campaign: fewest airings in the period (completed +
// planned) in the zone, then least recently aired, then campaign order. An item is
// skipped when it would break the min gap or overflow the session; a demand with no item
// left is blocked, and the blocker is its shortfall's cause.
import { campaignLineText, type Bilingual } from "../explain.ts";
import { fixedLoad, rundownLengthMs, type BaseRundown, type Insertion } from "../rundown.ts";
import type { CalendarSession } from "../frequency.ts";
import { upperBound } from "./keys.ts";
import type { Demand } from "./demand.ts";
import type { EngineParts } from "./parts.ts";

// pickOne's per-candidate facts, reused (entries past the candidates' count are stale): the
// planner calls it tens of thousands of times a pass, and fresh arrays were much of its garbage.
const scratch = { n: [] as number[], last: [] as number[], times: [] as (readonly number[] | undefined)[], tried: [] as boolean[] };

/**
 * Picks items for `demands` (their `picks` and `blocked` are filled in) and returns the
 * demands in the order their insertions were made, one entry per insertion.
 */
export function pickInsertions(
  parts: EngineParts,
  session: CalendarSession,
  base: BaseRundown,
  maxDurationMs: number,
  inSession: ReadonlyMap<number, number>,
  demands: readonly Demand[],
): Demand[] {
  const { keys, campaigns, ledger, items } = parts;
  const z = session.zoneId, d = session.localDate, start = session.startMs, gap = base.gapMs;
  const fixed = fixedLoad(base);
  // Insertions go after intro and priority entries; the latter may still be bumped, so a
  // line's start is only known to lie in [start + insOff, start + insOff + prioBlock].
  let prioBlock = 0;
  for (const e of base.priority) prioBlock += e.durationMs + gap;
  let insMs = 0, insCount = 0, insOff = base.intro ? base.intro.durationMs + gap : 0;
  const picked = new Map<number, number>(); // item → picks in this session

  const breaksGap = (itemId: number, t: readonly number[] | undefined, gapMs: number): boolean => {
    if (inSession.has(itemId)) return true;
    const lo = start + insOff, hi = lo + prioBlock;
    if (t) {
      const i = upperBound(t, lo - gapMs);
      if (i < t.length && t[i]! < hi + gapMs) return true;
    }
    for (const o of demands) for (const p of o.picks) if (p.itemId === itemId && Math.abs(p.offLo - insOff) < gapMs) return true;
    return false;
  };

  const pickOne = (dm: Demand): boolean => {
    const c = dm.camp;
    const cands = campaigns.playableItems(c, d);
    if (cands.length === 0) {
      dm.blocked = "no_eligible_items";
      return false;
    }
    const rankPeriod = keys.pk(c.kinds[0] ?? "day", d);
    // Rank: fewest airings in the period, then least recently aired, then campaign order.
    const { n, last, times, tried } = scratch;
    for (let k = 0; k < cands.length; k++) {
      const itemId = cands[k]!, row = keys.ik(z, itemId), t = ledger.times.get(row);
      times[k] = t;
      n[k] = (ledger.itemCount.get(row, rankPeriod) ?? 0) + (picked.get(itemId) ?? 0);
      last[k] = picked.has(itemId) ? Infinity : t ? (t[upperBound(t, start - 1) - 1] ?? -Infinity) : -Infinity;
      tried[k] = false;
    }
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
      const gapMs = campaigns.itemGap.get(itemId) ?? c.gapMs;
      if (gapMs > 0 && breaksGap(itemId, times[best], gapMs)) continue;
      const dur = items.get(itemId)!.durationMs;
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
  return order;
}

/** The insertions in pick order; a demand's first picks (up to its make-goods) are make-goods. */
export function insertionLines(order: readonly Demand[], texts: Map<string, Bilingual> = new Map()): Insertion[] {
  const out: Insertion[] = [];
  const emitted = new Map<Demand, number>();
  for (const dm of order) {
    const n = emitted.get(dm) ?? 0;
    emitted.set(dm, n + 1);
    const p = dm.picks[n]!;
    const makingGood = Math.min(dm.makeGood, dm.picks.length);
    const isMakeGood = n < makingGood;
    // The text is a function of these facts alone (the campaign's name is its spec's).
    const key = `${dm.camp.ci}|${dm.drive.kind}|${dm.drive.aired}|${dm.drive.target}|${dm.drive.planned}|${dm.picks.length}|${makingGood}|${isMakeGood ? 1 : 0}`;
    let t = texts.get(key);
    if (!t) {
      const facts = { campaignName: dm.camp.spec.name, period: dm.drive.kind, aired: dm.drive.aired, target: dm.drive.target, planned: dm.drive.planned, inserting: dm.picks.length, makingGood };
      texts.set(key, (t = campaignLineText(facts, isMakeGood)));
    }
    out.push({ itemId: p.itemId, durationMs: p.durationMs, campaignId: dm.camp.spec.id, reason: isMakeGood ? "make_good" : "campaign", reasonVi: t.vi, reasonEn: t.en });
  }
  return out;
}
