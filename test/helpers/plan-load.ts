// The planning load of issue #13, written into a real database: N zones, 3 sessions a day
// (05:30, 11:00, 17:00) of three 10-item programs on every zone, 10 campaigns of 3 items
// with per-day and per-week targets, windows and minimum gaps, and the week's settled
// as-run history so far. Used by `npm run bench:plan` and the planner's scale tests.
import type { Db } from "../../server/db/client.ts";
import { addDays, localToUtc } from "../../server/domain/time.ts";
import { bulkFor, insertRows, type Columns } from "../../server/db/bulk.ts";

export const LOAD_TZ = "Asia/Ho_Chi_Minh";
/** The first day planned: a Friday (the week's targets are half spent by history). */
export const LOAD_FIRST_DAY = "2026-05-01";
export const LOAD_SESSIONS = [["05:30", 45], ["11:00", 30], ["17:00", 45]] as const;

export interface PlanLoad {
  zoneIds: number[];
  scheduleIds: number[];
  programIds: number[];
}

export async function seedPlanLoad(db: Db, opts: { zones: number }): Promise<PlanLoad> {
  await db.zone.createMany({ data: Array.from({ length: opts.zones }, (_, i) => ({ code: `z${i + 1}`, name: `Cụm loa ${i + 1}`, outputKind: "file" })) });
  const zoneIds = (await db.zone.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((z) => z.id);
  const relay = (title: string, durationMs: number, priority = "normal") => ({ title, kind: "relay", relayUrl: "http://127.0.0.1/relay", durationMs, priority, status: "ready" });
  await db.item.createMany({
    data: [
      ...Array.from({ length: 30 }, (_, i) => relay(`Tin ${i + 1}`, (120 + ((i + 1) % 5) * 30) * 1000, (i + 1) % 10 === 1 ? "priority" : "normal")),
      ...Array.from({ length: 30 }, (_, i) => relay(`Tuyên truyền ${i + 1}`, (45 + ((i + 101) % 4) * 15) * 1000)),
      relay("Nhạc hiệu đầu", 10_000),
      relay("Nhạc hiệu cuối", 8_000),
    ],
  });
  const itemIds = (await db.item.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((i) => i.id);
  const news = itemIds.slice(0, 30), promo = itemIds.slice(30, 60), [intro, outro] = itemIds.slice(60);
  const programIds: number[] = [];
  for (let p = 0; p < 3; p++) {
    const prog = await db.program.create({
      data: { name: `Chương trình ${p + 1}`, introItemId: intro!, outroItemId: outro!, gapMs: 1000, entries: { create: news.slice(p * 10, p * 10 + 10).map((itemId, position) => ({ itemId, position })) } },
    });
    programIds.push(prog.id);
  }
  const scheduleIds: number[] = [];
  for (const [i, [startTime, maxMin]] of LOAD_SESSIONS.entries()) {
    const s = await db.schedule.create({
      data: { name: `Buổi ${i + 1}`, programId: programIds[i]!, kind: "recurring", daysOfWeek: "1,2,3,4,5,6,7", startTime, maxDurationSec: maxMin * 60, zones: { create: zoneIds.map((zoneId) => ({ zoneId })) } },
    });
    scheduleIds.push(s.id);
  }
  for (let c = 0; c < 10; c++) {
    await db.campaign.create({
      data: {
        name: `Chiến dịch ${c + 1}`,
        startDate: "2026-04-15",
        endDate: "2026-06-30",
        perDay: c % 3 === 2 ? null : 2 + (c % 3),
        perWeek: c % 3 === 2 ? 10 : null,
        windows: JSON.stringify(c % 4 === 3 ? ["05:00-12:00"] : []),
        minGapMin: 60 + c * 10,
        maxPerSession: 1 + (c % 2),
        allZones: c % 2 === 0,
        items: { create: promo.slice(c * 3, c * 3 + 3).map((itemId) => ({ itemId })) },
        zones: c % 2 === 0 ? undefined : { create: zoneIds.filter((z, k) => (k + 1) % (c + 1) !== 0).map((zoneId) => ({ zoneId })) },
      },
    });
  }
  // The history the horizon's first week counts (the planner reads from the Sunday before the
  // week of its first day): every campaign item aired once a day per zone, some failed,
  // settled as server/settle-plays.ts would have (a play, and the campaign it counts for).
  const history = [];
  for (let d = -5; d < 0; d++) {
    const day = addDays(LOAD_FIRST_DAY, d);
    const at = localToUtc(day, "05:40", LOAD_TZ);
    for (const [k, zoneId] of zoneIds.entries()) {
      for (let c = 0; c < 10; c++) {
        const status = (k + 1 + d) % 10 === 0 ? "failed" : "completed";
        history.push({ zoneId, itemId: promo[c * 3 + ((d + 14) % 3)]!, campaignId: c, localDate: day, scheduledStart: at, actualStart: at, durationMs: 60_000, status, source: "schedule", settled: true, counted: status === "completed", role: "news" });
      }
    }
  }
  const bulk = bulkFor(db);
  const cols: Columns = { zoneId: "int", itemId: "int", localDate: "text", scheduledStart: "time", actualStart: "time", durationMs: "int", status: "text", source: "text", settled: "bool", counted: "bool", role: "text" };
  const made = await insertRows<{ id: number | bigint; zoneId: number; itemId: number; localDate: string }>(db, bulk, "AsRun", cols, history, `"id", "zoneId", "itemId", "localDate"`);
  const idOf = new Map(made.map((r) => [`${r.zoneId}|${r.itemId}|${r.localDate}`, Number(r.id)]));
  const campaignIds = (await db.campaign.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((c) => c.id);
  const plays = history.flatMap((h) => (h.counted ? [{ asRunId: idOf.get(`${h.zoneId}|${h.itemId}|${h.localDate}`)!, campaignId: campaignIds[h.campaignId]!, zoneId: h.zoneId, localDate: h.localDate }] : []));
  await insertRows(db, bulk, "AsRunCampaign", { asRunId: "int", campaignId: "int", zoneId: "int", localDate: "text" }, plays);
  return { zoneIds, scheduleIds, programIds };
}
