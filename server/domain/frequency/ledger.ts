// What has aired and what is planned, per campaign × zone × period and per item × zone:
// the counts the frequency engine compares with the targets, the instants the min-gap
// rule checks, and the blockers a shortfall reports as its cause.
import type { ShortfallCause } from "../explain.ts";
import { isPlay } from "../plays.ts";
import { windowsAllow } from "../campaign.ts";
import type { AsRunRecord, PendingAiring } from "../frequency.ts";
import { insertSorted, Table, type Keys } from "./keys.ts";
import type { Campaigns } from "./campaigns.ts";

export type CountKind = "completed" | "failed" | "planned";

export interface Ledger {
  /** (campaign row, period) → completed as-run rows that count. */
  aired: Table<number>;
  /** (campaign row, period) → as-run rows that did not play. */
  failed: Table<number>;
  /** (campaign row, period) → planned lines that count. */
  planned: Table<number>;
  /** (item row, period) → completed + planned. */
  itemCount: Table<number>;
  /** item row → ascending instants of every non-skipped airing (min gap). */
  times: Map<number, number[]>;
  blockers: Table<Set<ShortfallCause>>;
  block(row: number, p: number, cause: ShortfallCause): void;
  /**
   * One airing of `item` in zone `z` on local date `d` at `ms`. `sorted`: keep `times`
   * sorted now (after the initial load); `only`: the campaigns a settled play counts for;
   * `minute`: a planned line's session start, checked against the campaigns' windows.
   */
  count(z: number, item: number, d: string, ms: number, kind: CountKind, sorted: boolean, only?: readonly number[], minute?: number): void;
}

export function createLedger(keys: Keys, campaigns: Campaigns): Ledger {
  return new CountLedger(keys, campaigns);
}

/** A class rather than closures, for the reason given at DenseKeys (keys.ts). */
class CountLedger implements Ledger {
  readonly aired = new Table<number>();
  readonly failed = new Table<number>();
  readonly planned = new Table<number>();
  readonly itemCount = new Table<number>();
  readonly times = new Map<number, number[]>();
  readonly blockers = new Table<Set<ShortfallCause>>();
  constructor(
    private readonly keys: Keys,
    private readonly campaigns: Campaigns,
  ) {}

  block(row: number, p: number, cause: ShortfallCause): void {
    let s = this.blockers.get(row, p);
    if (!s) this.blockers.set(row, p, (s = new Set()));
    s.add(cause);
  }

  count(z: number, item: number, d: string, ms: number, kind: CountKind, sorted: boolean, only?: readonly number[], minute?: number): void {
    const { keys, campaigns } = this;
    const zi = keys.ik(z, item);
    let t = this.times.get(zi);
    if (!t) this.times.set(zi, (t = []));
    if (sorted) insertSorted(t, ms);
    else t.push(ms);
    const pDay = keys.pk("day", d), pWeek = keys.pk("week", d);
    if (kind !== "failed") {
      this.itemCount.inc(zi, pDay);
      this.itemCount.inc(zi, pWeek);
    }
    const cs = campaigns.byItem.get(item);
    if (!cs) return;
    const m = kind === "planned" ? this.planned : kind === "completed" ? this.aired : this.failed;
    for (const c of cs) {
      if (only ? !only.includes(c.spec.id) : !campaigns.active(c, z, d)) continue;
      if (minute !== undefined && !windowsAllow(c.windows, minute)) continue;
      for (const kd of c.kinds) m.inc(keys.ck(c.ci, z), kd === "day" ? pDay : pWeek);
    }
  }
}

/** Loads the as-run history and the pending airings' lines; `minuteOf` gives a session's local minute. */
export function loadHistory(ledger: Ledger, asRun: readonly AsRunRecord[], pending: readonly PendingAiring[], minuteOf: (ms: number) => number): void {
  for (const r of asRun) {
    if (r.itemId == null || r.status === "skipped") continue;
    // One definition of a play (plays.ts): settled rows carry it; raw rows fall back to the same rule.
    const played = r.counted ?? isPlay({ status: r.status, durationMs: 0, plannedMs: 0 });
    ledger.count(r.zoneId, r.itemId, r.localDate, r.actualStart.getTime(), played ? "completed" : "failed", false, r.campaignIds);
  }
  for (const p of pending) {
    const minute = minuteOf(p.scheduledStart.getTime());
    for (const l of p.lines) if (!l.bumped) ledger.count(p.zoneId, l.itemId, p.localDate, p.scheduledStart.getTime() + l.offsetMs, "planned", false, undefined, minute);
  }
  for (const t of ledger.times.values()) t.sort((a, b) => a - b);
}
