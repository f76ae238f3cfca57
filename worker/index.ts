// Starts one BullMQ Worker per job kind over the handler map. The map is typed over
// every job name, so a job without a handler does not compile.
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { POLICY, QUEUE_OF, type JobCatalogue, type JobName } from "./catalogue.ts";
import type { Logger } from "../server/logger.ts";

export interface JobContext {
  job: Job;
  /** Fires when the attempt exceeds its policy timeout or the worker shuts down. */
  signal: AbortSignal;
  workerId: string;
  progress(pct: number): Promise<void>;
}

export type Handlers = { [N in JobName]: (data: JobCatalogue[N], ctx: JobContext) => Promise<unknown> };

export interface Workers {
  workers: Worker[];
  close(deadlineMs?: number): Promise<void>;
}

export function startWorkers(opts: { connection: Redis; prefix: string; handlers: Handlers; logger: Logger; workerId: string; only?: JobName[]; concurrency?: Partial<Record<JobName, number>> }): Workers {
  const { logger } = opts;
  // Playouts stop at once on shutdown (logged as interrupted); other jobs get a grace period.
  const shutdownNow = new AbortController();
  const shutdownLater = new AbortController();
  const names = (opts.only ?? (Object.keys(QUEUE_OF) as JobName[]));
  const workers = names.map((name) => {
    const policy = POLICY[name];
    const w = new Worker(
      QUEUE_OF[name],
      async (job: Job) => {
        const timeout = AbortSignal.timeout(policy.timeoutMs);
        const signal = AbortSignal.any([timeout, name === "playout" ? shutdownNow.signal : shutdownLater.signal]);
        const handler = opts.handlers[name] as (d: unknown, c: JobContext) => Promise<unknown>;
        return handler(job.data, { job, signal, workerId: opts.workerId, progress: (p) => job.updateProgress(p) });
      },
      { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency?.[name] ?? policy.concurrency, autorun: true, lockDuration: 60_000 },
    );
    w.on("error", (err) => logger.warn(`worker ${name}: ${err.message}`));
    w.on("failed", (job, err) => logger.warn(`job ${job?.id ?? "?"} failed: ${err.message}`));
    return w;
  });
  return {
    workers,
    async close(deadlineMs = 5000) {
      // Running jobs see the abort (their ffmpeg children are killed), then workers close.
      shutdownNow.abort(new Error("worker shutting down"));
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timer = setTimeout(() => shutdownLater.abort(new Error("worker shutting down")), deadlineMs);
      try {
        await Promise.race([graceful, new Promise((r) => setTimeout(r, deadlineMs + 2000))]);
        await Promise.all(workers.map((w) => w.close(true)));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
