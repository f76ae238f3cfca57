// Issue 13 (acceptance): several machines behave as one installation. Five real processes
// on one PostgreSQL database, one Redis and one shared DATA_DIR: two API instances, one
// scheduler and two workers. A one-off session scheduled through API #1 on 10 zones airs
// exactly once per zone (one airing each, every item once in the as-run log), and a
// dashboard following the live stream of API #2 sees the airing status changes that the
// workers caused (events travel over Redis pub/sub, server/events.ts).
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { ensureBaseData } from "../../server/bootstrap.ts";
import { clipProgram, REDIS_URL, sharedDir } from "../helpers/shared-install.ts";
import { createUser } from "../helpers/env.ts";
import { createPgDatabase, pgTestUrl } from "../helpers/pg.ts";
import { followLiveEvents, freePort, signIn, startServerProcess, type ServerProcess } from "../helpers/processes.ts";
import { waitFor } from "../helpers/system.ts";
import { nextMinute } from "../faults/harness.ts";

const TZ = "Asia/Ho_Chi_Minh";
const ZONES = 10;
const adminUrl = await pgTestUrl();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch((e) => console.warn(`cleanup: ${(e as Error).message}`));
});

describe.skipIf(!adminUrl)("scale-out on PostgreSQL: 2 API instances, 1 scheduler, 2 workers", () => {
  it("10 zones air a scheduled session exactly once; API #2's live stream shows what the workers did", async () => {
    const pg = await createPgDatabase(adminUrl!, "scale");
    cleanups.push(() => pg.drop());
    const { dir, prefix } = sharedDir("scale", cleanups);
    await migrateDatabase(pg.url);
    const db: Db = await createDb(pg.url);
    cleanups.push(() => db.$disconnect());
    await ensureBaseData(db, { timeZone: TZ });
    await createUser(db, "op", "admin");

    // Three short tones in the shared DATA_DIR, a program of them, 10 file zones.
    const { itemIds, programId } = await clipProgram(db, dir, [2, 1, 1], cleanups);
    const zoneIds: number[] = [];
    for (let i = 1; i <= ZONES; i++) zoneIds.push((await db.zone.create({ data: { code: `z${i}`, name: `Cụm loa ${i}`, outputKind: "file", outputConfig: JSON.stringify({ dir: `z${i}` }) } })).id);

    const common = { DATA_DIR: dir, DATABASE_URL: pg.url, QUEUE_PREFIX: prefix, REDIS_URL, REDIS_AUTOSTART: "0", DEMO: "0", TZ, FILE_SINK_SPEED: "20", PLAYOUT_PREROLL_SECONDS: "5", HOST: "127.0.0.1", DATABASE_POOL_SIZE: "4" };
    const procs: ServerProcess[] = [];
    cleanups.push(async () => void (await Promise.all(procs.map((p) => p.stop()))));
    const ports = [await freePort(), await freePort()];
    const start = async (name: string, role: string, port?: number) => {
      const p = startServerProcess(name, { ...common, PORT: String(port ?? (await freePort())) }, ["--role", role]);
      procs.push(p);
      return p;
    };
    const api1 = await start("api-1", "api", ports[0]);
    const api2 = await start("api-2", "api", ports[1]);
    await start("scheduler", "scheduler");
    const w1 = await start("worker-1", "worker");
    const w2 = await start("worker-2", "worker");
    await Promise.all([api1.waitFor(/is listening on/, 180_000), api2.waitFor(/is listening on/, 180_000)]);
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => void redis.disconnect());
    // Every process beats (server/liveness.ts): the scheduler and both workers are up.
    await waitFor(async () => (await redis.keys(`${prefix}:hb:*`)).length >= 5, 180_000, 500);

    const [base1, base2] = ports.map((p) => `http://127.0.0.1:${p}`) as [string, string];
    const call1 = await signIn(base1, "op");
    // The session (cookie) made on API #1 is valid on API #2: sessions live in the database.
    const live = await followLiveEvents(base2, call1.cookie);
    cleanups.push(() => live.close());

    const at = nextMinute(45_000);
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
    const created = await call1("POST", "/api/schedules", { name: "Phiên thử", programId, kind: "once", date: `${parts.year}-${parts.month}-${parts.day}`, startTime: `${parts.hour}:${parts.minute}`, maxDurationSec: 600, zoneIds });
    expect(created.status, JSON.stringify(created.json)).toBe(201);

    const CLOSED = ["aired", "interrupted", "failed", "missed", "cancelled"];
    const sessionAirings = () => db.airing.findMany({ where: { scheduledStart: new Date(at), status: { not: "superseded" } }, include: { asRuns: true }, orderBy: { zoneId: "asc" } });
    const airings = await waitFor(async () => {
      const rows = await sessionAirings();
      return rows.length >= ZONES && rows.every((a) => CLOSED.includes(a.status)) ? rows : null;
    }, 240_000, 500).catch(async (err: Error) => {
      // What was there instead, and what each process said.
      const rows = await sessionAirings();
      console.log(`[scale-out] airings at ${new Date(at).toISOString()}: ${JSON.stringify(rows.map((a) => ({ zone: a.zoneId, status: a.status, reason: a.statusReason, asRuns: a.asRuns.length })))}`);
      for (const p of procs) console.log(`[scale-out] --- ${p.name}:\n${p.output().split("\n").slice(-25).join("\n")}`);
      throw err;
    });

    const workers = new Map([[w1.child.pid!, "worker-1"], [w2.child.pid!, "worker-2"]]);
    const workerOf = (id: string | null) => workers.get(Number(/-(\d+)$/.exec(id ?? "")?.[1])) ?? `? ${id}`;
    const summary = airings.map((a) => ({ zone: a.zoneId, airing: a.id, status: a.status, worker: workerOf(a.workerId), items: a.asRuns.map((r) => `${r.itemId}:${r.status}`) }));
    console.log(`[scale-out] ${JSON.stringify(summary)}`);
    // Exactly once: one airing per zone at that minute, aired, each item once in the as-run log.
    expect(airings.map((a) => a.zoneId)).toEqual(zoneIds);
    for (const a of airings) {
      expect(a.status, JSON.stringify(a)).toBe("aired");
      expect(a.asRuns.map((r) => r.itemId).sort()).toEqual([...itemIds].sort());
      expect(a.asRuns.every((r) => r.status === "completed")).toBe(true);
    }
    expect(await db.asRun.count({ where: { airingId: { in: airings.map((a) => a.id) } } })).toBe(ZONES * itemIds.length);

    // The dashboard on API #2 saw each airing go on air and come off it, from the workers.
    const ids = new Set(airings.map((a) => a.id));
    const seen = (status: string) => new Set(live.events.filter((e) => e.event === "airing.status" && ids.has(Number(e.data.airingId)) && e.data.status === status).map((e) => Number(e.data.airingId)));
    await waitFor(async () => seen("aired").size === ZONES || null, 30_000, 200);
    console.log(`[scale-out] API #2 live stream: ${live.events.length} events; airing→airing ${seen("airing").size}/${ZONES}, →aired ${seen("aired").size}/${ZONES}; workers used: ${[...new Set(summary.map((s) => s.worker))].join(", ")}`);
    expect(seen("airing").size).toBe(ZONES);
    expect(seen("aired").size).toBe(ZONES);
  }, 600_000);
});
