// Redis connections. Producers (the API) fail fast so a request gets 503 instead of
// hanging; workers wait forever for Redis to come back (BullMQ requirement).
// When nothing answers on a local REDIS_URL and redis-server is installed, a private
// Redis is started under DATA_DIR/redis with persistence and noeviction, and supervised:
// if it exits it is started again with backoff (server/supervisor.ts) on the same data.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "./logger.ts";
import { supervise, type BackoffPolicy, type SupervisedState, type SupervisorStatus } from "./supervisor.ts";

export function producerConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

/** Resolves when the connection is ready; false if it is not within `ms` (fail fast). */
export function whenReady(r: Redis, ms = 1500): Promise<boolean> {
  if (r.status === "ready") return Promise.resolve(true);
  if (r.status === "end" || r.status === "close") return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      clearTimeout(t);
      r.off("ready", onReady);
      resolve(v);
    };
    const onReady = () => done(true);
    const t = setTimeout(() => done(false), ms);
    r.once("ready", onReady);
  });
}

export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 5000) });
}

export async function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const opts: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: timeoutMs, retryStrategy: () => null };
  const r = new Redis(url, opts);
  r.on("error", () => {});
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** What /api/health and the dashboard show of the Redis this process depends on. */
export interface RedisSupervision {
  /** private: this process started redis-server and supervises it; external: it was
   *  already answering (a system service, or a private one started by another process). */
  mode: "private" | "external";
  url: string;
  state?: SupervisedState;
  restarts?: number;
  pid?: number | null;
  since?: string;
  lastExit?: SupervisorStatus["lastExit"];
}

export interface RedisHandle {
  url: string;
  /** The running private redis-server, when this process started one. */
  privateServer?: ChildProcess;
  status(): RedisSupervision;
  stop(): Promise<void>;
  /** Asks a private redis-server to exit (SIGTERM: it syncs its log) without waiting. */
  abort(): void;
}

export class RedisUnavailableError extends Error {}

export function findOnPath(bin: string, envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, bin);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Makes sure Redis answers at `url`, starting a private redis-server if allowed. */
export async function ensureRedis(opts: {
  url: string;
  dataDir: string;
  autostart: boolean;
  logger: Logger;
  redisServerBin?: string;
  backoff?: Partial<BackoffPolicy>;
  onState?: (s: SupervisorStatus) => void;
}): Promise<RedisHandle> {
  const { url, logger } = opts;
  if (await pingRedis(url)) return { url, status: () => ({ mode: "external", url: redacted(url) }), stop: async () => {}, abort: () => {} };
  const u = new URL(url);
  const local = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(u.hostname);
  const bin = opts.redisServerBin ?? findOnPath("redis-server");
  if (!opts.autostart || !local || !bin) {
    throw new RedisUnavailableError(
      `Redis is not answering at ${url}. Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL to a reachable Redis.`,
    );
  }
  const dir = path.join(opts.dataDir, "redis");
  fs.mkdirSync(dir, { recursive: true });
  const port = u.port || "6379";
  logger.info(`starting private redis-server on 127.0.0.1:${port} (data in ${dir}); it is restarted if it exits`);
  // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop Redis
  // last, after the workers that need it have drained.
  const sup = supervise({
    name: "redis-server",
    logger,
    start: () => {
      const child = spawn(
        bin,
        ["--port", port, "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--maxmemory-policy", "noeviction", "--save", "", "--daemonize", "no"],
        { stdio: ["ignore", "ignore", "pipe"], detached: true },
      );
      child.stderr?.on("data", (b: Buffer) => logger.debug(b.toString().trim()));
      return child;
    },
    ready: async (child) => {
      for (let i = 0; i < 50 && child.exitCode === null && child.signalCode === null; i++) {
        if (await pingRedis(url, 300)) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    },
    backoff: opts.backoff,
    onState: opts.onState,
  });
  // Whatever way this process exits (a failed start, a second Ctrl-C), Redis is asked to
  // stop too: it runs in its own process group, so nothing else would stop it.
  process.once("exit", () => sup.kill("SIGTERM"));
  if (!(await sup.whenRunning(10_000))) {
    await sup.stop({ signal: "SIGKILL" });
    throw new RedisUnavailableError(`Started ${bin} but it did not answer at ${url}; see ${dir}.`);
  }
  return {
    url,
    get privateServer() {
      return sup.child() ?? undefined;
    },
    status: () => ({ mode: "private", url: redacted(url), ...sup.status() }),
    stop: () => sup.stop({ signal: "SIGTERM", killAfterMs: 5000 }),
    abort: () => sup.kill("SIGTERM"),
  };
}

/** The URL without its password, for display. */
function redacted(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}
