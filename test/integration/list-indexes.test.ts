// The paged lists and the report watermark read through indexes, checked with EXPLAIN on
// SQLite and on PostgreSQL: every statement below is the shape a list page sends (the
// services' plain SQL, server/db/fast-read.ts: keyset condition, ORDER BY sort key + id,
// LIMIT page + 1; the joined names are primary-key lookups per row). A full scan of a growing table
// (AsRun, Airing, AuditLog, Item) fails the test. PostgreSQL plans are taken with seqscan
// disabled: on tiny test tables it would rightly prefer a scan; what is checked is that a
// usable index exists. The printed plans are the record of the check.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../server/generated/prisma/client.ts";
import { createDb, type Db } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { watermarkSql } from "../../server/reports/cache.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";
import { createPgDatabase, pgTestUrl, type PgDatabase } from "../helpers/pg.ts";

const T = "2026-11-12T00:00:00.000Z";
/** [name, SQL, tables that must not be scanned whole]. Positional parameters are inlined literals. */
const LISTS: [string, string, string[]][] = [
  ["as-run, first page", `SELECT * FROM "AsRun" ORDER BY "actualStart" DESC, "id" DESC LIMIT 101`, ["AsRun"]],
  ["as-run, next page", `SELECT * FROM "AsRun" WHERE "actualStart" <= '${T}' AND ("actualStart" < '${T}' OR ("actualStart" = '${T}' AND "id" < 500)) ORDER BY "actualStart" DESC, "id" DESC LIMIT 101`, ["AsRun"]],
  // A date filter also bounds actualStart (the dates ± 14 h, server/http/asrun.ts), so the
  // page walks the actualStart index in order and stops after 101 rows, sorting nothing.
  ["as-run, a month", `SELECT * FROM "AsRun" WHERE "localDate" >= '2026-11-01' AND "localDate" <= '2026-11-30' AND "actualStart" >= '2026-10-31T10:00:00.000Z' AND "actualStart" < '2026-12-01T14:00:00.000Z' ORDER BY "actualStart" DESC, "id" DESC LIMIT 101`, ["AsRun"]],
  ["as-run, a zone's month", `SELECT * FROM "AsRun" WHERE "zoneId" = 3 AND "localDate" >= '2026-11-01' AND "localDate" <= '2026-11-30' AND "actualStart" >= '2026-10-31T10:00:00.000Z' AND "actualStart" < '2026-12-01T14:00:00.000Z' ORDER BY "actualStart" DESC, "id" DESC LIMIT 101`, ["AsRun"]],
  ["airings, a day", `SELECT * FROM "Airing" WHERE "localDate" >= '2026-11-30' AND "localDate" <= '2026-11-30' ORDER BY "scheduledStart" ASC, "id" ASC LIMIT 201`, ["Airing"]],
  ["airings, a zone", `SELECT * FROM "Airing" WHERE "zoneId" = 3 ORDER BY "scheduledStart" ASC, "id" ASC LIMIT 201`, ["Airing"]],
  ["items, next page", `SELECT * FROM "Item" WHERE "archived" = false AND "id" < 500 ORDER BY "id" DESC LIMIT 101`, ["Item"]],
  ["audit, next page", `SELECT * FROM "AuditLog" WHERE "id" < 500 ORDER BY "id" DESC LIMIT 101`, ["AuditLog"]],
];

/** The plan as text lines; `fullScans` are the tables read without an index. */
async function explain(db: Db, sql: string, pg: boolean): Promise<{ plan: string[]; fullScans: string[] }> {
  if (pg) {
    const rows = await db.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`);
    const plan = rows.map((r) => r["QUERY PLAN"]);
    return { plan, fullScans: plan.flatMap((l) => /Seq Scan on "?(\w+)"?/.exec(l)?.[1] ?? []) };
  }
  const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`);
  const plan = rows.map((r) => r.detail);
  // "SCAN AsRun" alone is a full scan; "SCAN AsRun USING INDEX …" walks an index in order.
  return { plan, fullScans: plan.flatMap((l) => (/^SCAN (\w+)$/.exec(l.trim())?.[1] ?? [])) };
}

async function checkAll(db: Db, pg: boolean, label: string) {
  if (pg) await db.$executeRawUnsafe(`SET enable_seqscan = off`);
  const watermark = watermarkSql({ from: "2026-11-01", to: "2026-11-30" });
  const statements: [string, string, string[]][] = [...LISTS, ["report watermark", Prisma.sql`${watermark}`.sql.replace(/\$\d+|\?/g, (_m) => "'2026-11-15'"), ["AsRun", "Airing"]]];
  for (const [name, sql, tables] of statements) {
    const { plan, fullScans } = await explain(db, sql, pg);
    console.log(`[explain ${label}] ${name}:\n  ${plan.join("\n  ")}`);
    expect(fullScans.filter((t) => tables.includes(t)), `${label} ${name}: ${plan.join(" | ")}`).toEqual([]);
  }
}

describe("list indexes (EXPLAIN)", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ withRoutes: false });
  });
  afterAll(async () => env?.cleanup());

  it("SQLite: every list page and the report watermark read through an index", async () => {
    await checkAll(env.db, false, "sqlite");
  });

  describe("PostgreSQL", async () => {
    const admin = await pgTestUrl();
    let pg: PgDatabase;
    let db: Db;
    beforeAll(async () => {
      if (!admin) return;
      pg = await createPgDatabase(admin, "explain");
      await migrateDatabase(pg.url);
      db = await createDb(pg.url);
    });
    afterAll(async () => {
      await db?.$disconnect();
      await pg?.drop();
    });
    it.skipIf(!admin)("every list page and the report watermark read through an index", async () => {
      await checkAll(db, true, "pg");
    });
  });
});
