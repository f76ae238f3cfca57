// Producer side of BullMQ: one Queue per job kind over a fail-fast connection, plus one
// playout queue per worker group (zone affinity): a playout job goes to the queue of its
// zone's worker group, found by `routeOf`. Jobs are named by the catalogue only (jobId()).
import { Queue, type Job, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { whenReady } from "./redis.ts";
import { QUEUE_OF, jobId, jobOptions, playoutQueueName, type AnyJob, type JobCatalogue, type JobName, type JobQueue } from "./jobs/catalogue.ts";
import type { Logger } from "./logger.ts";
import { AppError } from "./errors.ts";

/** The worker group whose queue a job goes to (null: the shared queue of its kind). */
export type JobRouter = (job: AnyJob) => Promise<string | null>;

export interface Queues {
  prefix: string;
  /** The producer connection (bulk reads of job state in one pipeline: server/plan-jobs.ts). */
  connection: Redis;
  /** The shared queue of each kind (unbound zones' playouts on `playout`). */
  byName: { readonly [N in JobName]: JobQueue<N> };
  /** The shared queue of a kind, typed by the catalogue. */
  get<N extends JobName>(name: N): JobQueue<N>;
  add(job: AnyJob, extra?: JobsOptions): Promise<string>;
  /** Like add(), but a finished job with the same id is replaced instead of deduplicating the new one. */
  addFresh(job: AnyJob, extra?: JobsOptions): Promise<string>;
  /** The job with this id on the queue the job is routed to now. */
  getJob(job: AnyJob): Promise<Job | undefined>;
  /** The queue of a kind for a worker group (the shared one for null or non-playout kinds). */
  queueFor(name: JobName, group: string | null): Queue;
  /** Throws the 503 error at once when Redis is not connected. */
  ready(): Promise<void>;
  /** Removes a delayed/waiting job; active jobs are left to their worker. A playout is looked
   *  for on the shared queue, its current group's queue and `alsoGroups` (e.g. a zone's former group). */
  remove(job: AnyJob, alsoGroups?: (string | null)[]): Promise<void>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string, logger: Logger, opts: { routeOf?: JobRouter } = {}): Queues {
  const made = <N extends JobName>(queueName: string, label: string): JobQueue<N> => {
    const q = new Queue<JobCatalogue[N], unknown, N>(queueName, { connection, prefix });
    q.on("error", (err) => logger.warn(`queue ${label}: ${err.message}`));
    return q;
  };
  const byName: { [N in JobName]: JobQueue<N> } = {
    ingest: made<"ingest">(QUEUE_OF.ingest, "ingest"),
    render: made<"render">(QUEUE_OF.render, "render"),
    playout: made<"playout">(QUEUE_OF.playout, "playout"),
    report: made<"report">(QUEUE_OF.report, "report"),
  };
  const shared = (name: JobName): Queue => byName[name];
  const groupQueues = new Map<string, Queue>();
  const queueFor = (name: JobName, group: string | null): Queue => {
    if (name !== "playout" || !group) return shared(name);
    let q = groupQueues.get(group);
    if (!q) groupQueues.set(group, (q = made(playoutQueueName(group), playoutQueueName(group))));
    return q;
  };
  const routed = async (job: AnyJob) => queueFor(job.name, job.name === "playout" && opts.routeOf ? await opts.routeOf(job) : null);
  return {
    prefix,
    connection,
    byName,
    get<N extends JobName>(name: N): JobQueue<N> {
      return byName[name];
    },
    queueFor,
    async add(job, extra) {
      const jobOpts = jobOptions(job, extra);
      // BullMQ would wait forever for a connection; the API must answer 503 instead.
      if (!(await whenReady(connection))) throw redisDown(new Error("Connection is closed"));
      try {
        await (await routed(job)).add(job.name, job.data, jobOpts);
      } catch (err) {
        throw redisDown(err);
      }
      return jobOpts.jobId!;
    },
    async getJob(job) {
      if (!(await whenReady(connection))) throw redisDown(new Error("Connection is closed"));
      return (await routed(job)).getJob(jobId(job));
    },
    async addFresh(job, extra) {
      await this.remove(job);
      return this.add(job, extra);
    },
    async ready() {
      if (!(await whenReady(connection))) throw redisDown(new Error("Connection is closed"));
    },
    async remove(job, alsoGroups = []) {
      if (!(await whenReady(connection))) throw redisDown(new Error("Connection is closed"));
      const id = jobId(job);
      const places = new Set<Queue>([shared(job.name)]);
      if (job.name === "playout") {
        places.add(await routed(job));
        for (const g of alsoGroups) places.add(queueFor(job.name, g));
      }
      for (const q of places) {
        const found = await q.getJob(id);
        if (!found) continue;
        const state = await found.getState();
        if (state === "delayed" || state === "waiting" || state === "prioritized" || state === "completed" || state === "failed") await found.remove();
      }
    },
    async close() {
      // A queue that never connected cannot close cleanly; don't let it block shutdown.
      const all = [...Object.values(byName), ...groupQueues.values()];
      await Promise.race([Promise.all(all.map((q) => q.close())), new Promise((r) => setTimeout(r, 3000).unref())]);
    },
  };
}

export function redisDown(err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Connection is closed|ECONNREFUSED|enableOfflineQueue|max retries|Stream isn't writeable|connect ETIMEDOUT/i.test(msg)) {
    return new AppError(503, "QUEUE_UNAVAILABLE", "Hàng đợi (Redis) không hoạt động, vui lòng thử lại sau.", "The job queue (Redis) is unavailable; please try again later.");
  }
  return err instanceof Error ? err : new Error(msg);
}
