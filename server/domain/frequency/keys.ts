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

/** Keys of one engine: dense indexes are handed out in the order ids are first seen. */
export function createKeys(): Keys {
  const weekMemo = new Map<string, string>();
  const weekOf = (d: string) => {
    let w = weekMemo.get(d);
    if (w === undefined) weekMemo.set(d, (w = startOfIsoWeek(d)));
    return w;
  };
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
  const zk = (z: number) => dense(zoneIdx, z, ZONE_CAP);
  return {
    dn,
    // 1970-01-01 was a Thursday: (n + 3) % 7 days back is the Monday.
    pk: (kind, d) => {
      const n = dn(d);
      return kind === "day" ? n * 2 : (n - ((n + 3) % 7)) * 2 + 1;
    },
    periodStart: (kind, d) => (kind === "day" ? d : weekOf(d)),
    zk,
    ck: (ci, z) => ci * ZONE_CAP + zk(z),
    ik: (z, item) => zk(z) * ITEM_CAP + dense(itemIdx, item, ITEM_CAP),
  };
}
