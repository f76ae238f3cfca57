// The campaigns as the frequency engine reads them, and the facts about a campaign that
// every part asks for: is it active for a zone and date, its target for a period, the
// items it may insert on a date.
import type { PeriodKind } from "../explain.ts";
import { isItemAirable, type ItemInfo, type KeyCampaignRef } from "../rundown.ts";
import { MINUTE_MS } from "../time.ts";
import { campaignActiveOn, parseWindow, periodTarget, type CampaignSpec, type TimeWindow } from "../campaign.ts";
import { Table, type Keys } from "./keys.ts";

export interface Camp {
  ci: number; // dense index, part of numeric map keys
  spec: CampaignSpec;
  ref: KeyCampaignRef;
  windows: TimeWindow[];
  zones: Set<number> | null;
  kinds: PeriodKind[];
  gapMs: number;
}

export interface Campaigns {
  /** Enabled campaigns by id. */
  list: Camp[];
  /** Campaigns of each item. */
  byItem: Map<number, Camp[]>;
  /** An item in several campaigns keeps the strictest of their gaps. */
  itemGap: Map<number, number>;
  active(c: Camp, zoneId: number, localDate: string): boolean;
  target(c: Camp, kind: PeriodKind, localDate: string): number;
  /** The campaign's airable items on a date (memoised per campaign and day). */
  playableItems(c: Camp, localDate: string): number[];
}

export function prepareCampaigns(specs: readonly CampaignSpec[], items: ReadonlyMap<number, ItemInfo>, keys: Keys): Campaigns {
  const list: Camp[] = specs
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
  for (const c of list) for (const i of new Set(c.spec.itemIds)) byItem.set(i, [...(byItem.get(i) ?? []), c]);
  const itemGap = new Map<number, number>();
  for (const [i, cs] of byItem) itemGap.set(i, Math.max(...cs.map((c) => c.gapMs)));

  return new CampaignTable(list, byItem, itemGap, items, keys);
}

/** A class rather than closures, for the reason given at DenseKeys (keys.ts). */
class CampaignTable implements Campaigns {
  private readonly targetMemo = new Table<number>();
  private readonly playableMemo = new Table<number[]>();
  constructor(
    readonly list: Camp[],
    readonly byItem: Map<number, Camp[]>,
    readonly itemGap: Map<number, number>,
    private readonly items: ReadonlyMap<number, ItemInfo>,
    private readonly keys: Keys,
  ) {}

  active(c: Camp, zoneId: number, localDate: string): boolean {
    return campaignActiveOn(c.spec, zoneId, localDate, c.zones);
  }
  target(c: Camp, kind: PeriodKind, localDate: string): number {
    const p = this.keys.pk(kind, localDate);
    let v = this.targetMemo.get(c.ci, p);
    if (v === undefined) this.targetMemo.set(c.ci, p, (v = periodTarget(c.spec, kind, this.keys.periodStart(kind, localDate))));
    return v;
  }
  playableItems(c: Camp, localDate: string): number[] {
    const dn = this.keys.dn(localDate);
    let v = this.playableMemo.get(c.ci, dn);
    if (!v) this.playableMemo.set(c.ci, dn, (v = [...new Set(c.spec.itemIds)].filter((i) => isItemAirable(this.items.get(i), localDate))));
    return v;
  }
}
