// Small builders for domain tests: items, programs, schedules, campaigns, as-run rows.
import type { CampaignSpec } from "../../server/domain/campaign.ts";
import type { AsRunRecord } from "../../server/domain/frequency.ts";
import type { ScheduleSpec } from "../../server/domain/recurrence.ts";
import type { ItemInfo, ProgramSpec } from "../../server/domain/rundown.ts";
import { localToUtc } from "../../server/domain/time.ts";

export const TZ = "Asia/Ho_Chi_Minh";

export const item = (id: number, durationSec: number, priority = "normal"): ItemInfo => ({
  id,
  title: `Item ${id}`,
  durationMs: durationSec * 1000,
  priority,
  status: "ready",
});

export const program = (id: number, itemIds: number[], extra: Partial<ProgramSpec> = {}): ProgramSpec => ({
  id,
  name: `Program ${id}`,
  gapMs: 1000,
  entries: itemIds.map((itemId, position) => ({ itemId, position })),
  ...extra,
});

export const daily = (id: number, programId: number, startTime: string, zoneIds: number[], maxMin = 30, extra: Partial<ScheduleSpec> = {}): ScheduleSpec => ({
  id,
  name: `Schedule ${id}`,
  programId,
  kind: "recurring",
  daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
  startTime,
  maxDurationSec: maxMin * 60,
  zoneIds,
  ...extra,
});

export const campaign = (extra: Partial<CampaignSpec> & Pick<CampaignSpec, "id" | "itemIds">): CampaignSpec => ({
  name: "Phòng chống bão",
  startDate: "2026-04-01",
  endDate: "2026-04-30",
  zoneIds: "all",
  perDay: 2,
  windows: [],
  minGapMin: 0,
  maxPerSession: 1,
  ...extra,
});

export const at = (date: string, time: string, tz = TZ): Date => localToUtc(date, time, tz);

export const asRun = (zoneId: number, itemId: number, date: string, time: string, status = "completed"): AsRunRecord => ({
  zoneId,
  itemId,
  localDate: date,
  actualStart: at(date, time),
  status,
});

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
