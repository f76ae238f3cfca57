// A fresh database (SQLite, or PostgreSQL when given its URL) with crafted airings and as-run rows of known counts for
// October 2026 (Asia/Ho_Chi_Minh), plus rows just outside the month to prove the bounds.
// The expected numbers are worked out by hand in EXPECTED below.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { createDb, type Db } from "../../server/db/client.ts";

type IdName = "policy" | "security" | "disaster" | "models" | "z1" | "z2" | "z3" | "i1" | "i2" | "i3" | "i4" | "i5" | "p1" | "p2" | "e1" | "c1" | "c2" | "A4" | "A6" | "A7";

export interface Fixture {
  db: Db;
  dir: string;
  ids: Record<IdName, number>;
  cleanup(): Promise<void>;
}

/** A local wall-clock time in Vietnam (UTC+7) as an instant. */
export const at = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+07:00`);

/** A migrated, empty database: a new SQLite file, or the (empty) database of `databaseUrl`. */
export async function emptyDb(databaseUrl?: string): Promise<{ db: Db; dir: string; cleanup(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-reports-"));
  const url = databaseUrl ?? `file:${path.join(dir, "test.db")}`;
  await migrateDatabase(url);
  const db = await createDb(url);
  return { db, dir, cleanup: async () => { await db.$disconnect(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

export async function createFixture(opts: { databaseUrl?: string } = {}): Promise<Fixture> {
  const { db, dir, cleanup } = await emptyDb(opts.databaseUrl);
  await db.commune.create({ data: { id: 1, name: "Kiến Minh", unitName: "Trung tâm Dịch vụ Sự nghiệp công", place: "Kiến Minh", timeZone: "Asia/Ho_Chi_Minh" } });
  const cat = async (code: string, nameVi: string, nameEn: string, sortOrder: number) => (await db.category.create({ data: { code, nameVi, nameEn, sortOrder } })).id;
  const policy = await cat("policy", "Chính sách, pháp luật", "Policy and law", 1);
  const security = await cat("security", "An ninh, trật tự", "Security and order", 2);
  const disaster = await cat("disaster", "Thiên tai, dịch bệnh", "Disasters and epidemics", 3);
  const models = await cat("models", "Gương người tốt, việc tốt", "Good examples", 4);
  const zone = async (code: string, name: string, village: string, enabled = true) => (await db.zone.create({ data: { code, name, village, outputKind: "file", enabled } })).id;
  const z1 = await zone("Z01", "Cụm loa thôn Đông", "Thôn Đông");
  const z2 = await zone("Z02", "Cụm loa thôn Tây", "Thôn Tây");
  const z3 = await zone("Z03", "Cụm loa cũ", "Thôn Nam", false);
  const item = async (title: string, kind: string, priority: string, categoryId: number | null) =>
    (await db.item.create({ data: { title, kind, priority, categoryId, status: "ready" } })).id;
  const i1 = await item("Tuyên truyền Luật Đất đai 2024", "audio", "normal", policy);
  const i2 = await item("Bản tin an ninh trật tự", "tts", "priority", security);
  const i3 = await item("Tiếp sóng Đài Tiếng nói Việt Nam", "relay", "normal", null);
  const i4 = await item("Cảnh báo bão số 5", "tts", "emergency", disaster);
  const i5 = await item("Phòng chống cháy nổ", "audio", "normal", security);
  const p1 = (await db.program.create({ data: { name: "Chương trình sáng" } })).id;
  const p2 = (await db.program.create({ data: { name: "Chương trình chiều" } })).id;
  const e1 = (await db.emergency.create({ data: { itemId: i4, zoneIds: JSON.stringify([z1, z2]), status: "ended" } })).id;

  const c1 = (await db.campaign.create({ data: { name: "Tuyên truyền Luật Đất đai", startDate: "2026-09-25", endDate: "2026-10-02", perDay: 1, allZones: false } })).id;
  await db.campaignZone.createMany({ data: [{ campaignId: c1, zoneId: z1 }, { campaignId: c1, zoneId: z2 }] });
  const c2 = (await db.campaign.create({ data: { name: "Phòng chống bão", startDate: "2026-10-03", endDate: "2026-12-31", perWeek: 3, allZones: true } })).id;
  await db.campaignItem.createMany({ data: [{ campaignId: c1, itemId: i1 }, { campaignId: c2, itemId: i4 }] });
  await db.campaign.create({ data: { name: "Chiến dịch tạm dừng", startDate: "2026-10-01", endDate: "2026-10-31", perDay: 2, enabled: false } });
  await db.campaign.create({ data: { name: "Chiến dịch tháng 12", startDate: "2026-12-01", endDate: "2026-12-31", perDay: 2 } });
  await db.shortfall.createMany({ data: ["2026-09-30", "2026-10-01", "2026-10-02"].map((periodStart) => ({
    campaignId: c1, zoneId: z2, periodKind: "day", periodStart, target: 1, aired: 0, reasonVi: "Không đủ buổi phát", reasonEn: "Not enough sessions",
  })) });

  const airing = async (zoneId: number, date: string, hhmm: string, status: string, source = "schedule", programId: number | null = null, emergencyId: number | null = null, localDate = date) =>
    (await db.airing.create({ data: { zoneId, programId, emergencyId, source, localDate, scheduledStart: at(date, hhmm), maxDurationMs: 3_600_000, status, statusReason: status === "aired" ? "" : `lý do ${status}` } })).id;
  const A1 = await airing(z1, "2026-10-01", "06:00", "aired", "schedule", p1);
  const A2 = await airing(z2, "2026-10-01", "06:00", "aired", "schedule", p1);
  const A3 = await airing(z1, "2026-10-01", "17:00", "aired", "schedule", p2);
  const A4 = await airing(z2, "2026-10-01", "17:00", "interrupted", "schedule", p2);
  const A5 = await airing(z1, "2026-10-02", "06:00", "aired", "schedule", p1);
  const A6 = await airing(z2, "2026-10-02", "06:00", "failed", "schedule", p1);
  const A7 = await airing(z1, "2026-10-02", "17:00", "missed", "schedule", p2);
  const A8 = await airing(z2, "2026-10-02", "17:00", "cancelled", "schedule", p2);
  const A9 = await airing(z1, "2026-10-03", "09:00", "aired", "emergency", null, e1);
  const A10 = await airing(z2, "2026-10-03", "09:00", "aired", "emergency", null, e1);
  const A11 = await airing(z1, "2026-09-30", "23:30", "aired", "schedule", p1); // outside (previous month)
  const A12 = await airing(z1, "2026-11-01", "00:30", "aired", "schedule", p1); // outside: 31 Oct 17:30 UTC is 1 Nov locally

  type Run = [airingId: number, zoneId: number, itemId: number | null, status: string, durationMs: number, extra?: { source?: string; campaignId?: number; categoryId?: number | null; kind?: string; priority?: string }];
  const meta = new Map<number, { kind: string; priority: string; categoryId: number | null }>([
    [i1, { kind: "audio", priority: "normal", categoryId: policy }], [i2, { kind: "tts", priority: "priority", categoryId: security }],
    [i3, { kind: "relay", priority: "normal", categoryId: null }], [i4, { kind: "tts", priority: "emergency", categoryId: disaster }],
    [i5, { kind: "audio", priority: "normal", categoryId: security }],
  ]);
  const airingStart = new Map((await db.airing.findMany()).map((a) => [a.id, a]));
  const runs: Run[] = [
    [A1, z1, i1, "completed", 120_000], [A1, z1, i2, "completed", 60_000], [A1, z1, i3, "completed", 600_000],
    [A2, z2, i1, "completed", 120_000], [A2, z2, i2, "completed", 60_000], [A2, z2, i3, "interrupted", 300_000],
    [A3, z1, i1, "completed", 120_000, { source: "make_good", campaignId: c1 }], [A3, z1, i5, "failed", 0],
    [A4, z2, i2, "completed", 60_000], [A4, z2, i1, "interrupted", 30_000],
    [A5, z1, i1, "completed", 120_000, { campaignId: c1 }], [A5, z1, i2, "skipped", 0],
    [A5, z1, null, "completed", 48_000, { categoryId: policy, kind: "audio", priority: "normal" }],
    [A6, z2, i5, "failed", 0],
    [A9, z1, i4, "completed", 90_000, { source: "emergency", campaignId: c2 }],
    [A10, z2, i4, "completed", 90_000, { source: "emergency" }],
    [A11, z1, i1, "completed", 120_000, { campaignId: c1 }],
    [A12, z1, i1, "completed", 120_000],
  ];
  let offset = 0;
  for (const [airingId, zoneId, itemId, status, durationMs, extra = {}] of runs) {
    const a = airingStart.get(airingId)!;
    const m = itemId === null ? { kind: extra.kind!, priority: extra.priority!, categoryId: extra.categoryId ?? null } : meta.get(itemId)!;
    const actualStart = new Date(a.scheduledStart.getTime() + (offset++ % 5) * 60_000);
    await db.asRun.create({ data: {
      airingId, zoneId, itemId, categoryId: m.categoryId, priority: m.priority, itemKind: m.kind, campaignId: extra.campaignId ?? null,
      localDate: a.localDate, scheduledStart: a.scheduledStart, actualStart, actualEnd: new Date(actualStart.getTime() + durationMs),
      durationMs, status, source: extra.source ?? "schedule",
    } });
  }
  return { db, dir, cleanup, ids: { policy, security, disaster, models, z1, z2, z3, i1, i2, i3, i4, i5, p1, p2, e1, c1, c2, A4, A6, A7 } };
}
