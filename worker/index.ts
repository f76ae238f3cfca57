// Starts one BullMQ Worker per job kind over the handler map. The map is typed over
// every job name, so a job without a handler does not compile.
import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { POLICY, QUEUE_OF, playoutQueueName, type JobCatalogue, type JobHandlers, type JobName } from "../server/jobs/catalogue.ts";
import type { Logger } from "../server/logger.ts";

export interface JobContext {
  job: Job<unknown>;
  /** Fires when the attempt exceeds its policy timeout or the worker shuts down (for a
   *  playout: when the drain limit is over). */
  signal: AbortSignal;
  /** Fires when a graceful stop begins: a playout not yet on air hands its airing on. */
  drain?: AbortSignal;
  workerId: string;
  progress(pct: number): Promise<void>;
}

/** The handler map: one handler per catalogue job, each typed by its payload. */
export type Handlers = JobHandlers<JobContext>;

/** A BullMQ worker of a catalogue job kind. */
export type JobWorker = Worker<JobCatalogue[JobName], unknown, JobName>;

export interface Workers {
  workers: JobWorker[];
  /**
   * Graceful stop: no new jobs are taken; a playout still in pre-roll releases its airing
   * for another worker (or the next process); airings on air finish, for at most `drainMs`
   * (then they are cut and released to be resumed); other jobs get 5 s, then are aborted
   * (they are retried). A number is taken as `drainMs`.
   */
  close(opts?: { drainMs?: number } | number): Promise<void>;
}

const OTHER_JOBS_DEADLINE_MS = 5000;

export function startWorkers(opts: {
  connection: Redis;
  prefix: string;
  handlers: Handlers;
  logger: Logger;
  workerId: string;
  only?: JobName[];
  concurrency?: Partial<Record<JobName, number>>;
  /** WORKER_GROUP: also consume this group's playout queue (zones bound to the group). */
  group?: string | null;
}): Workers {
  const { logger } = opts;
  // drain: the stop began; playoutStop: the drain limit is over; otherStop: other jobs' limit.
  const drain = new AbortController();
  const playoutStop = new AbortController();
  const otherStop = new AbortController();
  const names = (opts.only ?? (Object.keys(QUEUE_OF) as JobName[]));
  const consume = <N extends JobName>(name: N, queueName: string): Worker<JobCatalogue[N], unknown, N> => {
    const policy = POLICY[name];
    const handler = opts.handlers[name];
    const w = new Worker<JobCatalogue[N], unknown, N>(
      queueName,
      async (job) => {
        const timeout = AbortSignal.timeout(policy.timeoutMs);
        const signal = AbortSignal.any([timeout, name === "playout" ? playoutStop.signal : otherStop.signal]);
        return handler(job.data, { job, signal, drain: drain.signal, workerId: opts.workerId, progress: (p) => job.updateProgress(p) });
      },
      { connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency?.[name] ?? policy.concurrency, autorun: true, lockDuration: 60_000 },
    );
    w.on("error", (err) => logger.warn(`worker ${queueName}: ${err.message}`));
    w.on("failed", (job, err) => logger.warn(`job ${job?.id ?? "?"} failed: ${err.message}`));
    return w;
  };
  // Every worker airs unbound zones (shared `playout` queue); a grouped one also its group's.
  const workers = names.flatMap((name): JobWorker[] => [consume<JobName>(name, QUEUE_OF[name]), ...(name === "playout" && opts.group ? [consume<JobName>(name, playoutQueueName(opts.group))] : [])]);
  return {
    workers,
    async close(o = {}) {
      const drainMs = Math.max(0, typeof o === "number" ? o : (o.drainMs ?? OTHER_JOBS_DEADLINE_MS));
      drain.abort(new Error("worker draining"));
      // close() stops fetching at once and resolves when the running jobs are done.
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timers = [
        setTimeout(() => playoutStop.abort(new Error("worker shutting down")), drainMs),
        setTimeout(() => otherStop.abort(new Error("worker shutting down")), Math.min(drainMs, OTHER_JOBS_DEADLINE_MS)),
      ];
      try {
        await Promise.race([graceful, new Promise((r) => setTimeout(r, drainMs + 5000))]);
        await Promise.all(workers.map((w) => w.close(true)));
      } finally {
        timers.forEach(clearTimeout);
      }
    },
  };
}
