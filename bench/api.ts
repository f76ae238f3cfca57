// Benchmark: the HTTP API under 50 concurrent connections, against a real `--role api`
// process over a seeded installation (30 zones, 200 items, 30 days of as-run history:
// 2 sessions a day per zone, 8 items each, settled by the production settle step).
// The load generator is ours (node:http keep-alive, no dependency): C connections each
// send their next request as soon as the previous answer is read, for S seconds per
// endpoint, signed in as the admin. While the report endpoints run, a writer appends one
// as-run row a second to today (the playout's rate in a busy hour), so the report cache is
// invalidated as in production rather than measured only warm.
// Last line: {"connections":50,"endpoints":{name:{rps,p50_ms,p99_ms,max_ms,kb,errors}},"worst_p99_ms":…,"errors":…,"db":…}
// The API runs as deployed on a machine of this size: API_PROCESSES = the machine's cores
// (docs/deploy.md), sharing them with the load generator, which runs here too.
// Run: npm run bench:api [-- --db pg] [--seconds 10] [--connections 50] [--only a,b] [--keep]
//      [--reuse DIR]  (a DATA_DIR kept by --keep: skips seeding; SQLite only)
//      [--api-processes N]  (default: the number of cores)
import http from "node:http";
import os from "node:os";
import { createDb, type Db } from "../server/db/client.ts";
import { seedMonth } from "./seed-month.ts";
import { settlePlays } from "../server/settle-plays.ts";
import { localDateOf } from "../server/domain/time.ts";
import { prepareInstall, startMain, login, waitFor, type Install, type MainProcess } from "../test/supervise/processes.ts";
import { requirePgDatabase } from "../test/helpers/pg.ts";
import { loadConfig } from "../server/config.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const DB = opt("db", "sqlite") as "sqlite" | "pg";
const SECONDS = Number(opt("seconds", "10"));
const CONNECTIONS = Number(opt("connections", "50"));
const KEEP = args.includes("--keep");
const REUSE = opt("reuse", "");
const ONLY = opt("only", "").split(",").filter(Boolean);
const API_PROCESSES = Number(opt("api-processes", String(os.availableParallelism())));
const TZ = "Asia/Ho_Chi_Minh";

const log = (s: string) => process.stderr.write(`[bench:api] ${s}\n`);

interface Result {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  kb: number;
  errors: number;
}

/** C keep-alive connections hammer `path` for `seconds`; latency of every request. */
async function load(base: string, path: string, cookie: string, seconds: number, connections: number): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL(path, base);
  const lat: number[] = [];
  let errors = 0;
  let bytes = 0;
  const failures = new Map<string, number>();
  const fail = (why: string) => {
    errors++;
    failures.set(why, (failures.get(why) ?? 0) + 1);
  };
  let end = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      const req = http.get(url, { agent, headers: { cookie, accept: "application/json" } }, (res) => {
        let size = 0;
        res.on("data", (b: Buffer) => (size += b.length));
        res.on("end", () => {
          lat.push(performance.now() - t);
          bytes += size;
          if (res.statusCode !== 200) fail(`HTTP ${res.statusCode}`);
          resolve();
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
      req.on("error", (err) => {
        fail(err.message);
        lat.push(performance.now() - t);
        resolve();
      });
    });
  // Every connection is opened and answered once before the clock starts, as a dashboard's
  // browser keeps its connection: Node accepts a new connection only between turns of its
  // event loop, so one opened while the server is saturated waits seconds to be accepted,
  // and measuring that would measure connection setup, not the answers.
  await Promise.all(Array.from({ length: connections }, () => one()));
  lat.length = 0;
  errors = bytes = 0;
  failures.clear();
  end = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < end) await one();
  }));
  agent.destroy();
  if (failures.size) log(`${path}: ${JSON.stringify(Object.fromEntries(failures))}`);
  lat.sort((a, b) => a - b);
  const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0);
  return { rps: Math.round(lat.length / seconds), p50_ms: q(0.5), p99_ms: q(0.99), max_ms: Math.round(lat.at(-1) ?? 0), kb: Math.round(bytes / Math.max(1, lat.length) / 1024), errors };
}

/** One as-run row a second on today's first airing (what a playout writes), until stopped. */
function startWriter(db: Db, today: string): () => Promise<number> {
  let stop = false;
  let written = 0;
  const done = (async () => {
    const airing = await db.airing.findFirst({ where: { localDate: today }, orderBy: { id: "asc" } });
    while (!stop && airing) {
      const at = new Date();
      await db.asRun.create({ data: { airingId: airing.id, zoneId: airing.zoneId, localDate: today, scheduledStart: at, actualStart: at, actualEnd: new Date(at.getTime() + 1000), durationMs: 1000, plannedMs: 1000, status: "completed", source: "manual" } });
      written++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return async () => {
    stop = true;
    await done;
    return written;
  };
}

async function main() {
  const pgDb = DB === "pg" ? await requirePgDatabase("bench") : null;
  // info: the API processes say when they all listen (requests are logged at debug only).
  const env: Record<string, string> = { TZ, LOG_LEVEL: "info", ...(pgDb ? { DATABASE_URL: pgDb.url } : {}) };
  let install: Install | null = null;
  let api: MainProcess | null = null;
  try {
    install = REUSE
      ? { dataDir: REUSE, prefix: `bench-${process.pid}`, redisUrl: "redis://127.0.0.1:6379", env: { ...env, DATA_DIR: REUSE, QUEUE_PREFIX: `bench-${process.pid}`, DEMO: "0", HOST: "127.0.0.1", REDIS_AUTOSTART: "0" }, cleanup: async () => {} }
      : await prepareInstall({ env });
    const db = await createDb(loadConfig(install.env).databaseUrl);
    const today = localDateOf(new Date(), TZ);
    if (!REUSE) {
      await seedMonth(db, today, log);
      const t1 = Date.now();
      const settled = await settlePlays(db);
      log(`settled ${settled.rows} rows and ${settled.airings} airings in ${Date.now() - t1} ms`);
      // A month of history in a running PostgreSQL has statistics (autovacuum analyses it);
      // freshly bulk-loaded tables have none until autovacuum comes by mid-run.
      if (DB === "pg") await db.$executeRawUnsafe("ANALYZE");
    }
    api = await startMain(install, ["--role", "api"], { API_PROCESSES: String(API_PROCESSES) });
    // The port answers once the first process listens; the others start after it.
    if (API_PROCESSES > 1) await waitFor("every API process listening", () => api!.log().includes(`${API_PROCESSES} API processes are listening`), 120_000);
    const { cookie } = await login(api.url);
    const get = async (p: string) => {
      const r = await fetch(api!.url + p, { headers: { cookie } });
      if (r.status !== 200) throw new Error(`${p}: ${r.status} ${await r.text()}`);
      return r.json() as Promise<any>;
    };
    // A deep as-run page: the cursor after 5,000 rows (keyset, so it costs what page 1 costs).
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) cursor = (await get(`/api/asrun?limit=1000${cursor ? `&cursor=${cursor}` : ""}`)).nextCursor;
    const month = today.slice(0, 7);
    const t = Date.now();
    await get(`/api/reports?period=month&value=${month}`);
    const reportColdMs = Date.now() - t;
    const endpoints: Record<string, string> = {
      status: "/api/status",
      status_counts: "/api/status/counts",
      items: "/api/items",
      airings_today: `/api/airings?from=${today}&to=${today}`,
      asrun: "/api/asrun",
      asrun_deep_page: `/api/asrun?cursor=${cursor}`,
      asrun_zone_month: `/api/asrun?zoneId=1&from=${month}-01&to=${today}`,
      audit: "/api/audit",
      report_month: `/api/reports?period=month&value=${month}`,
    };
    const results: Record<string, Result> = {};
    for (const [name, p] of Object.entries(endpoints).filter(([n]) => !ONLY.length || ONLY.includes(n))) {
      const writes = name.startsWith("report") || name === "status_counts" ? startWriter(db, today) : null;
      results[name] = await load(api.url, p, cookie, SECONDS, CONNECTIONS);
      const written = writes ? await writes() : 0;
      log(`${name}: ${JSON.stringify(results[name])}${written ? ` (${written} as-run rows written meanwhile)` : ""}`);
    }
    await db.$disconnect();
    const lists = Object.entries(results).filter(([n]) => n !== "report_month");
    const month_p99 = results.report_month?.p99_ms ?? 0;
    const worst = Math.max(...Object.values(results).map((r) => r.p99_ms));
    const errors = Object.values(results).reduce((s, r) => s + r.errors, 0);
    const targetsMet = lists.every(([, r]) => r.p99_ms <= 250) && month_p99 <= 500 && errors === 0;
    console.log(JSON.stringify({ connections: CONNECTIONS, endpoints: results, worst_p99_ms: worst, errors, db: DB, api_processes: API_PROCESSES, seconds: SECONDS, report_cold_ms: reportColdMs, targets_met: targetsMet }));
  } finally {
    // A request answered with an error says why here, not only as a count.
    if (api) {
      const lines = api.log().split("\n");
      lines.forEach((l, i) => /ERROR/.test(l) && log(`api: ${lines.slice(i, i + 6).join(" | ").slice(0, 1200)}`));
    }
    await api?.stop();
    if (KEEP && install) log(`kept ${install.dataDir}`);
    else await install?.cleanup();
    if (!KEEP) await pgDb?.drop();
  }
}

await main();
