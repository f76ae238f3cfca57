// The liveness monitor against real Redis heartbeats and the real alerts table:
// scheduler_lost, worker_lost and zone_unserved are raised once (deduplicated) when the
// airing side goes missing and resolved when it is back; a clean stop is not a loss.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";
import { silentLogger } from "../../server/logger.ts";
import { raiseAlert, resolveAlert } from "../../server/alerts.ts";
import { startHeartbeat, startLivenessMonitor, type AlertSink } from "../../server/liveness.ts";
import { waitFor } from "../helpers/system.ts";

describe("liveness alerts", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.cleanup());

  it("raises scheduler_lost, worker_lost and zone_unserved once, and resolves them on recovery", async () => {
    const deps = { db: env.db, events: env.events, logger: silentLogger };
    const alerts: AlertSink = { raise: async (a) => void (await raiseAlert(deps, a)), resolve: (k) => resolveAlert(deps, k) };
    const zone = await env.db.zone.create({ data: { code: "z1", name: "Thôn Một", outputKind: "file" } });
    await env.db.airing.create({ data: { zoneId: zone.id, source: "manual", localDate: "2026-12-01", scheduledStart: new Date(Date.now() + 3600_000), maxDurationMs: 60_000 } });
    const hb = (roles: string[], jobs: string[], redis = env.redis) => startHeartbeat({ redis, prefix: env.config.QUEUE_PREFIX, roles, jobs, logger: silentLogger });
    const scheduler = hb(["scheduler"], []);
    // The worker beats over a connection of its own, so it can die the way a process dies:
    // its connection gone first, no clean-stop note ever written (writing one and deleting it
    // after would race a monitor pass that reads it in between).
    const workerRedis = env.redis.duplicate();
    workerRedis.on("error", () => {});
    const worker = hb(["playout"], ["playout"], workerRedis);
    await Promise.all([scheduler.first, worker.first]);
    const monitor = startLivenessMonitor({ db: env.db, redis: env.redis, config: env.config, clock: env.clock, logger: silentLogger, alerts, intervalMs: 150, startupGraceMs: 0 });
    const open = async () => (await env.db.alert.findMany({ where: { resolvedAt: null }, orderBy: { id: "asc" } })).map((a) => a.kind);
    try {
      await new Promise((r) => setTimeout(r, 600));
      expect(await open()).toEqual([]);

      // The worker dies without a clean stop: its key vanishes (as at expiry).
      const keys = await env.redis.keys(`${env.config.QUEUE_PREFIX}:hb:*playout`);
      expect(keys).toHaveLength(1);
      workerRedis.disconnect();
      await worker.stop(); // its note cannot reach Redis
      await env.redis.del(...keys);
      expect(await env.redis.keys(`${env.config.QUEUE_PREFIX}:hb:stopped:*`)).toEqual([]);
      await waitFor(async () => (await open()).length === 2, 10_000);
      expect((await open()).sort()).toEqual(["worker_lost", "zone_unserved"]);
      const unserved = await env.db.alert.findFirstOrThrow({ where: { kind: "zone_unserved" } });
      expect(unserved.zoneId).toBe(zone.id);
      expect(JSON.parse(unserved.params)).toMatchObject({ zone: "Thôn Một", code: "z1" });
      // Several passes later: still one of each (deduplicated).
      await new Promise((r) => setTimeout(r, 600));
      expect(await env.db.alert.count()).toBe(2);

      // A new worker: both resolved.
      const again = hb(["playout"], ["playout"]);
      await again.first;
      await waitFor(async () => (await open()).length === 0, 10_000);
      expect(await env.db.alert.count({ where: { resolvedAt: { not: null } } })).toBe(2);

      // A worker that stops cleanly is not "lost" (the zone being unserved still is).
      await again.stop();
      await waitFor(async () => (await open()).includes("zone_unserved"), 10_000);
      await new Promise((r) => setTimeout(r, 600));
      expect(await open()).toEqual(["zone_unserved"]);

      // No scheduler any more.
      await scheduler.stop();
      await waitFor(async () => (await open()).includes("scheduler_lost"), 10_000);
      const s2 = hb(["scheduler"], []);
      await s2.first;
      await waitFor(async () => !(await open()).includes("scheduler_lost"), 10_000);
      await s2.stop();
    } finally {
      monitor.stop();
    }
  });
});
