// Composition root: builds every dependency once and starts the requested roles.
// Roles: api, scheduler, worker (every job kind, playout included), playout (playout
// jobs only) and jobs (ingest, render and report: a worker without playout, so systemd can
// give playout alone real-time scheduling, deploy/). `npm start` runs api + scheduler + worker with `playoutElsewhere` and a
// supervised `--role playout` child (server/main.ts), so no API request shares playout's
// event loop. Each process publishes a heartbeat (server/liveness.ts).
import fs from "node:fs";
import os from "node:os";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Config } from "./config.ts";
import { systemClock, type Clock } from "./clock.ts";
import { createDb, type Db } from "./db/client.ts";
import { migrateDatabase } from "./db/migrate.ts";
import type { Logger } from "./logger.ts";
import { ensureRedis, producerConnection, workerConnection, type RedisSupervision } from "./redis.ts";
import { raiseAlert, resolveAlert } from "./alerts.ts";
import { startAlertDelivery } from "./alert-webhook.ts";
import { communeTime, loggingAlertSink, startHeartbeat, startLivenessMonitor, type AlertSink } from "./liveness.ts";
import type { SupervisorStatus } from "./supervisor.ts";
import type { JobName } from "./jobs/catalogue.ts";
import { createQueues, type Queues } from "./queues.ts";
import { createEventHub, type EventHub } from "./events.ts";
import { createApp } from "./app.ts";
import { firstStart } from "./bootstrap.ts";
import { playoutRouter, trackAirableZones } from "./zones.ts";
import { registerResourceRoutes } from "./http/index.ts";
import { startScheduler, type Scheduler } from "./scheduler.ts";
import { createPlanner } from "./planner.ts";
import { startWorkers, type Workers } from "../worker/index.ts";
import { createHandlers } from "../worker/handlers.ts";
import { createPlayoutChannels } from "../worker/channels.ts";
import { concurrencyOf, playoutJob } from "./jobs/catalogue.ts";
import { startLeaseSweeper } from "./airing-lease.ts";
import { seedDemo } from "../prisma/seed.ts";

export const ROLE_NAMES = ["api", "scheduler", "worker", "playout", "jobs"] as const;
const ALL_JOBS: JobName[] = ["ingest", "render", "playout", "report"];
export type RoleName = (typeof ROLE_NAMES)[number];

export interface Runtime {
  config: Config;
  db: Db;
  queues: Queues;
  events: EventHub;
  scheduler?: Scheduler;
  workers?: Workers;
  server?: Server;
  port?: number;
  redis(): RedisSupervision;
  /** drainMs: how long airings on air may finish (default DRAIN_MAX_MINUTES; Ctrl-C uses a
   *  short one); a private Redis is stopped last, after `redisNeededUntil` (the playout child). */
  stop(opts?: { drainMs?: number; redisNeededUntil?: Promise<unknown> }): Promise<void>;
  /** The shutdown step under way ("" before stop()), for the deadline's log line. */
  stopStage(): string;
  /** Second Ctrl-C: asks the private Redis to exit without waiting for anything. */
  abort(): void;
}

export async function startRuntime(opts: {
  config: Config;
  roles: readonly RoleName[];
  logger: Logger;
  clock?: Clock;
  printAdminPassword?: (pw: string) => void;
  /** The worker role leaves playout jobs to another (supervised) process. */
  playoutElsewhere?: boolean;
}): Promise<Runtime> {
  const { config, roles, logger } = opts;
  const clock = opts.clock ?? systemClock;
  fs.mkdirSync(config.dataDir, { recursive: true });

  // Alerts go to the log until the database and the event hub exist (server/alerts.ts below).
  let alerts: AlertSink = loggingAlertSink(logger.child("alerts"));
  let redisDown = false;
  const onRedisState = (s: SupervisorStatus) => {
    if (s.state === "running" && redisDown) {
      redisDown = false;
      void alerts.resolve("redis_down").catch(() => {});
    } else if ((s.state === "restarting" || s.state === "down") && !redisDown) {
      redisDown = true;
      void alerts.raise({ kind: "redis_down", severity: "critical", dedupeKey: "redis_down", params: { at: communeTime(s.since, config.TZ), state: s.state, restarts: s.restarts } }).catch((e: Error) => logger.warn(`redis_down alert not raised: ${e.message}`));
    }
  };
  const redisHandle = await ensureRedis({ url: config.REDIS_URL, dataDir: config.dataDir, autostart: config.REDIS_AUTOSTART, logger: logger.child("redis"), onState: onRedisState });
  const migrated = await migrateDatabase(config.databaseUrl);
  if (migrated.applied.length) logger.info(`applied migrations: ${migrated.applied.join(", ")}`);
  const db = await createDb(config.databaseUrl, { poolSize: config.DATABASE_POOL_SIZE });

  const producer = producerConnection(config.REDIS_URL);
  producer.on("error", (e) => logger.debug(`redis producer: ${e.message}`));
  const subscriber = workerConnection(config.REDIS_URL);
  subscriber.on("error", (e) => logger.debug(`redis subscriber: ${e.message}`));
  const queues = createQueues(producer, config.QUEUE_PREFIX, logger.child("queue"), { routeOf: playoutRouter(db) });
  const events = createEventHub({ publisher: producer, subscriber, channel: `${config.QUEUE_PREFIX}-events`, logger, now: () => clock.now() });

  const alertDeps = { db, events, logger: logger.child("alerts"), now: () => clock.now() };
  alerts = { raise: async (a) => void (await raiseAlert(alertDeps, a)), resolve: (key) => resolveAlert(alertDeps, key) };

  // Safe when several processes start together on an empty database (one lock, create-if-absent).
  const { adminPassword } = await firstStart({
    db, databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeZone: config.TZ, logger,
    seed: config.DEMO ? () => seedDemo({ db, config, queues, logger: logger.child("demo"), clock }) : undefined,
  });
  if (adminPassword) opts.printAdminPassword?.(adminPassword);

  const workerId = `${os.hostname()}-${process.pid}`;
  const jobs = ALL_JOBS.filter((j) => (roles.includes("worker") && !(j === "playout" && opts.playoutElsewhere)) || (j === "playout" && roles.includes("playout")) || (j !== "playout" && roles.includes("jobs")));
  let workers: Workers | undefined;
  let stopStage = "";
  let leaseSweeper: { stop(): Promise<void> } | undefined;
  let workerConn: ReturnType<typeof workerConnection> | undefined;
  const channels = createPlayoutChannels({ db, config, events, logger: logger.child("playout"), workerId, clock, subscriber: jobs.includes("playout") ? workerConnection(config.REDIS_URL) : undefined, publisher: producer, channel: `${config.QUEUE_PREFIX}-control` });
  const planner = createPlanner({ db, queues, config, clock, logger: logger.child("planner"), events, isAiringAlive: (id) => channels.alive(id) });
  if (jobs.length) {
    workerConn = workerConnection(config.REDIS_URL);
    workerConn.on("error", (e) => logger.debug(`redis worker: ${e.message}`));
    const handlers = createHandlers({ db, config, queues, events, logger: logger.child("worker"), clock, channels, workerId, planner });
    workers = startWorkers({ connection: workerConn, prefix: config.QUEUE_PREFIX, handlers, logger: logger.child("worker"), workerId, only: jobs, concurrency: concurrencyOf(config), group: config.WORKER_GROUP });
    // Playout: airings left by a dead worker are handed on from this worker's start (playout's edit;
    // under `npm start` in the playout child).
    if (jobs.includes("playout")) leaseSweeper = startLeaseSweeper({ db, clock, logger: logger.child("lease"), requeue: (airingId, attempt) => queues.add(playoutJob(airingId, attempt)) });
  }

  let scheduler: Scheduler | undefined;
  if (roles.includes("scheduler")) {
    scheduler = await startScheduler({ db, config, queues, events, logger: logger.child("scheduler"), clock, channels, planner });
  }

  let server: Server | undefined;
  let port: number | undefined;
  if (roles.includes("api")) {
    const app = createApp({ db, queues, redis: producer, clock, config, logger: logger.child("http"), events, redisSupervision: () => redisHandle.status(), extraRoutes: (api, deps) => registerResourceRoutes(api, { ...deps, channels, planner }) });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
        port = info.port;
        logger.info(`Loa Xã is listening on http://${config.HOST === "0.0.0.0" ? "localhost" : config.HOST}:${info.port}`);
        resolve();
      }) as Server;
    });
  }

  // Liveness: every process beats; API processes watch the airing side and raise worker_lost / scheduler_lost.
  // Zone affinity: a worker beats with the zones it can air (unbound ones and its group's),
  // so a bound zone whose group has no live worker shows as unserved (health + alert).
  const airable = jobs.includes("playout") ? trackAirableZones(db, config.WORKER_GROUP ?? null, { logger }) : undefined;
  await airable?.ready;
  const heartbeat = startHeartbeat({ redis: producer, prefix: config.QUEUE_PREFIX, roles: [...roles], jobs, zones: () => airable?.zones() ?? "all", logger: logger.child("liveness") });
  const monitor = roles.includes("api") ? startLivenessMonitor({ db, redis: producer, config, clock, logger: logger.child("liveness"), alerts }) : undefined;
  // Alert webhooks also leave from API processes (scheduler_lost must get out): server/alert-webhook.ts.
  const alertDelivery = roles.includes("api") ? startAlertDelivery({ db, events, logger: logger.child("alerts"), now: () => clock.now(), allowPrivate: config.ALERT_WEBHOOK_ALLOW_PRIVATE }) : undefined;

  return {
    config,
    db,
    queues,
    events,
    scheduler,
    workers,
    server,
    port,
    redis: () => redisHandle.status(),
    abort: () => redisHandle.abort(),
    stopStage: () => stopStage,
    async stop(stopOpts = {}) {
      // Each step names itself first: a shutdown that overruns its deadline says what it waited for.
      const step = async <T>(name: string, p: () => Promise<T> | T | undefined) => {
        stopStage = name;
        return p();
      };
      monitor?.stop();
      airable?.stop();
      await step("alert delivery", () => alertDelivery?.stop());
      await step("heartbeat", () => heartbeat.stop());
      if (server) {
        server.closeAllConnections?.();
        await step("HTTP server", () => new Promise<void>((r) => server!.close(() => r())));
      }
      await step("scheduler", () => scheduler?.stop());
      // Drain (playout): airings on air finish up to DRAIN_MAX_MINUTES; pre-roll ones are handed on.
      await step("workers (drain)", () => workers?.close({ drainMs: stopOpts.drainMs ?? config.DRAIN_MAX_MINUTES * 60_000 }));
      await step("lease sweeper", () => leaseSweeper?.stop());
      await step("playout channels", () => channels.close());
      await step("event hub", () => events.close());
      await step("queues", () => queues.close());
      producer.disconnect();
      workerConn?.disconnect();
      await step("database", () => db.$disconnect());
      await step("the playout process to exit", () => stopOpts.redisNeededUntil);
      await step("private Redis", () => redisHandle.stop());
      stopStage = "done";
    },
  };
}
