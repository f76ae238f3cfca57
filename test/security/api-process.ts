// A real API process (`server/main.ts --role api`) on its own DATA_DIR, free port and queue
// prefix, with one admin whose password we know, so tests can measure what the kernel
// sees of it: resident memory (/proc/PID/status) and bytes read (/proc/PID/io).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../server/config.ts";
import { createDb } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { ensureBaseData } from "../../server/bootstrap.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { freePort } from "../helpers/icecast.ts";

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export interface ApiProcess {
  pid: number;
  url: string;
  port: number;
  dataDir: string;
  prefix: string;
  adminPassword: string;
  log(): string;
  stop(): Promise<void>;
}

export const ADMIN_PASSWORD = "Phat-thanh-xa-2026";

export async function startApiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-sec-"));
  const prefix = `sec-${randomBytes(5).toString("hex")}`;
  const port = await freePort();
  const config = loadConfig({ DATA_DIR: dataDir, QUEUE_PREFIX: prefix, DEMO: "0", REDIS_AUTOSTART: "0", ...env });
  await migrateDatabase(config.databaseUrl);
  const db = await createDb(config.databaseUrl);
  await ensureBaseData(db, { timeZone: config.TZ });
  await db.user.create({ data: { username: "admin", displayName: "Quản trị viên", role: "admin", passwordHash: await hashPassword(ADMIN_PASSWORD), mustChangePassword: false } });
  await db.$disconnect();

  const out: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts", "--role", "api"], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", QUEUE_PREFIX: prefix, DEMO: "0", REDIS_AUTOSTART: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (b: Buffer) => out.push(b.toString()));
  child.stderr.on("data", (b: Buffer) => out.push(b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(t);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}:\n${out.join("")}`);
    try {
      const r = await fetch(`${url}/api/health`);
      await r.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`API did not listen:\n${out.join("")}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { pid: child.pid!, url, port, dataDir, prefix, adminPassword: ADMIN_PASSWORD, log: () => out.join(""), stop };
}

const statusField = (pid: number, field: string) => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no ${field} for ${pid}`);
  return Number(m[1]) * 1024;
};

/** Resident memory now, in bytes. */
export const rss = (pid: number) => statusField(pid, "VmRSS");

/**
 * Measures the peak resident memory of `pid` while `during` runs: the kernel's own
 * high-water mark (VmHWM), reset first through /proc/PID/clear_refs, so no spike between
 * two samples can hide. Returns the growth over the resident memory at the start.
 */
export async function peakRssGrowth<T>(pid: number, during: () => Promise<T>): Promise<{ result: T; growth: number; before: number; peak: number }> {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, "5"); // "5": reset the peak RSS to the current RSS
  const before = rss(pid);
  const result = await during();
  const peak = statusField(pid, "VmHWM");
  return { result, growth: peak - before, before, peak };
}

/** Bytes the process has read through read(2)-like calls so far (sockets and files). */
export function bytesRead(pid: number): number {
  const m = /^rchar:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"));
  return Number(m![1]);
}

/** Signs in over HTTP; returns the cookie header and CSRF token. */
export async function login(api: ApiProcess, username = "admin", password = api.adminPassword): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${api.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}
