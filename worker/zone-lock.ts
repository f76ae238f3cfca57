// Cross-machine lock per zone: with several worker machines only one airing may drive a
// zone's output at a time (Icecast accepts one source per mount). A Redis key with a
// short TTL, renewed while held, so a killed worker frees its zone within seconds.
// Emergencies raise an "urgent" flag that makes normal waiters step back.
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "../server/logger.ts";

export interface ZoneLock {
  acquire(zoneId: number, opts?: { urgent?: boolean; signal?: AbortSignal }): Promise<() => Promise<void>>;
}

// Short enough that a killed worker's zone is free again about when its airing lease
// (6 s, server/airing-lease.ts) expires and the next attempt comes for it.
const TTL_MS = 8_000;
const RENEW_MS = 2_000;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

export function createRedisZoneLock(redis: Redis, prefix: string, owner: string, logger: Logger): ZoneLock {
  return {
    async acquire(zoneId, o = {}) {
      const key = `${prefix}:zone:${zoneId}:lock`;
      const urgentKey = `${prefix}:zone:${zoneId}:urgent`;
      const token = `${owner}:${randomBytes(6).toString("hex")}`;
      let redisErrorsSince: number | null = null;
      for (;;) {
        if (o.signal?.aborted) throw o.signal.reason;
        try {
          if (!o.urgent && (await redis.exists(urgentKey))) {
            await sleep(100, o.signal);
            continue;
          }
          if ((await redis.set(key, token, "PX", TTL_MS, "NX")) === "OK") break;
          if (o.urgent) await redis.set(urgentKey, token, "PX", TTL_MS * 2);
          redisErrorsSince = null;
          await sleep(o.urgent ? 50 : 200, o.signal);
        } catch (err) {
          if (o.signal?.aborted) throw o.signal.reason;
          // Without Redis nothing else can air here either: air rather than stay silent.
          redisErrorsSince ??= Date.now();
          if (Date.now() - redisErrorsSince > 3000) {
            logger.warn(`zone ${zoneId} lock unavailable (${(err as Error).message}); airing without it`);
            return async () => {};
          }
          await sleep(200, o.signal);
        }
      }
      if (o.urgent) await redis.del(urgentKey).catch(() => {});
      const renew = setInterval(() => void redis.eval(RENEW, 1, key, token, String(TTL_MS)).catch(() => {}), RENEW_MS);
      return async () => {
        clearInterval(renew);
        await redis.eval(RELEASE, 1, key, token).catch(() => {});
      };
    },
  };
}
