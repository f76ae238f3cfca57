// Issue 17 item 1: zone affinity with BullMQ queues per worker group. Three real processes
// share one SQLite database, Redis and DATA_DIR: an API + scheduler, a worker of group "a"
// and a worker of group "b". A zone bound to "a" (a file output standing in for the sound
// card) airs only on a's worker (as-run workerId); unbound zones may air on either. With
// a's worker stopped, the bound zone's next session is unserved: /api/health fails and a
// zone_unserved alert is raised (liveness from server/liveness.ts).
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { ensureBaseData } from "../../server/bootstrap.ts";
import { clipProgram, REDIS_URL, sharedDir } from "../helpers/shared-install.ts";
import { createUser } from "../helpers/env.ts";
import { freePort, signIn, startServerProcess, type ServerProcess } from "../helpers/processes.ts";
import { waitFor } from "../helpers/system.ts";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch((e) => console.warn(`cleanup: ${(e as Error).message}`));
});

describe("zone affinity across worker processes", () => {
  it("a zone bound to group a airs only on a's worker; with a stopped its session is unserved", async () => {
    const { dir, prefix } = sharedDir("aff", cleanups);
    const databaseUrl = `file:${path.join(dir, "loa-xa.db")}`;
    await migrateDatabase(databaseUrl);
    const db: Db = await createDb(databaseUrl);
    cleanups.push(() => db.$disconnect());
    await ensureBaseData(db, { timeZone: "Asia/Ho_Chi_Minh" });
    await createUser(db, "op", "admin");

    // Two short tones in the shared DATA_DIR, a program of both.
    const { programId } = await clipProgram(db, dir, [2, 1], cleanups);
    const bound = await db.zone.create({ data: { code: "card", name: "Cụm loa có dây (card âm thanh)", outputKind: "file", outputConfig: JSON.stringify({ dir: "card" }), workerGroup: "a" } });
    const free = await db.zone.create({ data: { code: "ip", name: "Cụm loa IP", outputKind: "file", outputConfig: JSON.stringify({ dir: "ip" }) } });
    // A daily session, so the bound zone always has one in the planning horizon.
    await db.schedule.create({ data: { name: "Sáng", programId, kind: "recurring", daysOfWeek: "1,2,3,4,5,6,7", startTime: "05:30", maxDurationSec: 600, zones: { create: [{ zoneId: bound.id }, { zoneId: free.id }] } } });

    const common = { DATA_DIR: dir, QUEUE_PREFIX: prefix, REDIS_URL, REDIS_AUTOSTART: "0", DEMO: "0", FILE_SINK_SPEED: "20", PLAYOUT_PREROLL_SECONDS: "2", HOST: "127.0.0.1" };
    const procs: ServerProcess[] = [];
    cleanups.push(async () => void (await Promise.all(procs.map((p) => p.stop()))));
    const workerA = startServerProcess("worker-a", { ...common, PORT: String(await freePort()), WORKER_GROUP: "a" }, ["--role", "worker"]);
    const workerB = startServerProcess("worker-b", { ...common, PORT: String(await freePort()), WORKER_GROUP: "b" }, ["--role", "worker"]);
    const port = await freePort();
    const api = startServerProcess("api", { ...common, PORT: String(port) }, ["--role", "api,scheduler"]);
    procs.push(workerA, workerB, api);
    await api.waitFor(/is listening on/, 180_000);
    const redis = new Redis(REDIS_URL);
    cleanups.push(async () => void redis.disconnect());
    // Both workers beat (server/liveness.ts), i.e. they are up and consuming.
    await waitFor(async () => (await redis.keys(`${prefix}:hb:*`)).length >= 3, 180_000, 500);
    const call = await signIn(`http://127.0.0.1:${port}`, "op");

    const workerOf = new Map([[workerA.child.pid!, "a"], [workerB.child.pid!, "b"]]);
    const groupOf = (workerId: string | null) => workerOf.get(Number(/-(\d+)$/.exec(workerId ?? "")?.[1])) ?? `? ${workerId}`;
    const rounds = 4;
    for (let i = 0; i < rounds; i++) {
      const r = await call("POST", "/api/airings/air-now", { programId, zoneIds: [bound.id, free.id] });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      const ids = (r.json.airings as { id: number }[]).map((a) => a.id);
      await waitFor(async () => (await db.airing.count({ where: { id: { in: ids }, status: { in: ["aired", "interrupted", "failed", "missed"] } } })) === ids.length, 90_000, 200);
    }
    const aired = await db.airing.findMany({ where: { source: "manual" }, include: { asRuns: true }, orderBy: { id: "asc" } });
    const byZone = (zoneId: number) => aired.filter((a) => a.zoneId === zoneId).map((a) => ({ airing: a.id, status: a.status, reason: a.statusReason, worker: groupOf(a.workerId), asRunWorkers: [...new Set(a.asRuns.map((r) => groupOf(r.workerId)))] }));
    console.log(`bound zone (group a): ${JSON.stringify(byZone(bound.id))}`);
    console.log(`unbound zone: ${JSON.stringify(byZone(free.id))}`);
    expect(byZone(bound.id)).toHaveLength(rounds);
    for (const a of byZone(bound.id)) {
      expect(a.status).toBe("aired");
      expect(a.worker).toBe("a");
      expect(a.asRunWorkers).toEqual(["a"]);
    }
    for (const a of byZone(free.id)) expect(a.status).toBe("aired");

    // Worker a goes away: the bound zone's next session has nobody to air it.
    await workerA.stop();
    const alert = await waitFor(async () => db.alert.findFirst({ where: { kind: "zone_unserved", zoneId: bound.id, resolvedAt: null } }), 90_000, 500);
    const health = await call("GET", "/api/health");
    console.log(`with worker a stopped: alert ${alert.kind} ${alert.params}; /api/health ${health.status} ${JSON.stringify(health.json.checks?.workers ?? health.json).slice(0, 400)}`);
    expect(health.status).toBe(503);
    expect(JSON.stringify(health.json)).toContain("card");
    expect(await db.alert.count({ where: { kind: "zone_unserved", zoneId: free.id, resolvedAt: null } })).toBe(0);
  }, 600_000);
});
