// The one typed job catalogue shared by producers (API, scheduler) and workers.
// Payloads carry ids only; handlers reload rows and re-check them before saving.
import type { JobsOptions, Queue } from "bullmq";

export interface JobCatalogue {
  ingest: { itemId: number; revision: string };
  /** due: when the planner wanted it to run (ms), so a job left at another time is found. */
  render: { airingId: number; hash: string; due?: number };
  /** attempt: how many times the airing was claimed before (0: the first job). due: as for render. */
  playout: { airingId: number; attempt?: number; due?: number };
  report: { month: string };
}

export type JobName = keyof JobCatalogue;
export type JobOf<N extends JobName> = { name: N; data: JobCatalogue[N] };
export type AnyJob = { [N in JobName]: JobOf<N> }[JobName];

/** The queue of one job kind: adds and reads only that kind's payload. */
export type JobQueue<N extends JobName> = Queue<JobCatalogue[N], unknown, N>;

/** A handler of one job kind; `Ctx` is what the worker passes beside the payload. */
export type JobHandler<N extends JobName, Ctx> = (data: JobCatalogue[N], ctx: Ctx) => Promise<unknown>;
/** One handler per job kind: a kind without a handler does not compile. */
export type JobHandlers<Ctx> = { [N in JobName]: JobHandler<N, Ctx> };

/** Each job kind lives on its own queue so a long render never delays a playout. */
export const QUEUE_OF: Record<JobName, string> = {
  ingest: "ingest",
  render: "render",
  playout: "playout",
  report: "report",
};

/** A worker group name (WORKER_GROUP, Zone.workerGroup): short, and safe in a queue name. */
export const WORKER_GROUP_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * Zone affinity: a zone bound to a worker group airs from that group's own playout queue,
 * which only the workers started with WORKER_GROUP=<group> consume; unbound zones use the
 * shared `playout` queue, which every worker consumes.
 */
export function playoutQueueName(group?: string | null): string {
  return group ? `${QUEUE_OF.playout}@${group}` : QUEUE_OF.playout;
}

export interface JobPolicy {
  attempts: number;
  backoffMs: number;
  /** Hard limit for one attempt; the handler's AbortSignal fires and children are killed. */
  timeoutMs: number;
  /** Default jobs at once per worker process; see concurrencyOf() for the configured values. */
  concurrency: number;
  keepCompleted: number;
  keepFailed: number;
}

/** The policy's concurrency with the process settings applied (WORKER_CONCURRENCY for the
 *  ffmpeg jobs, PLAYOUT_CONCURRENCY for playouts; the monthly report stays one at a time). */
export function concurrencyOf(settings: { WORKER_CONCURRENCY: number; PLAYOUT_CONCURRENCY: number }): Record<JobName, number> {
  return {
    ingest: settings.WORKER_CONCURRENCY,
    render: settings.WORKER_CONCURRENCY,
    playout: settings.PLAYOUT_CONCURRENCY,
    report: POLICY.report.concurrency,
  };
}

export const POLICY: Record<JobName, JobPolicy> = {
  ingest: { attempts: 3, backoffMs: 5_000, timeoutMs: 20 * 60_000, concurrency: 2, keepCompleted: 500, keepFailed: 1000 },
  render: { attempts: 4, backoffMs: 10_000, timeoutMs: 10 * 60_000, concurrency: 1, keepCompleted: 500, keepFailed: 1000 },
  // A playout is never retried by BullMQ: a second attempt could air a session twice.
  // Recovery is decided from the database lease instead (server/airing-lease.ts): a released
  // airing gets a new job with its own id.
  playout: { attempts: 1, backoffMs: 0, timeoutMs: 6 * 3600_000, concurrency: 64, keepCompleted: 2000, keepFailed: 2000 },
  report: { attempts: 3, backoffMs: 60_000, timeoutMs: 30 * 60_000, concurrency: 1, keepCompleted: 100, keepFailed: 100 },
};

/** Deterministic job ids: no ':' and never all digits (BullMQ rules). */
export function jobId(job: AnyJob): string {
  switch (job.name) {
    case "ingest":
      return `ingest-${job.data.itemId}-${job.data.revision}`;
    case "render":
      return `render-${job.data.airingId}-${job.data.hash}`;
    case "playout":
      // One id per attempt: a released airing (lease expired, drained) gets a fresh job.
      return job.data.attempt ? `playout-${job.data.airingId}-r${job.data.attempt}` : `playout-${job.data.airingId}`;
    case "report":
      return `report-${job.data.month}`;
  }
}

/** The playout job of an airing's attempt (attempt: the airing's claim count when it was released). */
export const playoutJob = (airingId: number, attempt?: number): JobOf<"playout"> => ({ name: "playout", data: attempt === undefined ? { airingId } : { airingId, attempt } });

export function jobOptions(job: AnyJob, extra: JobsOptions = {}): JobsOptions {
  const p = POLICY[job.name];
  return {
    jobId: jobId(job),
    attempts: p.attempts,
    backoff: p.backoffMs > 0 ? { type: "exponential", delay: p.backoffMs } : undefined,
    removeOnComplete: { count: p.keepCompleted },
    removeOnFail: { count: p.keepFailed },
    ...extra,
  };
}
