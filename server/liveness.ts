// Liveness of the airing side. Every process publishes a heartbeat in Redis with an
// expiry (one key per process: its roles, host, pid, the job kinds it runs, the zones it
// can air, when it started); a process that dies simply stops beating and its key
// expires. /api/health reads them: it is unhealthy when no scheduler is alive (while
// there is a zone to plan for) or when a zone with a session in the planning horizon
// has no live worker that can air it. API processes watch the same report and raise
// alerts (scheduler_lost, worker_lost) on the way down, resolving them on recovery.
import os from "node:os";
import type { Redis } from "ioredis";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import { whenReady } from "./redis.ts";

export const BEAT_MS = 5_000;
export const BEAT_TTL_MS = 15_000;

export interface Heartbeat {
  /** host:pid:roles — the key's own suffix. */
  id: string;
  roles: string[];
  host: string;
  pid: number;
  /** Job kinds this process works on (a worker with "playout" can air). */
  jobs: string[];
  /** Zones it can air: "all", or zone ids when bound (zone affinity). */
  zones: "all" | number[];
  startedAt: string;
  beatAt: string;
}

const keyPrefix = (prefix: string) => `${prefix}:hb:`;

/** Publishes this process's heartbeat until stopped; Redis errors are retried at the next beat. */
export function startHeartbeat(opts: {
  redis: Redis;
  prefix: string;
  roles: string[];
  jobs: string[];
  /** Zones this process can air (zone affinity); default "all". Re-read at every beat. */
  zones?: () => Heartbeat["zones"] | Promise<Heartbeat["zones"]>;
  logger: Logger;
  clock?: Clock;
}): { first: Promise<void>; stop(): Promise<void> } {
  const startedAt = new Date().toISOString();
  // One key per process (its roles in the key keep two beats of one test process apart).
  const id = `${os.hostname()}:${process.pid}:${opts.roles.join(",")}`;
  const key = `${keyPrefix(opts.prefix)}${id}`;
  let warned = false;
  const beat = async () => {
    try {
      const zones = (await opts.zones?.()) ?? "all";
      const hb: Heartbeat = { id, roles: opts.roles, host: os.hostname(), pid: process.pid, jobs: opts.jobs, zones, startedAt, beatAt: new Date().toISOString() };
      await opts.redis.set(key, JSON.stringify(hb), "PX", BEAT_TTL_MS);
      warned = false;
    } catch (err) {
      if (!warned) opts.logger.warn(`heartbeat not published: ${(err as Error).message}`);
      warned = true;
    }
  };
  // The first beat waits for the connection (the producer does not queue commands offline).
  const first = whenReady(opts.redis, 3000).then(() => beat());
  const t = setInterval(() => void beat(), BEAT_MS);
  t.unref();
  return {
    /** Settles after the first attempt to publish. */
    first,
    async stop() {
      clearInterval(t);
      // A clean stop leaves a note, so watchers do not report it as lost.
      await opts.redis.multi().del(key).set(`${keyPrefix(opts.prefix)}stopped:${id}`, "1", "PX", 120_000).exec().catch(() => {});
    },
  };
}

/** Every live heartbeat under this queue prefix. Throws when Redis does not answer. */
export async function readHeartbeats(redis: Redis, prefix: string): Promise<Heartbeat[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", `${keyPrefix(prefix)}*`, "COUNT", 200);
    cursor = next;
    keys.push(...batch.filter((k) => !k.startsWith(`${keyPrefix(prefix)}stopped:`)));
  } while (cursor !== "0");
  if (!keys.length) return [];
  const values = await redis.mget(...keys);
  return values.flatMap((v) => {
    if (!v) return [];
    try {
      const hb = JSON.parse(v) as Heartbeat;
      // A process of this machine that no longer exists is dead now, not at its key's expiry.
      return hb.host === os.hostname() && !processExists(hb.pid) ? [] : [hb];
    } catch {
      return [];
    }
  });
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const canAir = (hb: Heartbeat, zoneId: number) => hb.jobs.includes("playout") && (hb.zones === "all" || hb.zones.includes(zoneId));

export interface LivenessCheck {
  ok: boolean;
  detail?: string;
  [k: string]: unknown;
}

export interface Liveness {
  scheduler: LivenessCheck;
  workers: LivenessCheck & { unserved?: { zoneId: number; code: string; name: string; nextSession: string }[] };
}

const summary = (hb: Heartbeat, now: number) => ({ id: hb.id, host: hb.host, pid: hb.pid, roles: hb.roles, jobs: hb.jobs, zones: hb.zones, startedAt: hb.startedAt, lastBeatMsAgo: Math.max(0, now - Date.parse(hb.beatAt)) });

/**
 * Who is alive, and what would not air because nobody is. "In the horizon": sessions not
 * yet closed from the late-grace window behind now to PLAN_HORIZON_HOURS ahead.
 */
export async function checkLiveness(deps: { db: Db; redis: Redis; config: Config; clock: Clock }): Promise<Liveness> {
  const { db, config } = deps;
  const now = deps.clock.now().getTime();
  let beats: Heartbeat[];
  try {
    if (!(await whenReady(deps.redis, 1500))) throw new Error(`Redis is not connected (${deps.redis.status})`);
    beats = await readHeartbeats(deps.redis, config.QUEUE_PREFIX);
  } catch (err) {
    const detail = `heartbeats cannot be read: ${(err as Error).message}`;
    return { scheduler: { ok: false, detail }, workers: { ok: false, detail } };
  }
  const schedulers = beats.filter((b) => b.roles.includes("scheduler"));
  const players = beats.filter((b) => b.jobs.includes("playout"));

  const [enabledZones, upcoming] = await Promise.all([
    db.zone.count({ where: { enabled: true } }),
    db.airing.findMany({
      where: {
        OR: [
          { status: "airing" },
          { status: { in: ["planned", "ready"] }, scheduledStart: { gte: new Date(now - config.LATE_GRACE_MINUTES * 60_000), lte: new Date(now + config.PLAN_HORIZON_HOURS * 3600_000) } },
        ],
        zone: { enabled: true },
      },
      orderBy: { scheduledStart: "asc" },
      select: { zoneId: true, scheduledStart: true, zone: { select: { code: true, name: true } } },
    }),
  ]);

  const scheduler: LivenessCheck = { ok: schedulers.length > 0 || enabledZones === 0, alive: schedulers.map((b) => summary(b, now)) };
  if (!schedulers.length) scheduler.detail = enabledZones ? "no scheduler is alive: nothing is planned, queued or recovered" : "no scheduler is alive (no zone to plan for)";

  const unserved = new Map<number, { zoneId: number; code: string; name: string; nextSession: string }>();
  for (const a of upcoming) {
    if (unserved.has(a.zoneId) || players.some((p) => canAir(p, a.zoneId))) continue;
    unserved.set(a.zoneId, { zoneId: a.zoneId, code: a.zone.code, name: a.zone.name, nextSession: a.scheduledStart.toISOString() });
  }
  const workers: Liveness["workers"] = { ok: unserved.size === 0, alive: players.map((b) => summary(b, now)), zonesWithSessions: new Set(upcoming.map((a) => a.zoneId)).size };
  if (unserved.size) {
    workers.unserved = [...unserved.values()];
    workers.detail = `${players.length ? "no live worker can air" : "no playout worker is alive to air"} ${workers.unserved.map((z) => `${z.name} (${z.code}, next session ${z.nextSession})`).join(", ")}`;
  } else if (!players.length) {
    workers.detail = "no playout worker is alive (no session in the horizon)";
  }
  return { scheduler, workers };
}

/** A time as alert texts show it, in the commune's zone: "05:30 30/11/2026". */
export function communeTime(iso: string, timeZone: string): string {
  const fmt = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric", hourCycle: "h23" });
  const p = Object.fromEntries(fmt.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

/** Where liveness and Redis transitions go (server/alerts.ts in production). */
export interface AlertSink {
  raise(a: { kind: "redis_down" | "worker_lost" | "scheduler_lost" | "zone_unserved"; severity: "warning" | "critical"; dedupeKey: string; params: Record<string, string | number>; zoneId?: number | null }): Promise<void>;
  resolve(dedupeKey: string): Promise<void>;
}

/**
 * Re-checks liveness every `intervalMs` and raises/resolves alerts on the way down and up:
 * redis_down (heartbeats unreadable), scheduler_lost (no scheduler while zones exist), worker_lost (a playout worker stopped
 * beating without a clean stop), zone_unserved (a zone with a session in the horizon that
 * no live worker can air). Runs in API processes (a scheduler cannot report its own
 * death); raising is idempotent (dedupe keys), so several API processes may watch at once.
 */
export function startLivenessMonitor(deps: { db: Db; redis: Redis; config: Config; clock: Clock; logger: Logger; alerts: AlertSink; intervalMs?: number; startupGraceMs?: number }): { stop(): void } {
  const { logger, alerts, redis, config } = deps;
  const localTime = (iso: string) => communeTime(iso, config.TZ);
  const open = new Set<string>();
  let seen = new Map<string, Heartbeat>(); // playout workers alive at the last pass
  let running = false;
  let first = true;
  let redisMisses = 0;
  const raise = async (a: Parameters<AlertSink["raise"]>[0]) => {
    if (open.has(a.dedupeKey)) return;
    open.add(a.dedupeKey);
    await alerts.raise(a);
  };
  const resolve = async (key: string) => {
    open.delete(key);
    await alerts.resolve(key);
  };
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const l = await checkLiveness(deps);
      // Unreadable heartbeats mean Redis is down: redis_down (twice in a row, so a blip is
      // not an alert; a supervised private Redis raises it at once itself), not these.
      if (String(l.scheduler.detail ?? "").startsWith("heartbeats cannot be read")) {
        if (++redisMisses >= 2) await raise({ kind: "redis_down", severity: "critical", dedupeKey: "redis_down", params: { at: localTime(new Date(deps.clock.now().getTime() - (deps.intervalMs ?? 10_000)).toISOString()) } });
        return;
      }
      redisMisses = 0;
      if (open.has("redis_down")) await resolve("redis_down");
      if (!l.scheduler.ok) await raise({ kind: "scheduler_lost", severity: "critical", dedupeKey: "scheduler_lost", params: {} });
      else if (open.has("scheduler_lost") || first) await resolve("scheduler_lost");

      const players = new Map(((l.workers.alive ?? []) as { id: string; host: string; pid: number }[]).map((b) => [b.id, b]));
      for (const [id, hb] of seen) {
        if (players.has(id)) continue;
        const stoppedCleanly = (await redis.exists(`${keyPrefix(config.QUEUE_PREFIX)}stopped:${id}`)) === 1;
        if (!stoppedCleanly) await raise({ kind: "worker_lost", severity: "critical", dedupeKey: `worker_lost:${id}`, params: { worker: `${hb.host} (pid ${hb.pid})` } });
      }
      seen = new Map([...players].map(([id, b]) => [id, b as unknown as Heartbeat]));

      const unserved = l.workers.unserved ?? [];
      for (const z of unserved) await raise({ kind: "zone_unserved", severity: "critical", dedupeKey: `zone_unserved:${z.zoneId}`, zoneId: z.zoneId, params: { zone: z.name, code: z.code, nextSession: localTime(z.nextSession) } });
      const unservedKeys = new Set(unserved.map((z) => `zone_unserved:${z.zoneId}`));
      for (const key of [...open].filter((k) => k.startsWith("zone_unserved:") && !unservedKeys.has(k))) await resolve(key);
      // Recovery from a lost worker: playout workers are alive and every zone is served.
      if (players.size && !unserved.length) for (const key of [...open].filter((k) => k.startsWith("worker_lost:"))) await resolve(key);
      first = false;
    } catch (err) {
      logger.warn(`liveness check failed: ${(err as Error).message}`);
    } finally {
      running = false;
    }
  };
  // A grace period first: the processes started with us (the playout child) need a moment.
  let t: NodeJS.Timeout = setTimeout(() => {
    void tick();
    t = setInterval(() => void tick(), deps.intervalMs ?? 10_000);
    t.unref();
  }, deps.startupGraceMs ?? 30_000);
  t.unref();
  return { stop: () => clearTimeout(t) };
}

/** Alerts written to the log only: before the database is open, and in tools. */
export function loggingAlertSink(logger: Logger): AlertSink {
  return {
    async raise(a) {
      logger.error(`ALERT ${a.kind}: ${JSON.stringify(a.params)}`);
    },
    async resolve(key) {
      logger.debug(`alert resolved (if open): ${key}`);
    },
  };
}
