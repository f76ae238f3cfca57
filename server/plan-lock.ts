// Single-writer planning across processes and machines. Two parts:
// - A lease in Redis, one key per installation (SET NX PX, renewed while held, released
//   only by its holder's token): one planning pass at a time; the others wait their turn.
// - A fence in the database (PlanState.version): a pass notes the version before it reads
//   its inputs and commits its writes only while the version is unchanged, raising it in
//   the same transaction. A re-plan request (an edit was saved) raises it too. So a pass
//   that read its inputs before an edit or before another pass committed (its lease ran
//   out, or Redis was away and two passes ran at once) never overwrites the newer plan:
//   its commit finds another version and it plans again from fresh inputs.
// The lease keeps passes from wasting work on each other; the fence alone is what keeps
// the plan right, so without Redis planning still goes on, unserialised but safe.
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Db } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import { whenReady } from "./redis.ts";

const LEASE_MS = 15_000;
const RENEW_MS = 5_000;
const POLL_MS = 20;
/** A pass waits this long for another to finish before it plans without the lease (the
 *  lease of a process that died runs out after LEASE_MS). */
const WAIT_MS = 120_000;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

export interface PlanLease {
  /** Runs fn while this installation's planning lease is held. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createPlanLease(opts: { redis: Redis; key: string; owner: string; logger: Logger }): PlanLease {
  const { redis, key, logger } = opts;
  const acquire = async (): Promise<string | null> => {
    const token = `${opts.owner}:${randomBytes(6).toString("hex")}`;
    const until = Date.now() + WAIT_MS;
    // A fail-fast connection refuses commands until it is connected (e.g. just after start).
    if (!(await whenReady(redis, 3000))) {
      logger.warn("planning lease unavailable (Redis not connected); planning under the database fence only");
      return null;
    }
    for (;;) {
      try {
        if ((await redis.set(key, token, "PX", LEASE_MS, "NX")) === "OK") return token;
      } catch (err) {
        logger.warn(`planning lease unavailable (${(err as Error).message}); planning under the database fence only`);
        return null;
      }
      if (Date.now() > until) {
        logger.warn(`planning lease still held by ${await redis.get(key).catch(() => "?")} after ${WAIT_MS} ms; planning under the database fence only`);
        return null;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  return {
    async run(fn) {
      const token = await acquire();
      const renew = token ? setInterval(() => void redis.eval(RENEW, 1, key, token, String(LEASE_MS)).catch(() => {}), RENEW_MS) : null;
      try {
        return await fn();
      } finally {
        if (renew) clearInterval(renew);
        if (token) await redis.eval(RELEASE, 1, key, token).catch(() => {});
      }
    },
  };
}

/** Thrown inside the commit transaction when another pass or an edit came first. */
export class PlanFenced extends Error {
  constructor() {
    super("the plan changed since this pass read its inputs");
  }
}

/** The plan version now (the row is created on first use). */
export async function planVersion(db: Db): Promise<number> {
  const row = await db.planState.findUnique({ where: { id: 1 } });
  if (row) return row.version;
  try {
    await db.planState.create({ data: { id: 1 } });
  } catch {
    /* another process created it first */
  }
  return (await db.planState.findUniqueOrThrow({ where: { id: 1 } })).version;
}

/** Marks every pass that read its inputs before now as outdated (after an edit). */
export async function raisePlanVersion(db: Db): Promise<void> {
  const n = await db.planState.updateMany({ where: { id: 1 }, data: { version: { increment: 1 } } });
  if (n.count === 0) {
    await planVersion(db);
    await db.planState.updateMany({ where: { id: 1 }, data: { version: { increment: 1 } } });
  }
}
