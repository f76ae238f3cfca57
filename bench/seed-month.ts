// A month of history for the benchmarks, written straight into the database (30 zones, 200
// items, 30 days of 2 sessions a day per zone with 8 as-run rows each, unsettled, and a
// month of audit rows), as bench:api and bench:settle both measure it.
import { Prisma } from "../server/generated/prisma/client.ts";
import type { Db } from "../server/db/client.ts";

export const ZONES = 30, ITEMS = 200, DAYS = 30, SESSIONS = [5 * 60 + 30, 17 * 60], PER_SESSION = 8;
const TZ_OFFSET_MS = 7 * 3600_000;

/** Local date `d` days from `day` (YYYY-MM-DD). */
const addDays = (day: string, d: number) => new Date(Date.parse(`${day}T00:00:00Z`) + d * 86400_000).toISOString().slice(0, 10);

export async function seedMonth(db: Db, today: string, log: (s: string) => void): Promise<void> {
  const t0 = Date.now();
  await db.zone.createMany({ data: Array.from({ length: ZONES }, (_, i) => ({ code: `z${String(i + 1).padStart(2, "0")}`, name: `Cụm loa thôn ${i + 1}`, village: `Thôn ${i + 1}`, outputKind: "file" })) });
  const zones = (await db.zone.findMany({ orderBy: { id: "asc" } })).map((z) => z.id);
  const categories = (await db.category.findMany()).map((c) => c.id);
  await db.item.createMany({
    data: Array.from({ length: ITEMS }, (_, i) => ({ title: `Tin bài số ${i + 1}: thông báo của UBND xã`, kind: i % 3 ? "audio" : "tts", ttsText: i % 3 ? null : "Xin chào bà con.", status: "ready", durationMs: 120_000, categoryId: categories[i % categories.length] ?? null, priority: i % 7 ? "normal" : "priority" })),
  });
  const items = (await db.item.findMany({ orderBy: { id: "asc" } })).map((i) => i.id);
  const program = await db.program.create({ data: { name: "Chương trình thời sự xã" } });
  // Airings: every zone, both sessions, DAYS days up to today (today's still planned), the next day planned.
  const airings: Prisma.AiringCreateManyInput[] = [];
  for (let d = -DAYS + 1; d <= 1; d++) {
    const day = addDays(today, d);
    for (const minute of SESSIONS) {
      const start = new Date(Date.parse(`${day}T00:00:00Z`) - TZ_OFFSET_MS + minute * 60_000);
      const past = start.getTime() + 3600_000 < Date.now();
      for (const zoneId of zones) {
        airings.push({ zoneId, programId: program.id, source: "schedule", localDate: day, scheduledStart: start, maxDurationMs: 3600_000, status: past ? "aired" : "planned", actualStart: past ? start : null, actualEnd: past ? new Date(start.getTime() + PER_SESSION * 120_000) : null });
      }
    }
  }
  for (let i = 0; i < airings.length; i += 1000) await db.airing.createMany({ data: airings.slice(i, i + 1000) });
  const aired = await db.airing.findMany({ where: { status: "aired" }, orderBy: { id: "asc" } });
  const rows: Prisma.AsRunCreateManyInput[] = [];
  let n = 0;
  for (const a of aired) {
    for (let k = 0; k < PER_SESSION; k++, n++) {
      const start = new Date(a.scheduledStart.getTime() + k * 120_000);
      const status = n % 97 === 0 ? "failed" : n % 41 === 0 ? "interrupted" : "completed";
      rows.push({ airingId: a.id, zoneId: a.zoneId, itemId: items[(n * 7) % items.length]!, localDate: a.localDate, scheduledStart: start, actualStart: start, actualEnd: new Date(start.getTime() + 120_000), durationMs: status === "completed" ? 120_000 : 30_000, plannedMs: 120_000, status, source: "schedule" });
    }
  }
  for (let i = 0; i < rows.length; i += 1000) await db.asRun.createMany({ data: rows.slice(i, i + 1000) });
  // Audit history: a month of edits.
  await db.auditLog.createMany({ data: Array.from({ length: 3000 }, (_, i) => ({ action: "item.update", entity: "item", entityId: String(items[i % items.length]), createdAt: new Date(Date.now() - i * 900_000) })) });
  log(`seeded ${zones.length} zones, ${items.length} items, ${airings.length} airings, ${rows.length} as-run rows in ${Date.now() - t0} ms`);
}
