// Campaigns for key content (chiến dịch tuyên truyền trọng điểm) and their compliance.
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AppEnv } from "../app.ts";
import { AppError, notFound } from "../errors.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, localDate } from "./common.ts";
import { campaignSpecFromRow, campaignZoneStatus, validateCampaign, campaignActiveOn } from "../domain/campaign.ts";
import { addDays, localDateOf, toLocalParts } from "../domain/time.ts";
import { settlePlays } from "../settle-plays.ts";
import { campaignFeasibility, eligibleSessionDates } from "../reports/campaigns.ts";
import type { ResourceDeps } from "./index.ts";

const body = z.object({
  name: z.string().trim().min(1).max(200),
  startDate: localDate,
  endDate: localDate,
  perDay: z.number().int().min(1).max(48).nullable().optional(),
  perWeek: z.number().int().min(1).max(300).nullable().optional(),
  minGapMin: z.number().int().min(0).max(24 * 60).default(0),
  maxPerSession: z.number().int().min(1).max(10).default(1),
  windows: z.array(z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, "window must be HH:MM-HH:MM")).max(12).default([]),
  itemIds: z.array(z.number().int().positive()).min(1).max(50).transform((ids) => [...new Set(ids)]),
  zoneIds: z.array(z.number().int().positive()).max(200).transform((ids) => [...new Set(ids)]).nullable().default(null),
  enabled: z.boolean().default(true),
});

const include = { items: true, zones: true } as const;

export function campaignsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, clock } = deps;
  const editor = requireRole(...CAN.editContent);

  const toData = (b: z.infer<typeof body>) => ({
    name: b.name, startDate: b.startDate, endDate: b.endDate, perDay: b.perDay ?? null, perWeek: b.perWeek ?? null, minGapMin: b.minGapMin,
    maxPerSession: b.maxPerSession, windows: JSON.stringify(b.windows), allZones: b.zoneIds === null, enabled: b.enabled,
  });

  const check = async (b: z.infer<typeof body>) => {
    if (!b.perDay && !b.perWeek) throw new AppError(422, "NO_TARGET", "Cần đặt chỉ tiêu số lần phát mỗi ngày hoặc mỗi tuần.", "Set a target per day or per week.");
    const items = await db.item.count({ where: { id: { in: b.itemIds }, archived: false } });
    if (items !== new Set(b.itemIds).size) throw new AppError(422, "UNKNOWN_ITEMS", "Có tin bài không tồn tại.", "Some items do not exist.");
    if (b.zoneIds) {
      const zones = await db.zone.count({ where: { id: { in: b.zoneIds } } });
      if (zones !== new Set(b.zoneIds).size) throw new AppError(422, "UNKNOWN_ZONES", "Có cụm loa không tồn tại.", "Some zones do not exist.");
    }
    validateCampaign(campaignSpecFromRow({ id: 0, ...toData(b), items: b.itemIds.map((itemId) => ({ itemId })), zones: (b.zoneIds ?? []).map((zoneId) => ({ zoneId })) }));
  };

  // Whether the schedules can meet the targets (the campaign form shows the warnings before saving).
  api.post("/campaigns/feasibility", zv("json", body), async (c) => {
    const b = c.req.valid("json");
    const spec = campaignSpecFromRow({ id: 0, ...toData(b), items: b.itemIds.map((itemId) => ({ itemId })), zones: (b.zoneIds ?? []).map((zoneId) => ({ zoneId })) });
    validateCampaign(spec);
    const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
    return c.json(await campaignFeasibility(db, spec, tz));
  });

  api.get("/campaigns", async (c) => {
    const campaigns = await db.campaign.findMany({ include, orderBy: { id: "desc" } });
    return c.json({ campaigns: campaigns.map((x) => ({ ...x, windows: JSON.parse(x.windows), itemIds: x.items.map((i) => i.itemId), zoneIds: x.allZones ? null : x.zones.map((z) => z.zoneId) })) });
  });

  api.post("/campaigns", editor, zv("json", body), async (c) => {
    const b = c.req.valid("json");
    await check(b);
    const campaign = await db.campaign.create({ data: { ...toData(b), items: { create: b.itemIds.map((itemId) => ({ itemId })) }, zones: { create: (b.zoneIds ?? []).map((zoneId) => ({ zoneId })) } } });
    await deps.replan?.({ campaignId: campaign.id });
    c.set("audit", { action: "campaign.create", entity: "campaign", entityId: campaign.id, detail: b });
    return c.json({ campaign }, 201);
  });

  api.put("/campaigns/:id", editor, zv("param", idParam), zv("json", body), async (c) => {
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    if (!(await db.campaign.findUnique({ where: { id } }))) throw notFound("campaign");
    await check(b);
    const campaign = await db.$transaction(async (tx) => {
      await tx.campaignItem.deleteMany({ where: { campaignId: id } });
      await tx.campaignZone.deleteMany({ where: { campaignId: id } });
      return tx.campaign.update({ where: { id }, data: { ...toData(b), items: { create: b.itemIds.map((itemId) => ({ itemId })) }, zones: { create: (b.zoneIds ?? []).map((zoneId) => ({ zoneId })) } } });
    });
    await deps.replan?.({ campaignId: id });
    c.set("audit", { action: "campaign.update", entity: "campaign", entityId: id, detail: b });
    return c.json({ campaign });
  });

  // Per zone: today's target / aired / planned / deficit, this week, and a per-day history.
  api.get("/campaigns/:id/status", zv("param", idParam), zv("query", z.object({ days: z.coerce.number().int().min(1).max(93).default(14) })), async (c) => {
    const { id } = c.req.valid("param");
    const { days } = c.req.valid("query");
    const row = await db.campaign.findUnique({ where: { id }, include });
    if (!row) throw notFound("campaign");
    const spec = campaignSpecFromRow(row);
    const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
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
    return c.json({
      campaign: { id: row.id, name: row.name, perDay: row.perDay, perWeek: row.perWeek, activeToday: zones.some((z) => campaignActiveOn(spec, z.id, today)) },
      today,
      zones: zones.map((z) => ({ ...campaignZoneStatus({ campaign: spec, zoneId: z.id, today, asRun, planned, historyFrom, historyTo: today, eligibleDates: eligible.get(z.id) ?? new Set() }), zoneName: z.name })),
      shortfalls,
    });
  });
}
