// Issue 17 item 1: zone affinity with BullMQ queues per worker group. Three real processes
// share one SQLite database, Redis and DATA_DIR: an API + scheduler, a worker of group "a"
// and a worker of group "b". A zone bound to "a" (a file output standing in for the sound
// card) airs only on a's worker (as-run workerId); unbound zones may air on either. With
// a's worker stopped, the bound zone's next session is unserved: /api/health fails and a
// zone_unserved alert is raised (liveness from server/liveness.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { ensureBaseData } from "../../server/bootstrap.ts";
import { makeCanonicalClips } from "../helpers/air-month.ts";
import { createUser } from "../helpers/env.ts";
import { freePort, startServerProcess, type ServerProcess } from "../helpers/processes.ts";
import { waitFor } from "../helpers/system.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch((e) => console.warn(`cleanup: ${(e as Error).message}`));
});

/** A signed-in HTTP client of a real server process (cookie + CSRF). */
async function signIn(base: string, username: string) {
  const res = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: "correct horse battery" }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${base}${url}`, { method, headers: { cookie, "x-csrf-token": csrfToken, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, json: (await r.json()) as any };
  };
}

describe("zone affinity across worker processes", () => {
  it("a zone bound to group a airs only on a's worker; with a stopped its session is unserved", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-affinity-"));
    const prefix = `t-aff-${randomBytes(4).toString("hex")}`;
    cleanups.push(async () => {
      const r = new Redis(REDIS_URL);
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(...keys);
      r.disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const databaseUrl = `file:${path.join(dir, "loa-xa.db")}`;
    await migrateDatabase(databaseUrl);
    const db: Db = await createDb(databaseUrl);
    cleanups.push(() => db.$disconnect());
    await ensureBaseData(db, { timeZone: "Asia/Ho_Chi_Minh" });
    await createUser(db, "op", "admin");

    // Two short canonical clips in the shared DATA_DIR, a program of both.
    const clips = await makeCanonicalClips([2, 1]);
    cleanups.push(() => clips.cleanup());
    const itemIds: number[] = [];
    for (const [i, clip] of clips.clips.entries()) {
      fs.mkdirSync(path.dirname(path.join(dir, clip.rel)), { recursive: true });
      fs.copyFileSync(clip.abs, path.join(dir, clip.rel));
      const asset = await db.audioAsset.create({ data: { kind: "canonical", sha256: clip.sha256, path: clip.rel, sizeBytes: clip.sizeBytes, durationMs: clip.durationMs, codec: "mp3", sampleRate: 44100, channels: 1 } });
      itemIds.push((await db.item.create({ data: { title: `Tin ${i}`, kind: "audio", status: "ready", durationMs: clip.durationMs, canonicalAssetId: asset.id } })).id);
    }
    const program = await db.program.create({ data: { name: "Bản tin", gapMs: 200, entries: { create: itemIds.map((itemId, position) => ({ itemId, position })) } } });
    const bound = await db.zone.create({ data: { code: "card", name: "Cụm loa có dây (card âm thanh)", outputKind: "file", outputConfig: JSON.stringify({ dir: "card" }), workerGroup: "a" } });
    const free = await db.zone.create({ data: { code: "ip", name: "Cụm loa IP", outputKind: "file", outputConfig: JSON.stringify({ dir: "ip" }) } });
    // A daily session, so the bound zone always has one in the planning horizon.
    await db.schedule.create({ data: { name: "Sáng", programId: program.id, kind: "recurring", daysOfWeek: "1,2,3,4,5,6,7", startTime: "05:30", maxDurationSec: 600, zones: { create: [{ zoneId: bound.id }, { zoneId: free.id }] } } });

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
      const r = await call("POST", "/api/airings/air-now", { programId: program.id, zoneIds: [bound.id, free.id] });
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
