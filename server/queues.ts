// Producer side of BullMQ: one Queue per job kind over a fail-fast connection.
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { whenReady } from "./redis.ts";
import { QUEUE_OF, jobId, jobOptions, type AnyJob, type JobName } from "../worker/catalogue.ts";
import type { Logger } from "./logger.ts";
import { AppError } from "./errors.ts";

export interface Queues {
  prefix: string;
  byName: Record<JobName, Queue>;
  add(job: AnyJob, extra?: JobsOptions): Promise<string>;
  /** Like add(), but a finished job with the same id is replaced instead of deduplicating the new one. */
  addFresh(job: AnyJob, extra?: JobsOptions): Promise<string>;
  /** Throws the 503 error at once when Redis is not connected. */
  ready(): Promise<void>;
  /** Removes a delayed/waiting job; active jobs are left to their worker. */
  remove(name: JobName, id: string): Promise<void>;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix: string, logger: Logger): Queues {
  const byName = {} as Record<JobName, Queue>;
  for (const name of Object.keys(QUEUE_OF) as JobName[]) {
    const q = new Queue(QUEUE_OF[name], { connection, prefix });
    q.on("error", (err) => logger.warn(`queue ${name}: ${err.message}`));
    byName[name] = q;
  }
  return {
    prefix,
    byName,
    async add(job, extra) {
      const opts = jobOptions(job, extra);
      // BullMQ would wait forever for a connection; the API must answer 503 instead.
      if (!(await whenReady(connection))) throw redisDown(new Error("Connection is closed"));
      try {
        await byName[job.name].add(job.name, job.data, opts);
      } catch (err) {
        throw redisDown(err);
      }
      return opts.jobId!;
    },
    async addFresh(job, extra) {
      await this.remove(job.name, jobId(job));
      return this.add(job, extra);
    },
    async ready() {
      if (!(await whenReady(connection))) throw redisDown(new Error("Connection is closed"));
    },
    async remove(name, id) {
      if (!(await whenReady(connection))) throw redisDown(new Error("Connection is closed"));
      const job = await byName[name].getJob(id);
      if (!job) return;
      const state = await job.getState();
      if (state === "delayed" || state === "waiting" || state === "prioritized" || state === "completed" || state === "failed") await job.remove();
    },
    async close() {
      // A queue that never connected cannot close cleanly; don't let it block shutdown.
      await Promise.race([Promise.all(Object.values(byName).map((q) => q.close())), new Promise((r) => setTimeout(r, 3000).unref())]);
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
