// Benchmark: the monthly report over 1,000,000 as-run rows.
// Seeds a temp SQLite database (3 months, 50 zones, 300 items, 10 topics, 10 campaigns)
// with INSERT…SELECT over recursive CTEs, then times, warm, in one run:
// - report_ms: computeReport() for October (Prisma + folding + name lookups);
// - raw_sql_ms: the same GROUP BY statements run directly through better-sqlite3;
// - naive_sql_ms: an independent baseline written for this benchmark, not the production
//   SQL: the plain GROUP BYs a developer would write for the report's tables (plays per
//   item, zone, topic and day, zone sessions aired), whose answers must equal the report's.
// Both are measured with the schema's own indexes and again with the covering indexes
// the report statements are written for (REPORT_INDEXES) if the schema lacks them.
// Last line: {"rows":…, "report_ms":…, "raw_sql_ms":…, "naive_sql_ms":…, "ratio":…, "vs_naive":…}
// Run: npx tsx bench/report.ts [rows] [--keep]   (--keep leaves the database for inspection;
//      npm run bench:report -- 5000000 for five million rows)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { applyMigrations } from "../server/db/migrate.ts";
import { createDb, type Db } from "../server/db/client.ts";
import { computeReport } from "../server/reports/compute.ts";
import { resolvePeriod } from "../server/reports/period.ts";
import { createIndexSql, REPORT_INDEXES, reportStatements } from "../server/reports/queries.ts";

const args = process.argv.slice(2);
const KEEP = args.includes("--keep");
const ROWS = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const ZONES = 50, ITEMS = 300, CATS = 10, CAMPAIGNS = 10, SESSIONS = 6;
const START = "2026-08-01"; // 92 days to 31 Oct: ~10,900 rows a day for a million
const PER_AIRING = Math.max(1, Math.round(ROWS / (92 * ZONES * SESSIONS))); // items per session, so any row count spans the 3 months
const RUNS = 7;

const ISO = (e: string) => `strftime('%Y-%m-%dT%H:%M:%S.000+00:00', ${e})`; // Prisma's DateTime text format
const TS = "'2026-01-01T00:00:00.000+00:00'";

function seed(db: Database.Database, rows: number): void {
  const airings = Math.ceil(rows / PER_AIRING);
  const perDay = ZONES * SESSIONS;
  // Airing a: day a / perDay, session (a / ZONES) % SESSIONS, zone a % ZONES + 1; sessions from 05:00 every 2.5 h, local UTC+7.
  const sessionStart = (a: string) => `julianday('${START}') + (${a}) / ${perDay} - 7.0 / 24 + (5 + ((${a}) / ${ZONES}) % ${SESSIONS} * 2.5) / 24`;
  const kind = (i: string) => `CASE WHEN ${i} % 10 = 0 THEN 'relay' WHEN ${i} % 3 = 0 THEN 'tts' ELSE 'audio' END`;
  const prio = (i: string) => `CASE WHEN ${i} % 50 = 0 THEN 'emergency' WHEN ${i} % 7 = 0 THEN 'priority' ELSE 'normal' END`;
  const seq = (n: number, from = 1) => `WITH RECURSIVE s(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM s WHERE n < ${n})`;
  db.transaction(() => {
    db.exec(`INSERT INTO "Commune"(id, name, unitName, place, timeZone, updatedAt) VALUES (1, 'Kiến Minh', 'Trung tâm Dịch vụ Sự nghiệp công', 'Kiến Minh', 'Asia/Ho_Chi_Minh', ${TS})`);
    db.exec(`${seq(CATS)} INSERT INTO "Category"(id, code, nameVi, nameEn, sortOrder) SELECT n, 'c' || n, 'Chủ đề ' || n, 'Topic ' || n, n FROM s`);
    db.exec(`${seq(ZONES)} INSERT INTO "Zone"(id, code, name, outputKind, updatedAt) SELECT n, printf('Z%02d', n), 'Cụm loa ' || n, 'file', ${TS} FROM s`);
    db.exec(`${seq(ITEMS)} INSERT INTO "Item"(id, title, kind, priority, categoryId, status, updatedAt)
      SELECT n, 'Tin bài số ' || n, ${kind("n")}, ${prio("n")}, n % ${CATS} + 1, 'ready', ${TS} FROM s`);
    db.exec(`INSERT INTO "Program"(id, name, updatedAt) VALUES (1, 'Chương trình sáng', ${TS}), (2, 'Chương trình chiều', ${TS})`);
    db.exec(`INSERT INTO "Emergency"(id, itemId, zoneIds, status) VALUES (1, 50, '[]', 'ended')`);
    db.exec(`${seq(CAMPAIGNS)} INSERT INTO "Campaign"(id, name, startDate, endDate, perDay, perWeek, allZones, updatedAt)
      SELECT n, 'Chiến dịch ' || n, date('${START}', '+' || (n * 5) || ' days'), date('${START}', '+' || (40 + n * 5) || ' days'),
             CASE WHEN n % 2 = 0 THEN 2 END, CASE WHEN n % 2 = 1 THEN 5 END, n % 3 = 0, ${TS} FROM s`);
    db.exec(`${seq(CAMPAIGNS)} INSERT INTO "CampaignZone"(campaignId, zoneId) SELECT c.n, z.id FROM s c JOIN "Zone" z ON z.id % 3 = c.n % 3 WHERE c.n % 3 <> 0`);
    // Settled facts as server/settle-plays.ts would store them (the report reads only those).
    db.exec(`${seq(airings - 1, 0)} INSERT INTO "Airing"(id, zoneId, programId, emergencyId, source, localDate, scheduledStart, maxDurationMs, status, updatedAt,
        sessionKey, audioMs, outcome, settled)
      SELECT n + 1, n % ${ZONES} + 1, CASE WHEN emergency THEN NULL ELSE (n / ${ZONES}) % 2 + 1 END, CASE WHEN emergency THEN 1 END,
             CASE WHEN emergency THEN 'emergency' ELSE 'schedule' END, date('${START}', '+' || (n / ${perDay}) || ' days'),
             ${ISO(sessionStart("n"))}, 3600000, st, ${TS},
             CASE WHEN emergency THEN 'e1@' ELSE 'p' || ((n / ${ZONES}) % 2 + 1) || '@' END || (n / ${ZONES}),
             CASE WHEN st IN ('aired', 'interrupted') THEN 600000 ELSE 0 END,
             CASE WHEN st = 'aired' THEN 'aired' WHEN st = 'missed' THEN 'missed' ELSE 'fault' END, 1
      FROM (SELECT n, (n / ${ZONES}) % ${SESSIONS} = 5 AND (n / ${perDay}) % 9 = 0 AS emergency,
                   CASE WHEN n % 97 = 0 THEN 'failed' WHEN n % 89 = 0 THEN 'missed' WHEN n % 83 = 0 THEN 'interrupted' ELSE 'aired' END AS st FROM s)`);
    db.exec(`${seq(rows - 1, 0)} INSERT INTO "AsRun"(id, airingId, zoneId, itemId, categoryId, priority, itemKind, campaignId, localDate,
        scheduledStart, actualStart, actualEnd, durationMs, status, source, role, counted, unitKey, unit, settled)
      SELECT n + 1, a + 1, a % ${ZONES} + 1, it, it % ${CATS} + 1, ${prio("it")}, ${kind("it")},
             CASE WHEN h % 20 = 0 THEN (h / 20) % ${CAMPAIGNS} + 1 END, date('${START}', '+' || (a / ${perDay}) || ' days'),
             ${ISO("st")}, ${ISO("st")}, ${ISO(`st + (60000 + h % 240000) / 86400000.0`)}, 60000 + h % 240000,
             CASE WHEN h % 100 < 95 THEN 'completed' WHEN h % 100 < 97 THEN 'interrupted' WHEN h % 100 < 99 THEN 'failed' ELSE 'skipped' END,
             CASE WHEN it % 50 = 0 THEN 'emergency' WHEN h % 33 = 0 THEN 'make_good' ELSE 'schedule' END,
             CASE WHEN n % ${PER_AIRING} = 0 THEN 'jingle' ELSE 'news' END, h % 100 < 95,
             CASE WHEN h % 100 < 95 AND a % ${ZONES} = 0 AND n % ${PER_AIRING} <> 0 THEN 'p' || n END,
             CASE WHEN h % 100 < 95 AND a % ${ZONES} = 0 AND n % ${PER_AIRING} <> 0 THEN 1 ELSE 0 END, 1
      FROM (SELECT n, a, it, h, ${sessionStart("a")} + (n % ${PER_AIRING}) * 3.0 / 1440 AS st
            FROM (SELECT n, n / ${PER_AIRING} AS a, (n * 7919 + n / ${PER_AIRING} * 104729) % ${ITEMS} + 1 AS it, (n * 2654435761) % 1000003 AS h FROM s))`);
    db.exec(`INSERT INTO "Shortfall"(campaignId, zoneId, periodKind, periodStart, target, aired, reasonVi, reasonEn)
      SELECT c.id, z.id, 'day', date('2026-10-01', '+' || (z.id % 31) || ' days'), 2, 1, 'Thiếu buổi phát', 'Not enough sessions'
      FROM "Campaign" c JOIN "Zone" z ON z.id % 5 = c.id % 5`);
  })();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The independent baseline: plain aggregates over the settled as-run log, as one would
 * write them without the production statements (server/reports/queries.ts). A play is a
 * counted news row, as "How plays are counted" in the README defines it.
 */
const NAIVE = {
  byItem: `SELECT "itemId" AS k, COUNT(*) AS n FROM "AsRun" WHERE "localDate" BETWEEN ? AND ? AND "counted" = 1 AND "role" = 'news' GROUP BY "itemId"`,
  byZone: `SELECT "zoneId" AS k, COUNT(*) AS n FROM "AsRun" WHERE "localDate" BETWEEN ? AND ? AND "counted" = 1 AND "role" = 'news' GROUP BY "zoneId"`,
  byCategory: `SELECT "categoryId" AS k, COUNT(*) AS n FROM "AsRun" WHERE "localDate" BETWEEN ? AND ? AND "counted" = 1 AND "role" = 'news' GROUP BY "categoryId"`,
  byDay: `SELECT "localDate" AS k, COUNT(*) AS n FROM "AsRun" WHERE "localDate" BETWEEN ? AND ? AND "counted" = 1 AND "role" = 'news' GROUP BY "localDate"`,
  zoneSessions: `SELECT "zoneId" AS k, COUNT(*) AS n FROM "Airing" WHERE "localDate" BETWEEN ? AND ? AND "audioMs" > 0 GROUP BY "zoneId"`,
};
type Naive = Record<keyof typeof NAIVE, Map<string, number>>;

function naiveReport(raw: Database.Database, from: string, to: string): Naive {
  const out = {} as Naive;
  for (const [name, sql] of Object.entries(NAIVE) as [keyof typeof NAIVE, string][]) {
    out[name] = new Map((raw.prepare(sql).all(from, to) as { k: string | number | null; n: number }[]).map((r) => [String(r.k), r.n]));
  }
  return out;
}

/** Wall-clock medians (the figures of record) plus CPU-time medians, which shared machines disturb less. */
async function measure(db: Db, raw: Database.Database, period: ReturnType<typeof resolvePeriod>): Promise<{ report_ms: number; raw_sql_ms: number; naive_sql_ms: number; report_cpu_ms: number; raw_sql_cpu_ms: number }> {
  const stmts = reportStatements(period).map((s) => ({ st: raw.prepare(s.sql), values: s.values as unknown[] }));
  const runRaw = () => { for (const s of stmts) s.st.all(...s.values); };
  runRaw();
  naiveReport(raw, period.from, period.to);
  await computeReport(db, period); // warm: statement caches, pages in the OS cache
  const report: number[] = [], rawMs: number[] = [], reportCpu: number[] = [], rawCpu: number[] = [], naiveMs: number[] = [];
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    naiveReport(raw, period.from, period.to);
    naiveMs.push(performance.now() - t);
    t = performance.now();
    let c = process.cpuUsage();
    runRaw();
    rawMs.push(performance.now() - t);
    rawCpu.push(cpuMs(process.cpuUsage(c)));
    t = performance.now();
    c = process.cpuUsage();
    await computeReport(db, period);
    report.push(performance.now() - t);
    reportCpu.push(cpuMs(process.cpuUsage(c)));
  }
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return { report_ms: r1(median(report)), raw_sql_ms: r1(median(rawMs)), naive_sql_ms: r1(median(naiveMs)), report_cpu_ms: r1(median(reportCpu)), raw_sql_cpu_ms: r1(median(rawCpu)) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-bench-report-"));
  const file = path.join(dir, "bench.db");
  try {
    applyMigrations(file);
    const raw = new Database(file);
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = OFF");
    // Load without the AsRun indexes, then build them once: far faster than a million index updates.
    const asRunIndexes = raw.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'AsRun' AND sql IS NOT NULL`).all() as { name: string; sql: string }[];
    for (const i of asRunIndexes) raw.exec(`DROP INDEX "${i.name}"`);
    let t = performance.now();
    seed(raw, ROWS);
    const seedMs = performance.now() - t;
    t = performance.now();
    for (const i of asRunIndexes) raw.exec(i.sql);
    const count = (raw.prepare(`SELECT COUNT(*) AS n FROM "AsRun"`).get() as { n: number }).n;
    console.log(JSON.stringify({ seeded: count, seed_ms: Math.round(seedMs), index_ms: Math.round(performance.now() - t), airings: (raw.prepare(`SELECT COUNT(*) AS n FROM "Airing"`).get() as { n: number }).n }));

    const period = resolvePeriod({ kind: "month", value: "2026-10" }, "Asia/Ho_Chi_Minh");
    const monthRows = (raw.prepare(`SELECT COUNT(*) AS n FROM "AsRun" WHERE "localDate" BETWEEN ? AND ?`).get(period.from, period.to) as { n: number }).n;
    const db = await createDb(`file:${file}`);
    try {
      // Match by column list, whatever the schema names them.
      const existing = new Set((raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'AsRun'`).all() as { name: string }[])
        .map((r) => (raw.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(r.name) as { name: string }[]).map((c) => c.name).join(",")));
      const missing = REPORT_INDEXES.filter((ix) => !existing.has(ix.columns.join(",")));
      if (missing.length) {
        const before = await measure(db, raw, period);
        console.log(JSON.stringify({ phase: "schema indexes only", month_rows: monthRows, ...before }));
        t = performance.now();
        for (const ix of missing) raw.exec(createIndexSql(ix));
        console.log(JSON.stringify({ phase: "adding recommended indexes", indexes: missing.map((ix) => `${ix.name}(${ix.columns.join(", ")})`), build_ms: Math.round(performance.now() - t) }));
      }
      const after = await measure(db, raw, period);
      console.log(JSON.stringify({ phase: missing.length ? "with recommended indexes" : "schema has the recommended indexes", month_rows: monthRows, ...after }));
      // A fast report must also be right: cross-check totals against plain COUNTs.
      const report = await computeReport(db, period);
      const one = (sql: string) => (raw.prepare(sql).get(period.from, period.to) as { n: number }).n;
      const expected = {
        plays: one(`SELECT COUNT(*) AS n FROM "AsRun" WHERE "localDate" BETWEEN ? AND ? AND "counted" AND "role" = 'news'`),
        newsItems: one(`SELECT COUNT(*) AS n FROM "AsRun" WHERE "localDate" BETWEEN ? AND ? AND "unitKey" LIKE 'p%'`),
        zoneSessionsAired: one(`SELECT COUNT(*) AS n FROM "Airing" WHERE "localDate" BETWEEN ? AND ? AND "audioMs" > 0`),
      };
      const got = { plays: report.totals.plays, newsItems: report.totals.newsItems, zoneSessionsAired: report.totals.zoneSessionsAired };
      console.log(JSON.stringify({ check: got, items: report.byItem.length, zones: report.byZone.length, campaigns: report.campaigns.length }));
      if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`report totals ${JSON.stringify(got)} differ from plain counts ${JSON.stringify(expected)}`);
      // Row by row, the report's tables equal the independent baseline's.
      const naive = naiveReport(raw, period.from, period.to);
      const disagree: string[] = [];
      const same = (what: string, mine: [string, number][], theirs: Map<string, number>) => {
        const m = new Map(mine.filter(([, n]) => n > 0));
        if (m.size !== theirs.size || [...theirs].some(([k, n]) => m.get(k) !== n)) disagree.push(what);
      };
      same("byItem", report.byItem.map((r) => [String(r.itemId), r.plays]), naive.byItem);
      same("byZone", report.byZone.map((r) => [String(r.zoneId), r.plays]), naive.byZone);
      same("byCategory", report.byCategory.map((r) => [String(r.categoryId), r.plays]), naive.byCategory);
      same("byDay", report.byDay.map((r) => [r.date, r.plays]), naive.byDay);
      same("zoneSessions", report.byZone.map((r) => [String(r.zoneId), r.sessionsAired]), naive.zoneSessions);
      if (disagree.length) throw new Error(`the report disagrees with the independent baseline on ${disagree.join(", ")}`);
      const r2 = (x: number) => Math.round(x * 100) / 100;
      console.log(JSON.stringify({ rows: count, report_ms: after.report_ms, raw_sql_ms: after.raw_sql_ms, naive_sql_ms: after.naive_sql_ms, ratio: r2(after.report_ms / after.raw_sql_ms), vs_naive: r2(after.report_ms / after.naive_sql_ms), agrees_with_naive: true }));
    } finally {
      await db.$disconnect();
      raw.close();
    }
  } finally {
    if (KEEP) console.error(`kept ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
