// Builds a real app for integration tests: a fresh SQLite file, real Redis with a unique
// queue prefix, and the same createApp used in production.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "../../server/config.ts";
import { ManualClock, systemClock, type Clock } from "../../server/clock.ts";
import { createDb, type Db } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { silentLogger, type Logger } from "../../server/logger.ts";
import { producerConnection } from "../../server/redis.ts";
import { createQueues, type Queues } from "../../server/queues.ts";
import { playoutRouter } from "../../server/zones.ts";
import { createEventHub, type EventHub } from "../../server/events.ts";
import { createApp, type AppEnv } from "../../server/app.ts";
import { ensureBaseData } from "../../server/bootstrap.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { registerResourceRoutes } from "../../server/http/index.ts";
import type { Hono } from "hono";
import type { Redis } from "ioredis";

export interface TestEnv {
  dir: string;
  config: Config;
  db: Db;
  redis: Redis;
  queues: Queues;
  events: EventHub;
  clock: Clock;
  app: Hono<AppEnv>;
  cleanup(): Promise<void>;
}

export async function createTestEnv(opts: { env?: Record<string, string>; clock?: Clock; withRoutes?: boolean; logger?: Logger } = {}): Promise<TestEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-test-"));
  const prefix = `t-${randomBytes(5).toString("hex")}`;
  const config = loadConfig({ DATA_DIR: dir, QUEUE_PREFIX: prefix, DEMO: "0", REDIS_AUTOSTART: "0", ...opts.env });
  await migrateDatabase(config.databaseUrl);
  const db = await createDb(config.databaseUrl);
  await ensureBaseData(db, { timeZone: config.TZ, communeName: "Kiến Minh" });
  const redis = producerConnection(config.REDIS_URL);
  redis.on("error", () => {});
  const queues = createQueues(redis, prefix, silentLogger, { routeOf: playoutRouter(db) });
  const events = createEventHub({ channel: `${prefix}-events`, logger: silentLogger });
  const clock = opts.clock ?? systemClock;
  const app = createApp({
    db, queues, redis, clock, config, logger: opts.logger ?? silentLogger, events,
    extraRoutes: opts.withRoutes === false ? undefined : (api, deps) => registerResourceRoutes(api, { ...deps }),
  });
  return {
    dir, config, db, redis, queues, events, clock, app,
    async cleanup() {
      await queues.close();
      try {
        const keys = redis.status === "ready" ? await redis.keys(`${prefix}*`) : [];
        if (keys.length) await redis.del(...keys);
      } catch {
        /* Redis was down on purpose in this test */
      }
      redis.disconnect();
      await db.$disconnect();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { ManualClock };

/** A signed-in HTTP client against the in-process app (cookies + CSRF handled). */
export class Client {
  cookies = new Map<string, string>();
  csrf = "";
  constructor(readonly app: Hono<AppEnv>, readonly ip = "127.0.0.1") {}

  async req(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; res: Response }> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (this.csrf && method !== "GET") h["x-csrf-token"] = this.csrf;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] ??= "application/json";
    }
    const res = await this.app.request(url, { method, headers: h, body: payload }, { incoming: { socket: { remoteAddress: this.ip } } });
    for (const sc of res.headers.getSetCookie()) {
      const [pair] = sc.split(";");
      const [k, ...v] = pair!.split("=");
      if (/Max-Age=0|expires=Thu, 01 Jan 1970/i.test(sc)) this.cookies.delete(k!);
      else this.cookies.set(k!, v.join("="));
    }
    const text = await res.clone().text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, json, res };
  }

  async login(username: string, password: string) {
    const r = await this.req("POST", "/api/auth/login", { username, password });
    if (r.status === 200) this.csrf = r.json.csrfToken;
    return r;
  }
}

// scrypt at N=2^17 costs ~0.5 s: one hash per distinct test password is enough.
const hashes = new Map<string, Promise<string>>();
export async function createUser(db: Db, username: string, role: string, password = "correct horse battery", mustChangePassword = false) {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  return db.user.create({ data: { username, displayName: username, role, passwordHash: await hashes.get(password)!, mustChangePassword } });
}

export async function signedIn(env: TestEnv, role: string, username = `${role}-${randomBytes(3).toString("hex")}`): Promise<Client> {
  await createUser(env.db, username, role);
  const c = new Client(env.app);
  const r = await c.login(username, "correct horse battery");
  if (r.status !== 200) throw new Error(`login failed: ${JSON.stringify(r.json)}`);
  return c;
}
