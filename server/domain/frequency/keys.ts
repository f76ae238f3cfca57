// Small-integer keys for the frequency engine's tables. Dense keys keep the hot loop free
// of template strings and inside V8's fast small-integer (Smi, < 2^30) map path: zone
// index < 2^11, item index < 2^18, campaign index < 2^18, period key < 2^18. Two-level
// tables avoid packing past 2^30.
import type { PeriodKind } from "../explain.ts";
import { dayNumber, startOfIsoWeek } from "../time.ts";

export const ZONE_CAP = 2048;
export const ITEM_CAP = 262_144;
export const PERIOD_CAP = 262_144;

/** A two-level map: (row, col) → V, both small integers. */
export class Table<V> {
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
    let r = this.rows.get(row);
    if (!r) this.rows.set(row, (r = new Map()));
    r.set(col, (r.get(col) ?? 0) + 1);
  }
  *values(): IterableIterator<V> {
    for (const r of this.rows.values()) yield* r.values();
  }
}

/** First index i with arr[i] > x (arr ascending). */
export function upperBound(arr: readonly number[], x: number): number {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function insertSorted(arr: number[], x: number): void {
  const i = upperBound(arr, x);
  if (i === arr.length) arr.push(x);
  else arr.splice(i, 0, x);
}

export interface Keys {
  /** Day number of a local date (memoised). */
  dn(d: string): number;
  /** Period key: 2·day for a day period, 2·(its Monday)+1 for an ISO week. */
  pk(kind: PeriodKind, d: string): number;
  /** First local date of the period of `kind` holding `d`. */
  periodStart(kind: PeriodKind, d: string): string;
  /** Zone index. */
  zk(zoneId: number): number;
  /** Row of a campaign (dense index) in a zone. */
  ck(ci: number, zoneId: number): number;
  /** Row of an item in a zone. */
  ik(zoneId: number, itemId: number): number;
}

/** Keys of one engine: dense indexes are handed out in the order ids are first seen. A class,
 *  not closures: its methods are the same functions in every planning pass, so code the
 *  JIT optimised in one pass is not thrown away in the next for calling "another" function. */
class DenseKeys implements Keys {
  private readonly weekMemo = new Map<string, string>();
  private readonly dayMemo = new Map<string, number>();
  private readonly zoneIdx = new Map<number, number>();
  private readonly itemIdx = new Map<number, number>();

  dn(d: string): number {
    let v = this.dayMemo.get(d);
    if (v === undefined) this.dayMemo.set(d, (v = dayNumber(d)));
    return v;
  }
  // 1970-01-01 was a Thursday: (n + 3) % 7 days back is the Monday.
  pk(kind: PeriodKind, d: string): number {
    const n = this.dn(d);
    return kind === "day" ? n * 2 : (n - ((n + 3) % 7)) * 2 + 1;
  }
  periodStart(kind: PeriodKind, d: string): string {
    if (kind === "day") return d;
    let w = this.weekMemo.get(d);
    if (w === undefined) this.weekMemo.set(d, (w = startOfIsoWeek(d)));
    return w;
  }
  zk(zoneId: number): number {
    return dense(this.zoneIdx, zoneId, ZONE_CAP);
  }
  ck(ci: number, zoneId: number): number {
    return ci * ZONE_CAP + this.zk(zoneId);
  }
  ik(zoneId: number, itemId: number): number {
    return this.zk(zoneId) * ITEM_CAP + dense(this.itemIdx, itemId, ITEM_CAP);
  }
}

function dense(m: Map<number, number>, id: number, cap: number): number {
  let i = m.get(id);
  if (i === undefined) {
    i = m.size;
    if (i >= cap) throw new Error(`frequency engine: more than ${cap} distinct ids`);
    m.set(id, i);
  }
  return i;
}

export function createKeys(): Keys {
  return new DenseKeys();
}
