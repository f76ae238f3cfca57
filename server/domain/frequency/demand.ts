// What each campaign asks of one session: how many insertions it wants (an even spread of
// what its targets still need over the eligible sessions left) and how many of those are
// make-goods (it is behind the spread).
import type { PeriodKind, ShortfallCause } from "../explain.ts";
import type { BaseRundown } from "../rundown.ts";
import { windowsAllow } from "../campaign.ts";
import type { CalendarSession } from "../frequency.ts";
import { upperBound } from "./keys.ts";
import { spreadCumulative } from "./eligible.ts";
import type { Camp } from "./campaigns.ts";
import type { EngineParts } from "./parts.ts";

export interface PeriodFacts {
  kind: PeriodKind;
  row: number; // campaign × zone
  p: number; // period key
  target: number;
  aired: number;
  planned: number;
  want: number;
  behind: number;
}

export interface Demand {
  camp: Camp;
  want: number;
  makeGood: number;
  /** The period that wants the most: it explains the lines. */
  drive: PeriodFacts;
  facts: PeriodFacts[];
  picks: { itemId: number; durationMs: number; offLo: number }[];
  blocked: ShortfallCause | null;
}

/** How many times each item already stands in the session's program. */
export function itemsInSession(base: BaseRundown): Map<number, number> {
  const inSession = new Map<number, number>();
  const note = (itemId: number) => inSession.set(itemId, (inSession.get(itemId) ?? 0) + 1);
  if (base.intro) note(base.intro.itemId);
  if (base.outro) note(base.outro.itemId);
  for (const e of base.priority) note(e.itemId);
  for (const e of base.normal) note(e.itemId);
  return inSession;
}

/** The demands of the campaigns active in this session, make-goods first, then by campaign id. */
export function sessionDemands(parts: EngineParts, session: CalendarSession, inSession: ReadonlyMap<number, number>): Demand[] {
  const { keys, campaigns, ledger, eligibility } = parts;
  const z = session.zoneId, d = session.localDate, start = session.startMs;
  const demands: Demand[] = [];
  for (const c of campaigns.list) {
    if (!campaigns.active(c, z, d) || !windowsAllow(c.windows, session.minuteOfDay)) continue;
    const cap = Math.max(0, c.spec.maxPerSession);
    let inProgram = 0;
    for (const i of c.spec.itemIds) inProgram += inSession.get(i) ?? 0;
    const facts: PeriodFacts[] = [];
    const row = keys.ck(c.ci, z);
    for (const kind of c.kinds) {
      const p = keys.pk(kind, d);
      const tgt = campaigns.target(c, kind, d);
      const e = eligibility.cal.get(row, p);
      if (tgt <= 0 || !e) continue;
      const a = ledger.aired.get(row, p) ?? 0;
      const pl = ledger.planned.get(row, p) ?? 0;
      const have = a + pl + inProgram;
      const idx = upperBound(e.starts, start - 1);
      const open = Math.max(1, e.open[idx] ?? 1);
      const need = Math.max(0, tgt - have);
      if (need > cap * open) ledger.block(row, p, "per_session_cap");
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
  return demands.sort((a, b) => b.makeGood - a.makeGood || a.camp.spec.id - b.camp.spec.id);
}
