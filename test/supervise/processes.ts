// Real `server/main.ts` processes for the supervision tests: a prepared DATA_DIR (migrated,
// one admin with a known password), a free HTTP port and a unique queue prefix, plus the
// kernel's view of the process tree (/proc), so tests judge what really runs where.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { loadConfig } from "../../server/config.ts";
import { createDb } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { ensureBaseData } from "../../server/bootstrap.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { freePort } from "../helpers/icecast.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const ADMIN_PASSWORD = "Phat-thanh-xa-2026";

export interface Install {
  dataDir: string;
  prefix: string;
  redisUrl: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A migrated installation with one admin; `redisUrl` defaults to the shared Redis. */
export async function prepareInstall(opts: { redisUrl?: string; env?: Record<string, string> } = {}): Promise<Install> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-sup-"));
  const prefix = `sup-${randomBytes(5).toString("hex")}`;
  const redisUrl = opts.redisUrl ?? "redis://127.0.0.1:6379";
  const env = { DATA_DIR: dataDir, QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, DEMO: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...opts.env };
  const config = loadConfig(env);
  await migrateDatabase(config.databaseUrl);
  const db = await createDb(config.databaseUrl);
  await ensureBaseData(db, { timeZone: config.TZ });
  await db.user.create({ data: { username: "admin", displayName: "Quản trị viên", role: "admin", passwordHash: await hashPassword(ADMIN_PASSWORD), mustChangePassword: false } });
  await db.$disconnect();
  return {
    dataDir,
    prefix,
    redisUrl,
    env,
    async cleanup() {
      if (redisUrl.endsWith(":6379")) {
        // The shared Redis: remove only this test's keys.
        const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
        r.on("error", () => {});
        try {
          await r.connect();
          const keys = await r.keys(`${prefix}*`);
          if (keys.length) await r.del(...keys);
        } finally {
          r.disconnect();
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface MainProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  log(): string;
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** SIGTERM, then SIGKILL after 15 s; also kills what it left behind. */
  stop(): Promise<void>;
}

/** Starts `node --import tsx server/main.ts ...args` (so the pid is the server's own). */
export async function startMain(install: Install, args: string[], env: Record<string, string> = {}, opts: { waitForHttp?: boolean } = {}): Promise<MainProcess> {
  const port = await freePort();
  const out: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...install.env, PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (b: Buffer) => out.push(b.toString()));
  child.stderr!.on("data", (b: Buffer) => out.push(b.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const p: MainProcess = {
    child,
    pid: child.pid!,
    url,
    log: () => out.join(""),
    exited,
    async stop() {
      const tree = descendants(child.pid!);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(t);
      }
      // Anything it started that outlived it (it should not).
      for (const pid of tree) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    },
  };
  if (opts.waitForHttp !== false) {
    const deadline = Date.now() + 150_000; // a start under heavy CI load can take a minute
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${p.log()}`);
      try {
        const r = await fetch(`${url}/api/health`);
        await r.body?.cancel();
        break;
      } catch {
        if (Date.now() > deadline) {
          await p.stop();
          throw new Error(`server did not listen:\n${p.log()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  return p;
}

/** Parent pid and command name of a live process, from /proc; null once it is gone. */
export function procInfo(pid: number): { ppid: number; comm: string; cmdline: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    if (stat.slice(close + 2).startsWith("Z")) return null; // a zombie is gone for our purposes
    return { ppid, comm, cmdline };
  } catch {
    return null;
  }
}

/** Live children of `pid` (from /proc). */
export function childrenOf(pid: number): { pid: number; comm: string; cmdline: string }[] {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      const i = procInfo(Number(d));
      return i && i.ppid === pid ? [{ pid: Number(d), comm: i.comm, cmdline: i.cmdline }] : [];
    });
}

function descendants(pid: number): number[] {
  const kids = childrenOf(pid).map((c) => c.pid);
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

export async function login(url: string): Promise<{ cookie: string }> {
  const r = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }) });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  return { cookie: r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
}

export async function health(url: string, auth?: { cookie: string }): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}/api/health`, { headers: auth ? { cookie: auth.cookie } : {} });
  return { status: r.status, body: await r.json() };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000, stepMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
