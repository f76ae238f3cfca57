import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, signedIn, type TestEnv } from "../helpers/env.ts";

describe("health", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterAll(async () => env.cleanup());

  it("answers 200 with the status of DB, Redis, ffmpeg, ffprobe and queues", async () => {
    const r = await env.app.request("/api/health");
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["database", "ffmpeg", "ffprobe", "queues", "redis"]);
    expect(body.checks.ffmpeg.version).toMatch(/^ffmpeg version/);
  });
});

describe("health with Redis down", () => {
  let env: TestEnv;
  beforeAll(async () => {
    env = await createTestEnv({ env: { REDIS_URL: "redis://127.0.0.1:1" } });
  });
  afterAll(async () => env.cleanup());

  it("answers 503 naming what failed, and queue-backed actions answer 503 quickly", async () => {
    const r = await env.app.request("/api/health");
    expect(r.status).toBe(503);
    const body = await r.json();
    expect(body.failed).toContain("redis");
    expect(body.failed).toContain("queues");
    expect(body.failed).not.toContain("database");
    const admin = await signedIn(env, "admin");
    const t0 = Date.now();
    const q = await admin.req("POST", "/api/reports/monthly", { month: "2026-10" });
    expect(q.status).toBe(503);
    expect(q.json.error.code).toBe("QUEUE_UNAVAILABLE");
    expect(q.json.error.messageVi).toContain("Redis");
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
