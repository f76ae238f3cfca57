// Fault tolerance: a worker killed mid-airing, a wiped Redis, and a restart after downtime
// never air a session twice and never lose the as-run record. Uses a private
// redis-server so FLUSHALL cannot disturb other test files.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OffsetClock } from "../../server/clock.ts";
import { ensureRedis, type RedisHandle } from "../../server/redis.ts";
import { silentLogger } from "../../server/logger.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";
import { toneItem } from "../helpers/media.ts";
import { freePort } from "../helpers/icecast.ts";


let redis: RedisHandle;
let env: TestEnv;
let zoneId: number;
let programId: number;
const clock = new OffsetClock(Date.now());

beforeAll(async () => {
  const port = await freePort();
  const { default: os } = await import("node:os");
  const { mkdtempSync } = await import("node:fs");
  redis = await ensureRedis({ url: `redis://127.0.0.1:${port}`, dataDir: mkdtempSync(path.join(os.tmpdir(), "loaxa-redis-")), autostart: true, logger: silentLogger });
  env = await createTestEnv({ clock, env: { REDIS_URL: redis.url, PLAYOUT_PREROLL_SECONDS: "2", LATE_GRACE_MINUTES: "5" } });
  zoneId = (await env.db.zone.create({ data: { code: "z1", name: "Cụm 1", outputKind: "file", outputConfig: JSON.stringify({ dir: "z1" }) } })).id;
  // Ingest with an in-process worker, then stop it: the fault tests bring their own.
  const sys = await startSystem(env, { only: ["ingest"] });
  const items = [await toneItem(env, "Dài 1", 4, 300), await toneItem(env, "Dài 2", 4, 400), await toneItem(env, "Dài 3", 4, 500)];
  await waitFor(async () => (await env.db.item.count({ where: { status: "ready" } })) === 3, 30_000);
  await sys.stop();
  programId = (await env.db.program.create({ data: { name: "P", gapMs: 0, entries: { create: items.map((it, position) => ({ itemId: it.id, position })) } } })).id;
});

afterAll(async () => {
  await env?.cleanup();
  await redis?.stop();
});

function startWorkerProcess(): ChildProcess {
  // `node --import tsx` keeps the worker in one process, so SIGKILL really kills it.
  return spawn(process.execPath, ["--import", "tsx", "server/main.ts", "--role", "worker"], {
    env: { ...process.env, DATA_DIR: env.dir, QUEUE_PREFIX: env.config.QUEUE_PREFIX, REDIS_URL: redis.url, DEMO: "0", PLAYOUT_PREROLL_SECONDS: "2", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", process.env.LOG_TESTS ? "inherit" : "ignore"],
  });
}

describe("faults", () => {
  it("kill -9 of the worker mid-airing: a restarted worker resumes the session from the start of the cut item, never airing anything twice", async () => {
    const worker = startWorkerProcess();
    try {
      const { createPlanner } = await import("../../server/planner.ts");
      const planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
      const [airing] = await planner.airNow({ programId, zoneIds: [zoneId] });
      // Wait until the second item is playing, then kill the worker hard.
      await waitFor(async () => (await env.db.asRun.count({ where: { airingId: airing!.id } })) >= 2, 40_000, 50);
      // Past at least one heartbeat (every 2 s) inside the 4 s item.
      await new Promise((r) => setTimeout(r, 2500));
      worker.kill("SIGKILL");
      await new Promise((r) => worker.once("exit", r));
      const killedAt = clock.now().getTime();
      const cut = await env.db.airing.findUniqueOrThrow({ where: { id: airing!.id } });
      expect(cut.status).toBe("airing"); // its lease has not expired yet

      // A new worker process: its lease sweep hands the airing on once the lease expired,
      // and the session goes on from the start of the item that was cut.
      const again = startWorkerProcess();
      try {
        const done = await waitFor(async () => {
          const a = await env.db.airing.findUniqueOrThrow({ where: { id: airing!.id } });
          return ["aired", "interrupted", "failed", "missed"].includes(a.status) ? a : null;
        }, 60_000, 200);
        expect(done.status).toBe("aired");
        expect(done.actualStart!.getTime()).toBe(cut.actualStart!.getTime()); // the first frame ever
        const rows = await env.db.asRun.findMany({ where: { airingId: airing!.id }, orderBy: { actualStart: "asc" } });
        const items = (await env.db.programEntry.findMany({ where: { programId }, orderBy: { position: "asc" } })).map((e) => e.itemId);
        expect(rows.map((r) => [r.itemId, r.status])).toEqual([
          [items[0], "completed"],
          [items[1], "interrupted"],
          [items[1], "completed"],
          [items[2], "completed"],
        ]);
        // The cut row aired until the last heartbeat before the kill.
        const cutRow = rows[1]!;
        expect(cutRow.actualEnd!.getTime()).toBeLessThanOrEqual(killedAt);
        expect(cutRow.durationMs).toBe(cutRow.actualEnd!.getTime() - cutRow.actualStart.getTime());
        expect(cutRow.durationMs).toBeGreaterThan(0);
        expect(cutRow.durationMs).toBeLessThan(cutRow.plannedMs);
        expect(rows[2]!.actualStart.getTime()).toBeGreaterThan(killedAt);
        // Nothing more airs afterwards.
        await new Promise((r) => setTimeout(r, 4000));
        expect(await env.db.asRun.count({ where: { airingId: airing!.id } })).toBe(4);
      } finally {
        again.kill("SIGTERM");
        await new Promise((r) => again.once("exit", r));
      }
    } finally {
      if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
    }
  }, 180_000);

  it("Redis FLUSHALL: the next reconciliation re-creates every future job from the database", async () => {
    const sched = await env.db.schedule.create({
      data: { name: "Ngày", programId, kind: "recurring", daysOfWeek: "1,2,3,4,5,6,7", startTime: "05:30", maxDurationSec: 600, zones: { create: [{ zoneId }] } },
    });
    const sys = await startSystem(env, { only: [] });
    await sys.planner.planHorizon();
    const future = await env.db.airing.findMany({ where: { scheduleId: sched.id, status: { in: ["planned", "ready"] } } });
    expect(future.length).toBeGreaterThanOrEqual(2);
    const ids = () => env.queues.byName.playout.getJobs(["delayed", "waiting"]).then((js) => js.map((j) => j.id).sort());
    const before = await ids();
    expect(before).toEqual(expect.arrayContaining(future.map((a) => `playout-${a.id}`)));

    await env.redis.flushall();
    expect(await ids()).toEqual([]);
    const rec = await sys.planner.reconcile();
    expect(rec.playoutJobsCreated).toBe(future.length);
    expect(await ids()).toEqual(expect.arrayContaining(future.map((a) => `playout-${a.id}`)));
    // Idempotent: a second pass creates nothing.
    expect((await sys.planner.reconcile()).playoutJobsCreated).toBe(0);
    await env.db.schedule.update({ where: { id: sched.id }, data: { enabled: false } });
    await sys.planner.planHorizon();
    await sys.stop();
  });

  it("restart after a 10-minute outage: past airings missed or aired late per the grace window, never twice", async () => {
    await env.redis.flushall();
    const t0 = clock.now().getTime();
    const mk = (offsetMin: number, title: string) =>
      env.db.airing.create({
        data: { zoneId, programId, source: "manual", localDate: "2026-11-26", scheduledStart: new Date(t0 + offsetMin * 60_000), maxDurationMs: 600_000, statusReason: title },
      });
    const itemId = (await env.db.item.findFirstOrThrow({ where: { status: "ready" } })).id;
    const early = await mk(1, "early");
    const late = await mk(8, "late");
    for (const a of [early, late]) await env.db.rundownLine.create({ data: { airingId: a.id, position: 0, itemId, reason: "program", durationMs: 4000 } });
    // The system was down for 10 minutes: nothing ran. Now it comes back.
    clock.jumpTo(t0 + 10 * 60_000);
    const sys = await startSystem(env);
    const rec = await sys.planner.reconcile();
    expect(rec.missed).toBe(1); // 9 min late > 5 min grace
    expect(rec.lateAired).toBe(1); // 2 min late: aired now
    expect((await env.db.airing.findUniqueOrThrow({ where: { id: early.id } })).status).toBe("missed");
    const aired = await waitFor(async () => {
      const a = await env.db.airing.findUniqueOrThrow({ where: { id: late.id } });
      return a.status === "aired" ? a : null;
    }, 30_000);
    expect(aired.actualStart!.getTime()).toBeGreaterThan(late.scheduledStart.getTime());
    // Another reconciliation (e.g. the next tick) must not air it again.
    await sys.planner.reconcile();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await env.db.asRun.count({ where: { airingId: late.id } })).toBe(1);
    expect(await env.db.asRun.count({ where: { airingId: early.id } })).toBe(0);
    await sys.stop();
  });
});
