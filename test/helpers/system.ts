// Starts real workers (BullMQ on the test's Redis prefix) and a planner for a TestEnv.
import os from "node:os";
import { workerConnection } from "../../server/redis.ts";
import { createLogger, silentLogger } from "../../server/logger.ts";
import { createPlanner } from "../../server/planner.ts";
import { createPlayoutChannels } from "../../worker/channels.ts";
import { createHandlers } from "../../worker/handlers.ts";
import { startWorkers } from "../../worker/index.ts";
import type { JobName } from "../../server/jobs/catalogue.ts";
import { startLeaseSweeper } from "../../server/airing-lease.ts";
import type { Logger } from "../../server/logger.ts";
import type { TestEnv } from "./env.ts";

/** sweep: run the lease sweeper as a worker process does (server/runtime.ts). */
export async function startSystem(env: TestEnv, opts: { only?: JobName[]; logger?: Logger; workerId?: string; sweep?: boolean } = {}) {
  // LOG_TESTS=1 shows what the workers do when a test needs debugging.
  const logger = opts.logger ?? (process.env.LOG_TESTS ? createLogger("debug", "test") : silentLogger);
  const conn = workerConnection(env.config.REDIS_URL);
  const sub = workerConnection(env.config.REDIS_URL);
  const workerId = opts.workerId ?? `${os.hostname()}-${process.pid}-test`;
  const channels = createPlayoutChannels({ db: env.db, config: env.config, events: env.events, logger, workerId, clock: env.clock, subscriber: sub, publisher: env.redis, channel: `${env.config.QUEUE_PREFIX}-control` });
  const planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock: env.clock, logger, events: env.events, isAiringAlive: (id) => channels.alive(id) });
  const handlers = createHandlers({ db: env.db, config: env.config, queues: env.queues, events: env.events, logger, clock: env.clock, channels, workerId, planner });
  const workers = startWorkers({ connection: conn, prefix: env.config.QUEUE_PREFIX, handlers, logger, workerId, only: opts.only });
  const sweeper = opts.sweep ? startLeaseSweeper({ db: env.db, clock: env.clock, logger, requeue: (airingId, attempt) => env.queues.add({ name: "playout", data: { airingId, attempt } }) }) : null;
  return {
    channels,
    planner,
    workers,
    async stop() {
      await sweeper?.stop();
      await workers.close(3000);
      await channels.close();
      conn.disconnect();
    },
  };
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
