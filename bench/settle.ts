// Benchmark: settling a month of as-run history (server/settle-plays.ts, the step every
// count reads through), on a migrated installation database: 14,400 as-run rows and 1,860
// closed airings of 30 zones, unsettled, as after an import or a restore. Then a second
// pass (nothing to do) and one new row (the steady state: a row a minute while airing).
// Last line: {"rows":…,"airings":…,"settle_ms":…,"rows_per_s":…,"idle_ms":…,"one_row_ms":…,"db":…}
// Run: npm run bench:settle [-- --db pg]
import { createDb } from "../server/db/client.ts";
import { loadConfig } from "../server/config.ts";
import { localDateOf } from "../server/domain/time.ts";
import { settlePlays } from "../server/settle-plays.ts";
import { prepareInstall } from "../test/supervise/processes.ts";
import { requirePgDatabase } from "../test/helpers/pg.ts";
import { seedMonth } from "./seed-month.ts";

const DB = process.argv.includes("--db") && process.argv[process.argv.indexOf("--db") + 1] === "pg" ? "pg" : "sqlite";
const TZ = "Asia/Ho_Chi_Minh";
const log = (s: string) => process.stderr.write(`[bench:settle] ${s}\n`);

const pgDb = DB === "pg" ? await requirePgDatabase("bench") : null;
const env: Record<string, string> = { TZ, LOG_LEVEL: "warn", ...(pgDb ? { DATABASE_URL: pgDb.url } : {}) };
const install = await prepareInstall({ env });
const db = await createDb(loadConfig(install.env).databaseUrl);
try {
  const today = localDateOf(new Date(), TZ);
  await seedMonth(db, today, log);
  let t = performance.now();
  const s = await settlePlays(db);
  const settleMs = performance.now() - t;
  log(`settled ${s.rows} rows and ${s.airings} airings in ${Math.round(settleMs)} ms`);
  t = performance.now();
  await settlePlays(db);
  const idleMs = performance.now() - t;
  const last = await db.asRun.findFirstOrThrow({ where: { airingId: { not: null } }, orderBy: { id: "desc" } });
  const { id: _id, settled: _s, counted: _c, unitKey: _u, unit: _n, ...copy } = last;
  await db.asRun.create({ data: { ...copy, role: "", settled: false, actualStart: new Date(last.actualStart!.getTime() + 1000) } });
  t = performance.now();
  const one = await settlePlays(db);
  const oneMs = performance.now() - t;
  if (one.rows !== 1) throw new Error(`one new row: settled ${one.rows}`);
  const r = (x: number) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({ rows: s.rows, airings: s.airings, settle_ms: Math.round(settleMs), rows_per_s: Math.round((s.rows / settleMs) * 1000), idle_ms: r(idleMs), one_row_ms: r(oneMs), db: DB }));
} finally {
  await db.$disconnect();
  await install.cleanup();
  await pgDb?.drop();
}
