import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, signedIn, type TestEnv } from "../helpers/env.ts";

describe("health", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.cleanup());

  it("answers 200 with the status of DB, Redis, ffmpeg, ffprobe and queues (details for an admin)", async () => {
    const admin = await signedIn(env, "admin");
    const r = await admin.req("GET", "/api/health");
    expect(r.status).toBe(200);
    const body = r.json;
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["database", "ffmpeg", "ffprobe", "queues", "redis", "scheduler", "workers"]);
    expect(body.checks.ffmpeg.version).toMatch(/^ffmpeg version/);
  });
});

describe("health sees the airing side (heartbeats in Redis)", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.cleanup());

  it("is unhealthy with no scheduler (once there is a zone) and no worker for a zone with a session; healthy once both beat", async () => {
    const { startHeartbeat } = await import("../../server/liveness.ts");
    const { silentLogger } = await import("../../server/logger.ts");
    const admin = await signedIn(env, "admin");
    const viewer = await signedIn(env, "viewer");
    const zone = await env.db.zone.create({ data: { code: "z1", name: "Thôn Một", outputKind: "file" } });
    let r = await admin.req("GET", "/api/health");
    expect(r.status).toBe(503);
    expect(r.json.status).toBe("unhealthy");
    expect(r.json.failed).toEqual(["scheduler"]);
    expect(r.json.checks.scheduler.detail).toBe("no scheduler is alive: nothing is planned, queued or recovered");
    expect(r.json.checks.workers).toMatchObject({ ok: true, detail: "no playout worker is alive (no session in the horizon)" });

    const scheduler = startHeartbeat({ redis: env.redis, prefix: env.config.QUEUE_PREFIX, roles: ["scheduler"], jobs: [], logger: silentLogger });
    // A session in two days (inside the 48 h horizon) and a worker that cannot air it.
    const at = new Date(Date.now() + 47 * 3600_000);
    await env.db.airing.create({ data: { zoneId: zone.id, source: "manual", localDate: "2026-12-01", scheduledStart: at, maxDurationMs: 60_000 } });
    const renderOnly = startHeartbeat({ redis: env.redis, prefix: env.config.QUEUE_PREFIX, roles: ["worker"], jobs: ["ingest", "render", "report"], logger: silentLogger });
    const bound = startHeartbeat({ redis: env.redis, prefix: env.config.QUEUE_PREFIX, roles: ["worker", "bound"], jobs: ["playout"], zones: () => [zone.id + 1], logger: silentLogger });
    try {
      await Promise.all([scheduler.first, renderOnly.first, bound.first]);
      r = await admin.req("GET", "/api/health");
      expect(r.status).toBe(503);
      expect(r.json.failed).toEqual(["workers"]);
      expect(r.json.checks.workers.detail).toBe(`no live worker can air Thôn Một (z1, next session ${at.toISOString()})`);
      expect(await viewer.req("GET", "/api/health")).toMatchObject({ status: 503, json: { status: "unhealthy", failed: ["workers"] } });
      const any = startHeartbeat({ redis: env.redis, prefix: env.config.QUEUE_PREFIX, roles: ["playout"], jobs: ["playout"], logger: silentLogger });
      await any.first;
      r = await admin.req("GET", "/api/health");
      expect(r.status).toBe(200);
      expect(r.json.checks.workers.alive).toHaveLength(2);
      await any.stop();
      // A session further than the horizon needs nobody yet.
      await env.db.airing.updateMany({ data: { scheduledStart: new Date(Date.now() + 49 * 3600_000) } });
      expect((await admin.req("GET", "/api/health")).status).toBe(200);
    } finally {
      await Promise.all([scheduler.stop(), renderOnly.stop(), bound.stop()]);
    }
  });
});

describe("health with Redis down", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ env: { REDIS_URL: "redis://127.0.0.1:1" } });
  });
  afterAll(async () => env.cleanup());

  it("answers 503 naming what failed, and queue-backed actions answer 503 quickly", async () => {
    const admin = await signedIn(env, "admin");
    const r = await admin.req("GET", "/api/health");
    expect(r.status).toBe(503);
    const body = r.json;
    expect(body.failed).toContain("redis");
    expect(body.failed).toContain("queues");
    expect(body.failed).not.toContain("database");
    const t0 = Date.now();
    const q = await admin.req("POST", "/api/reports/monthly", { month: "2026-10" });
    expect(q.status).toBe(503);
    expect(q.json.error.code).toBe("QUEUE_UNAVAILABLE");
    expect(q.json.error.messageVi).toContain("Redis");
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe("live status", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.cleanup());

  it("streams a status snapshot and live events over SSE", async () => {
    await env.db.zone.create({ data: { code: "z1", name: "Thôn Một", outputKind: "file" } });
    const viewer = await signedIn(env, "viewer");
    // Read the stream by hand: the test client would wait for the (endless) body.
    const res = await env.app.request("/api/status/stream", { headers: { cookie: [...viewer.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error("stream ended");
        text += dec.decode(value);
      }
    };
    await readUntil("event: status");
    await readUntil("\n\n");
    expect(text).toContain("Thôn Một");
    env.events.publish("airing.now", { airingId: 7, zoneId: 1, itemId: 3 });
    await readUntil("event: airing.now");
    await readUntil('"airingId":7');
    await reader.cancel();
  });
});
