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

  const targetMemo = new Table<number>();
  const playableMemo = new Table<number[]>();
  return {
    list,
    byItem,
    itemGap,
    active: (c, z, d) => campaignActiveOn(c.spec, z, d, c.zones),
    target: (c, kind, d) => {
      const p = keys.pk(kind, d);
      let v = targetMemo.get(c.ci, p);
      if (v === undefined) targetMemo.set(c.ci, p, (v = periodTarget(c.spec, kind, keys.periodStart(kind, d))));
      return v;
    },
    playableItems: (c, d) => {
      let v = playableMemo.get(c.ci, keys.dn(d));
      if (!v) playableMemo.set(c.ci, keys.dn(d), (v = [...new Set(c.spec.itemIds)].filter((i) => isItemAirable(items.get(i), d))));
      return v;
    },
  };
}
