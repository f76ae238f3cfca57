// Starts the real Loa Xã server (`tsx server/main.ts`, every role in one process) for an
// end-to-end run: its own temp DATA_DIR, a free port and a unique queue prefix on the
// shared Redis, all removed again by stop(). E2E_DB=pg runs it on a throw-away PostgreSQL
// database instead of SQLite (`npm run test:e2e:pg`; test/helpers/pg.ts finds the server).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { freePort } from "../helpers/icecast.ts";
import { requirePgDatabase, type PgDatabase } from "../helpers/pg.ts";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export interface E2eServer {
  url: string;
  dataDir: string;
  queuePrefix: string;
  adminPassword: string;
  /** Everything the server printed so far (for failing-test diagnostics). */
  log(): string;
  stop(): Promise<void>;
}


async function waitForHttp(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before listening:\n${log()}`);
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`server did not listen within ${timeoutMs} ms:\n${log()}`);
}

export async function startServer(env: Record<string, string> = {}): Promise<E2eServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-e2e-"));
  const port = await freePort();
  const queuePrefix = `e2e-${randomBytes(5).toString("hex")}`;
  const redisUrl = env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const chunks: string[] = [];
  const log = () => chunks.join("");
  let pg: PgDatabase | null = null;
  if (process.env.E2E_DB === "pg" && !env.DATABASE_URL) {
    pg = await requirePgDatabase("e2e", "E2E_DB=pg");
    env = { ...env, DATABASE_URL: pg.url };
  }
  // `node --import tsx` keeps the server in one process, so stop() signals the server itself.
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      TZ: "Asia/Ho_Chi_Minh",
      DEMO: "1",
      QUEUE_PREFIX: queuePrefix,
      REDIS_URL: redisUrl,
      REDIS_AUTOSTART: "0",
      PLAYOUT_PREROLL_SECONDS: "2",
      RENDER_LEAD_MINUTES: "1",
      FILE_SINK_SPEED: "1",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (b: Buffer) => chunks.push(b.toString()));
  child.stderr!.on("data", (b: Buffer) => chunks.push(b.toString()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on("error", () => {});
    try {
      await redis.connect();
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${queuePrefix}*`, "COUNT", 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
    } finally {
      redis.disconnect();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    await pg?.drop();
  };

  try {
    await waitForHttp(`${url}/api/health`, child, log, 60_000);
    const adminPassword = fs.readFileSync(path.join(dataDir, "initial-admin-password"), "utf8").trim();
    return { url, dataDir, queuePrefix, adminPassword, log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
