// PostgreSQL (scale-out): the committed PostgreSQL migrations, the planner, the report
// SQL and the monthly report against a real server. Runs when PG_TEST_URL is set or a
// trust-auth PostgreSQL answers on 127.0.0.1:5432 (user postgres, database `test`);
// every database it creates is dropped afterwards. Skipped otherwise.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { createDb, dbProvider } from "../../server/db/client.ts";
import { listMigrations, migrateDatabase, PG_MIGRATIONS_DIR } from "../../server/db/migrate.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner } from "../../server/planner.ts";
import { computeReport } from "../../server/reports/compute.ts";
import { logbookDays } from "../../server/reports/logbook.ts";
import { generateMonthlyReport } from "../../server/reports/monthly.ts";
import { resolvePeriod } from "../../server/reports/period.ts";
import { createTestEnv, signedIn } from "../helpers/env.ts";
import { createPgDatabase, pgTestUrl, type PgDatabase } from "../helpers/pg.ts";
import { createFixture, type Fixture } from "../reports/fixture.ts";

const adminUrl = await pgTestUrl();
const databases: PgDatabase[] = [];
async function freshDatabase(label: string): Promise<string> {
  const d = await createPgDatabase(adminUrl!, label);
  databases.push(d);
  return d.url;
}
afterAll(async () => {
  for (const d of databases) await d.drop();
});

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Columns and index definitions of the public schema, for comparing two databases. */
const schemaOf = (url: string) => withPg(url, async (c) => {
  const cols = await c.query(`SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`);
  const idx = await c.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`);
  const fks = await c.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conname <> '_prisma_migrations_pkey' ORDER BY conname`);
  return { columns: cols.rows, indexes: idx.rows, constraints: fks.rows };
});

describe.skipIf(!adminUrl)("PostgreSQL", () => {
  describe("migrations", () => {
    let fresh: string;

    it("applies every migration to an empty database, and a second run applies none", async () => {
      fresh = await freshDatabase("fresh");
      const all = listMigrations(PG_MIGRATIONS_DIR);
      expect((await migrateDatabase(fresh)).applied).toEqual(all);
      expect(await migrateDatabase(fresh)).toEqual({ applied: [], alreadyApplied: all });
      const db = await createDb(fresh);
      try {
        expect(dbProvider(db)).toBe("postgresql");
        await db.commune.create({ data: { id: 1, name: "Kiến Minh" } });
        expect((await db.commune.findUniqueOrThrow({ where: { id: 1 } })).name).toBe("Kiến Minh");
        const zone = await db.zone.create({ data: { code: "z", name: "Thôn Z", outputKind: "file" } });
        expect(zone.id).toBe(1);
      } finally {
        await db.$disconnect();
      }
      const rows = await withPg(fresh, (c) => c.query(`SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`));
      expect(rows.rows.map((r) => r.migration_name)).toEqual(all);
      expect(rows.rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    });

    it("upgrades a database created at the first migration, keeping its rows", async () => {
      const [first, ...rest] = listMigrations(PG_MIGRATIONS_DIR);
      const old = await freshDatabase("old");
      expect((await migrateDatabase(old, { upTo: first })).applied).toEqual([first]);
      await withPg(old, (c) => c.query(`INSERT INTO "Zone" (code, name, "outputKind", "updatedAt") VALUES ('thon-1', 'Thôn Một', 'file', now())`));
      expect((await migrateDatabase(old)).applied).toEqual(rest);
      expect(await schemaOf(old)).toEqual(await schemaOf(fresh));
      await withPg(old, async (c) => {
        expect((await c.query(`SELECT name FROM "Zone" WHERE code = 'thon-1'`)).rows[0].name).toBe("Thôn Một");
        const idx = (await c.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('AsRun', 'Airing')`)).rows as { indexname: string; indexdef: string }[];
        const def = (n: string) => idx.find((i) => i.indexname === n)?.indexdef;
        expect(def("AsRun_report_item_idx")).toContain(`("localDate", "itemId", "categoryId", priority, "itemKind", status, source, "durationMs")`);
        expect(def("AsRun_report_zone_idx")).toContain(`("localDate", "zoneId", "campaignId", status, source, "durationMs")`);
        expect(def("Airing_emergencyId_zoneId_scheduledStart_key")).toMatch(/^CREATE UNIQUE INDEX/);
        // The emergency unique index holds: one repeat per emergency, zone and instant.
        await c.query(`INSERT INTO "Item" (title, kind, "updatedAt") VALUES ('Bão', 'tts', now())`);
        await c.query(`INSERT INTO "Emergency" ("itemId", "zoneIds") VALUES (1, '[1]')`);
        const ins = `INSERT INTO "Airing" ("zoneId", "emergencyId", source, "localDate", "scheduledStart", "maxDurationMs", "updatedAt")
          VALUES (1, 1, 'emergency', '2026-10-03', '2026-10-03 02:00:00', 60000, now())`;
        await c.query(ins);
        await expect(c.query(ins)).rejects.toMatchObject({ code: "23505" });
      });
    });

    it("reach exactly prisma/postgres/schema.prisma (a forgotten PostgreSQL migration fails here)", async () => {
      const { stdout: script } = await promisify(execFile)(
        "npx",
        ["prisma", "migrate", "diff", "--config", "prisma.pg.config.ts", "--from-empty", "--to-schema-datamodel", "prisma/postgres/schema.prisma", "--script"],
        { env: { ...process.env, DATABASE_URL: adminUrl! } },
      );
      const [migrated, target] = [await freshDatabase("migrated"), await freshDatabase("target")];
      await migrateDatabase(migrated);
      await withPg(target, (c) => c.query(script));
      expect(await schemaOf(migrated)).toEqual(await schemaOf(target));
    });

    it("refuses to run when an applied migration was edited", async () => {
      const url = await freshDatabase("edited");
      await migrateDatabase(url);
      await withPg(url, (c) => c.query(`UPDATE "_prisma_migrations" SET checksum = 'tampered' WHERE migration_name = $1`, [listMigrations(PG_MIGRATIONS_DIR)[0]]));
      await expect(migrateDatabase(url)).rejects.toThrow(/checksum mismatch/);
    });

    it("applies each migration once when several machines start together", async () => {
      const url = await freshDatabase("race");
      const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(listMigrations(PG_MIGRATIONS_DIR));
      const n = await withPg(url, (c) => c.query(`SELECT COUNT(*)::int AS n FROM "_prisma_migrations"`));
      expect(n.rows[0].n).toBe(listMigrations(PG_MIGRATIONS_DIR).length);
    });

    it("honours ?schema= in DATABASE_URL for migrations, the ORM and raw SQL", async () => {
      const base = await freshDatabase("schema");
      await withPg(base, (c) => c.query(`CREATE SCHEMA loaxa`));
      const url = `${base}?schema=loaxa`;
      await migrateDatabase(url);
      const db = await createDb(url);
      try {
        await db.zone.create({ data: { code: "s", name: "Thôn S", outputKind: "file" } });
        expect(await db.$queryRaw<{ n: bigint }[]>`SELECT COUNT(*) AS n FROM "Zone"`).toEqual([{ n: 1n }]);
      } finally {
        await db.$disconnect();
      }
      const where = await withPg(base, (c) => c.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'Zone'`));
      expect(where.rows.map((r) => r.table_schema)).toEqual(["loaxa"]);
    });
  });

  describe("planner", () => {
    it("materialises the horizon on PostgreSQL, and re-planning changes nothing", async () => {
      const url = await freshDatabase("plan");
      const clock = new ManualClock("2026-11-30T00:00:00.000Z"); // Monday 07:00 in Hà Nội
      const env = await createTestEnv({ clock, env: { DATABASE_URL: url, PLAN_HORIZON_HOURS: "72" } });
      try {
        expect(dbProvider(env.db)).toBe("postgresql");
        const planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
        const op = await signedIn(env, "admin");
        const zoneA = (await env.db.zone.create({ data: { code: "a", name: "Thôn A", outputKind: "file" } })).id;
        const zoneB = (await env.db.zone.create({ data: { code: "b", name: "Thôn B", outputKind: "file" } })).id;
        const items: number[] = [];
        for (const [i, pr] of ["normal", "priority", "normal"].entries()) {
          items.push((await env.db.item.create({ data: { title: `Tin ${i}`, kind: "relay", relayUrl: "http://example.org/x", durationMs: 60_000 + i * 1000, status: "ready", priority: pr } })).id);
        }
        // The item search ignores case on PostgreSQL too (ILIKE), as SQLite's LIKE does.
        const found = await op.req("GET", "/api/items?q=tIN");
        expect(found.status).toBe(200);
        expect(found.json.items.map((i: { id: number }) => i.id).sort()).toEqual([...items].sort());
        const p1 = (await op.req("POST", "/api/programs", { name: "P1", itemIds: items, gapMs: 1000 })).json.program.id;
        const p2 = (await op.req("POST", "/api/programs", { name: "P2", itemIds: [items[0]], gapMs: 1000 })).json.program.id;
        expect((await op.req("POST", "/api/schedules", { name: "Sáng", programId: p1, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6], startTime: "05:30", maxDurationSec: 1800, zoneIds: [zoneA] })).status).toBe(201);
        expect((await op.req("POST", "/api/schedules", { name: "Chiều", programId: p2, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6, 7], startTime: "17:00", maxDurationSec: 1800, zoneIds: [zoneB] })).status).toBe(201);
        await planner.planHorizon();
        const airings = await env.db.airing.findMany({ orderBy: { scheduledStart: "asc" }, include: { lines: { orderBy: { position: "asc" } } } });
        expect(airings.map((a) => [a.zoneId, a.scheduledStart.toISOString(), a.localDate])).toEqual([
          [zoneB, "2026-11-30T10:00:00.000Z", "2026-11-30"],
          [zoneA, "2026-11-30T22:30:00.000Z", "2026-12-01"],
          [zoneB, "2026-12-01T10:00:00.000Z", "2026-12-01"],
          [zoneA, "2026-12-01T22:30:00.000Z", "2026-12-02"],
          [zoneB, "2026-12-02T10:00:00.000Z", "2026-12-02"],
          [zoneA, "2026-12-02T22:30:00.000Z", "2026-12-03"],
        ]);
        expect(airings[1]!.lines.map((l) => [l.itemId, l.reason])).toEqual([[items[1], "priority"], [items[0], "program"], [items[2], "program"]]);
        // The reason texts travel once per distinct text (server/plan-write-pg.ts): each line has its own.
        expect(airings[1]!.lines.map((l) => [l.reasonVi, l.reasonEn])).toEqual([
          ["Tin ưu tiên: phát đầu chương trình", "Priority bulletin: played first in the program"],
          ["Theo chương trình", "Program entry"],
          ["Theo chương trình", "Program entry"],
        ]);
        const again = await planner.planHorizon();
        expect([again.changed, again.cancelled]).toEqual([0, 0]);
        const after = await env.db.airing.findMany({ orderBy: { scheduledStart: "asc" } });
        expect(after.map((a) => [a.id, a.planHash, a.updatedAt.getTime()])).toEqual(airings.map((a) => [a.id, a.planHash, a.updatedAt.getTime()]));
      } finally {
        await env.cleanup();
      }
    });
  });

  describe("reports", () => {
    let pgF: Fixture;
    let sqliteF: Fixture;
    const october = () => resolvePeriod({ kind: "month", value: "2026-10" }, "Asia/Ho_Chi_Minh");
    const now = new Date("2026-11-01T00:00:00Z");

    beforeAll(async () => {
      pgF = await createFixture({ databaseUrl: await freshDatabase("report") });
      sqliteF = await createFixture();
    });
    afterAll(async () => {
      await pgF?.cleanup();
      await sqliteF?.cleanup();
    });

    it("computeReport counts the same on PostgreSQL as on SQLite", async () => {
      const rep = await computeReport(pgF.db, october(), { now });
      expect(rep.totals).toMatchObject({
        programs: 3, daysAired: 2, newsItems: 7, itemsDistinct: 3, emergencyBroadcasts: 1, emergencyItems: 1, plays: 11, makeGoodPlays: 1,
        zoneSessionsAired: 7, airtimeMinutes: 19.3, ownMinutes: 10.3, relayMinutes: 10,
        zoneSessions: { aired: 6, stopped: 0, preempted: 0, fault: 2, missed: 1, cancelled: 1 }, sessionsMissed: 1,
      });
      expect(rep.byCategory.map((c) => [c.nameVi, c.newsItems])).toEqual([
        ["Chính sách, pháp luật", 4], ["An ninh, trật tự", 2], ["Thiên tai, dịch bệnh", 1], ["Gương người tốt, việc tốt", 0], ["Chưa phân loại", 1],
      ]);
      // Every breakdown, not only the totals (the fixtures number their rows alike).
      expect(rep).toEqual(await computeReport(sqliteF.db, october(), { now }));
    });

    it("groups the log book by session as on SQLite", async () => {
      const collect = async (db: typeof pgF.db) => {
        const out = [];
        for await (const d of logbookDays(db, { from: "2026-10-01", to: "2026-10-31" })) if (d.sessions.length) out.push(d);
        return out;
      };
      const pg = await collect(pgF.db);
      expect(pg.map((d) => d.sessions.length)).toEqual([2, 2, 1]);
      expect(pg).toEqual(await collect(sqliteF.db));
    });

    it("generates the monthly report and records it once", async () => {
      const dataDir = path.join(pgF.dir, "data");
      const clock = new ManualClock("2026-10-31T18:00:00Z");
      const r = await generateMonthlyReport({ db: pgF.db, dataDir, clock });
      expect(r).toMatchObject({ kind: "monthly", periodKey: "2026-10", totals: { programs: 3, newsItems: 7, plays: 11, airtimeMinutes: 19.3 } });
      const again = await generateMonthlyReport({ db: pgF.db, dataDir, clock, month: "2026-10" });
      expect(again.reportId).toBe(r.reportId);
      expect(await pgF.db.report.count({ where: { kind: "monthly" } })).toBe(1);
    });
  });
});
