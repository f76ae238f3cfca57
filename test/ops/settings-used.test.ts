// Issue 17 item 6 (settings that exist are used) and the zone affinity field of the zone
// API (item 1): each checked by what it changes, not by "did not throw".
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";
import { createDb } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { silentLogger } from "../../server/logger.ts";
import { workerConnection } from "../../server/redis.ts";
import { concurrencyOf, type JobName } from "../../server/jobs/catalogue.ts";
import { startWorkers, type Handlers } from "../../worker/index.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { createPgDatabase, pgTestUrl } from "../helpers/pg.ts";

let env: TestEnv;
let admin: Client;
beforeAll(async () => {
  env = await createTestEnv();
  admin = await signedIn(env, "admin");
});
afterAll(async () => env?.cleanup());

describe("settings that exist are used", () => {
  it("WORKER_CONCURRENCY and PLAYOUT_CONCURRENCY set the BullMQ workers' concurrency; WORKER_GROUP adds its playout queue", async () => {
    const config = loadConfig({ ...process.env, DATA_DIR: env.dir, WORKER_CONCURRENCY: "3", PLAYOUT_CONCURRENCY: "7", WORKER_GROUP: "may-a" });
    expect(concurrencyOf(config)).toEqual({ ingest: 3, render: 3, playout: 7, report: 1 });
    const idle = async () => undefined;
    const handlers: Handlers = { ingest: idle, render: idle, playout: idle, report: idle };
    const conn = workerConnection(config.REDIS_URL);
    const workers = startWorkers({ connection: conn, prefix: env.config.QUEUE_PREFIX, handlers, logger: silentLogger, workerId: "t", concurrency: concurrencyOf(config), group: config.WORKER_GROUP });
    try {
      expect(Object.fromEntries(workers.workers.map((w) => [w.name, w.concurrency]))).toEqual({ ingest: 3, render: 3, playout: 7, "playout@may-a": 7, report: 1 });
    } finally {
      await workers.close(1000);
      conn.disconnect();
    }
    expect(() => loadConfig({ WORKER_GROUP: "Máy A" })).toThrow(/WORKER_GROUP/);
  });

  it("DATABASE_POOL_SIZE caps the PostgreSQL pool", async () => {
    const adminUrl = await pgTestUrl();
    if (!adminUrl) {
      if (process.env.CI === "true" || process.env.CI === "1") throw new Error("PostgreSQL is required in CI");
      return console.warn("PostgreSQL not available: skipped");
    }
    const pg = await createPgDatabase(adminUrl, "pool");
    try {
      await migrateDatabase(pg.url);
      const config = loadConfig({ DATA_DIR: env.dir, DATABASE_URL: pg.url, DATABASE_POOL_SIZE: "3" });
      const db = await createDb(config.databaseUrl, { poolSize: config.DATABASE_POOL_SIZE });
      try {
        const rows = await Promise.all(Array.from({ length: 9 }, () => db.$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid, pg_sleep(0.2)::text AS slept")));
        const pids = new Set(rows.map((r) => r[0]!.pid));
        console.log(`9 concurrent queries with DATABASE_POOL_SIZE=3 used ${pids.size} connections`);
        expect(pids.size).toBe(3);
      } finally {
        await db.$disconnect();
      }
    } finally {
      await pg.drop();
    }
  });

  it("without a built web app, / says so in both languages instead of a bare 404", async () => {
    const res = await env.app.request("/");
    if (fs.existsSync(path.resolve(import.meta.dirname, "../../web/dist/index.html"))) {
      expect(res.status).toBe(200); // a checkout with a build: the SPA
      return;
    }
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain("npm run build");
    expect(html).toContain("Giao diện web chưa được dựng");
    expect(html).toContain("The web app is not built");
    expect((await admin.req("GET", "/api/nope")).status).toBe(404);
  });

  it("status: every zone has its next airing, however many airings other zones have first", async () => {
    const busy = await env.db.zone.create({ data: { code: "busy", name: "Bận", outputKind: "file" } });
    const quiet = await env.db.zone.create({ data: { code: "quiet", name: "Yên", outputKind: "file" } });
    const base = Date.now() + 3600_000;
    await env.db.airing.createMany({ data: Array.from({ length: 600 }, (_, i) => ({ zoneId: busy.id, source: "manual", localDate: "2026-12-01", scheduledStart: new Date(base + i * 1000), maxDurationMs: 1000 })) });
    const later = await env.db.airing.create({ data: { zoneId: quiet.id, source: "manual", localDate: "2026-12-02", scheduledStart: new Date(base + 86_400_000), maxDurationMs: 1000 } });
    const r = await admin.req("GET", "/api/status");
    expect(r.status).toBe(200);
    const zone = (r.json.zones as { id: number; nextUp: { airingId: number } | null }[]).find((z) => z.id === quiet.id);
    expect(zone?.nextUp?.airingId).toBe(later.id);
  });
});

describe("zone API: worker group (zone affinity)", () => {
  it("requires a group for a sound card, validates the name, keeps it when the field is left out", async () => {
    const alsa = await admin.req("POST", "/api/zones", { code: "card", name: "Card", outputKind: "alsa", outputConfig: { device: "default" } });
    expect(alsa.status).toBe(422);
    expect(alsa.json.error.code).toBe("WORKER_GROUP_REQUIRED");
    expect(alsa.json.error.message).toMatch(/card âm thanh.*sound-card/s);
    const bad = await admin.req("POST", "/api/zones", { code: "card", name: "Card", outputKind: "alsa", outputConfig: { device: "default" }, workerGroup: "Máy A" });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe("BAD_WORKER_GROUP");
    const ok = await admin.req("POST", "/api/zones", { code: "card", name: "Card", outputKind: "alsa", outputConfig: { device: "default" }, workerGroup: "may-a" });
    expect(ok.status).toBe(201);
    expect(ok.json.zone.workerGroup).toBe("may-a");
    const stream = await admin.req("POST", "/api/zones", { code: "ipz", name: "IP", outputKind: "file", outputConfig: { dir: "ipz" } });
    expect(stream.json.zone.workerGroup).toBeNull();
    const kept = await admin.req("PUT", `/api/zones/${ok.json.zone.id}`, { code: "card", name: "Card 2", outputKind: "alsa", outputConfig: { device: "default" } });
    expect(kept.status).toBe(200);
    expect(kept.json.zone.workerGroup).toBe("may-a");
    const unbind = await admin.req("PUT", `/api/zones/${ok.json.zone.id}`, { code: "card", name: "Card 2", outputKind: "alsa", outputConfig: { device: "default" }, workerGroup: "" });
    expect(unbind.status).toBe(422);
  });
});
