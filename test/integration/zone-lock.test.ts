// The cross-machine zone lock on real Redis: one holder per zone, waiters get it on
// release, and an urgent (emergency) waiter goes before normal ones.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { producerConnection } from "../../server/redis.ts";
import { silentLogger } from "../../server/logger.ts";
import { createRedisZoneLock } from "../../worker/zone-lock.ts";

const redis = producerConnection("redis://127.0.0.1:6379");
const prefix = `t-lock-${randomBytes(4).toString("hex")}`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe("zone lock", () => {
  it("serialises a zone across owners and lets an urgent waiter go first", async () => {
    const [a, b, c] = ["machine-a", "machine-b", "machine-c"].map((o) => createRedisZoneLock(redis, prefix, o, silentLogger));
    const releaseA = await a!.acquire(1);
    // Another zone is independent.
    const other = await b!.acquire(2);
    await other();

    const order: string[] = [];
    const normal = c!.acquire(1).then((r) => (order.push("normal"), r));
    await new Promise((r) => setTimeout(r, 150));
    const urgent = b!.acquire(1, { urgent: true }).then((r) => (order.push("urgent"), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual([]);
    await releaseA();
    const releaseUrgent = await urgent;
    expect(order).toEqual(["urgent"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual(["urgent"]);
    await releaseUrgent();
    const releaseNormal = await normal;
    expect(order).toEqual(["urgent", "normal"]);
    await releaseNormal();
    expect(await redis.exists(`${prefix}:zone:1:lock`)).toBe(0);
  });

  it("gives up waiting when the playout is aborted", async () => {
    const [a, b] = ["x", "y"].map((o) => createRedisZoneLock(redis, prefix, o, silentLogger));
    const release = await a!.acquire(3);
    const ctl = new AbortController();
    const waiting = b!.acquire(3, { signal: ctl.signal });
    setTimeout(() => ctl.abort(new Error("shutdown")), 100);
    await expect(waiting).rejects.toThrow("shutdown");
    await release();
  });
});
