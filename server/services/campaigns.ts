// Campaigns for key content (chiến dịch tuyên truyền trọng điểm) and their compliance.
import type { z } from "zod";
import { AppError, notFound } from "../errors.ts";
import { campaignSpecFromRow, campaignZoneStatus, validateCampaign, campaignActiveOn } from "../domain/campaign.ts";
import { addDays, localDateOf, toLocalParts } from "../domain/time.ts";
import { settlePlays } from "../settle-plays.ts";
import { campaignFeasibility, eligibleSessionDates } from "../reports/campaigns.ts";
import type { campaignBody } from "../contract/scheduling.ts";
import { communeTimeZone } from "./commune.ts";
import type { Deps } from "./deps.ts";

type Body = z.output<typeof campaignBody>;
type Db = Pick<Deps, "db">;
type Edit = Pick<Deps, "db" | "replan">;

const include = { items: true, zones: true } as const;

const toData = (b: Body) => ({
  name: b.name, startDate: b.startDate, endDate: b.endDate, perDay: b.perDay ?? null, perWeek: b.perWeek ?? null, minGapMin: b.minGapMin,
  maxPerSession: b.maxPerSession, windows: JSON.stringify(b.windows), allZones: b.zoneIds === null, enabled: b.enabled,
});
const links = (b: Body) => ({ items: { create: b.itemIds.map((itemId) => ({ itemId })) }, zones: { create: (b.zoneIds ?? []).map((zoneId) => ({ zoneId })) } });
const specOf = (b: Body) => campaignSpecFromRow({ id: 0, ...toData(b), items: b.itemIds.map((itemId) => ({ itemId })), zones: (b.zoneIds ?? []).map((zoneId) => ({ zoneId })) });

async function check({ db }: Db, b: Body) {
  if (!b.perDay && !b.perWeek) throw new AppError(422, "NO_TARGET", "Cần đặt chỉ tiêu số lần phát mỗi ngày hoặc mỗi tuần.", "Set a target per day or per week.");
  const items = await db.item.count({ where: { id: { in: b.itemIds }, archived: false } });
  if (items !== new Set(b.itemIds).size) throw new AppError(422, "UNKNOWN_ITEMS", "Có tin bài không tồn tại.", "Some items do not exist.");
  if (b.zoneIds) {
    const zones = await db.zone.count({ where: { id: { in: b.zoneIds } } });
    if (zones !== new Set(b.zoneIds).size) throw new AppError(422, "UNKNOWN_ZONES", "Có cụm loa không tồn tại.", "Some zones do not exist.");
  }
  validateCampaign(specOf(b));
}

/** Whether the schedules can meet the targets (the campaign form shows the warnings before saving). */
export async function campaignFeasibilityOf(deps: Db, b: Body) {
  const spec = specOf(b);
  validateCampaign(spec);
  return campaignFeasibility(deps.db, spec, await communeTimeZone(deps));
}

export async function listCampaigns({ db }: Db) {
  const campaigns = await db.campaign.findMany({ include, orderBy: { id: "desc" } });
  return campaigns.map((x) => ({ ...x, windows: JSON.parse(x.windows), itemIds: x.items.map((i) => i.itemId), zoneIds: x.allZones ? null : x.zones.map((z) => z.zoneId) }));
}

export async function createCampaign(deps: Edit, b: Body) {
  await check(deps, b);
  const campaign = await deps.db.campaign.create({ data: { ...toData(b), ...links(b) } });
  await deps.replan?.({ campaignId: campaign.id });
  return campaign;
}

export async function updateCampaign(deps: Edit, id: number, b: Body) {
  const { db } = deps;
  if (!(await db.campaign.findUnique({ where: { id } }))) throw notFound("campaign");
  await check(deps, b);
  const campaign = await db.$transaction(async (tx) => {
    await tx.campaignItem.deleteMany({ where: { campaignId: id } });
    await tx.campaignZone.deleteMany({ where: { campaignId: id } });
    return tx.campaign.update({ where: { id }, data: { ...toData(b), ...links(b) } });
  });
  await deps.replan?.({ campaignId: id });
  return campaign;
}

/** Per zone: today's target / aired / planned / deficit, this week, and a per-day history. */
export async function campaignStatus(deps: Pick<Deps, "db" | "clock">, id: number, days: number) {
  const { db, clock } = deps;
  const row = await db.campaign.findUnique({ where: { id }, include });
  if (!row) throw notFound("campaign");
  const spec = campaignSpecFromRow(row);
  const tz = await communeTimeZone(deps);
  const today = localDateOf(clock.now(), tz);
  const historyFrom = addDays(today, -(days - 1));
  const zones = await db.zone.findMany({ where: row.allZones ? { enabled: true } : { id: { in: row.zones.map((z) => z.zoneId) } }, orderBy: { name: "asc" } });
  await settlePlays(db);
  const asRun = (await db.asRun.findMany({
    where: { itemId: { in: spec.itemIds as number[] }, localDate: { gte: addDays(historyFrom, -7) }, settled: true },
    select: { zoneId: true, itemId: true, localDate: true, actualStart: true, status: true, counted: true, campaigns: { select: { campaignId: true } } },
  })).map((r) => ({ ...r, campaignIds: r.campaigns.map((x) => x.campaignId) }));
  const plannedLines = await db.rundownLine.findMany({
    where: { itemId: { in: spec.itemIds as number[] }, bumped: false, airing: { status: { in: ["planned", "ready", "airing"] }, localDate: { gte: addDays(today, -7) } } },
    select: { id: true, itemId: true, airing: { select: { zoneId: true, localDate: true, scheduledStart: true, asRuns: { select: { rundownLineId: true } } } } },
  });
  // A line of a session on air that already has its as-run row is counted there, not here.
  const planned = plannedLines
    .filter((l) => !l.airing.asRuns.some((r) => r.rundownLineId === l.id))
    .map((l) => ({ zoneId: l.airing.zoneId, itemId: l.itemId, localDate: l.airing.localDate, sessionMinute: toLocalParts(l.airing.scheduledStart, tz).minuteOfDay }));
  const eligible = await eligibleSessionDates(db, spec, tz, addDays(historyFrom, -7), addDays(today, 7));
  const shortfalls = await db.shortfall.findMany({ where: { campaignId: id }, orderBy: { periodStart: "desc" }, take: 200 });
  return {
    campaign: { id: row.id, name: row.name, perDay: row.perDay, perWeek: row.perWeek, activeToday: zones.some((z) => campaignActiveOn(spec, z.id, today)) },
    today,
    zones: zones.map((z) => ({ ...campaignZoneStatus({ campaign: spec, zoneId: z.id, today, asRun, planned, historyFrom, historyTo: today, eligibleDates: eligible.get(z.id) ?? new Set() }), zoneName: z.name })),
    shortfalls,
  };
}
