// First-start data that every installation needs: the commune row, the Decree 49/2024
// Art. 6 categories and an admin with a random one-time password (and, when asked, the
// demo data). Several processes may start together on an empty database (API, scheduler
// and workers of a split deployment): `firstStart` runs the whole bootstrap under one
// cross-process lock, and each step is also create-if-absent on its own.
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "./db/client.ts";
import { isUniqueViolation, pgConnection, providerOfUrl, sqlitePathFromUrl } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import { generatePassword, hashPassword } from "./auth/password.ts";

export const DECREE_49_CATEGORIES = [
  { code: "policy-law", nameVi: "Chủ trương, chính sách, pháp luật", nameEn: "Policy and law" },
  { code: "socio-economic", nameVi: "Kế hoạch, dự án phát triển kinh tế - xã hội tại địa phương", nameEn: "Local socio-economic plans and projects" },
  { code: "security-order", nameVi: "An ninh, trật tự, an toàn xã hội", nameEn: "Security and public order" },
  { code: "disaster-epidemic", nameVi: "Phòng chống thiên tai, dịch bệnh", nameEn: "Natural disasters and epidemics" },
  { code: "good-examples", nameVi: "Gương người tốt, việc tốt, mô hình hay", nameEn: "Good examples and models" },
  { code: "products-services", nameVi: "Sản phẩm, hàng hóa, dịch vụ", nameEn: "Products, goods and services" },
];


/** Runs `fn` unless a concurrent insert of the same unique row won; then that row stands. */
async function createIfAbsent<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
}

export async function ensureBaseData(db: Db, opts: { timeZone: string; communeName?: string }): Promise<void> {
  const commune = await db.commune.findUnique({ where: { id: 1 } });
  if (!commune) await createIfAbsent(() => db.commune.create({ data: { id: 1, name: opts.communeName ?? "Xã của tôi", timeZone: opts.timeZone } }));
  for (const [i, c] of DECREE_49_CATEGORIES.entries()) {
    await createIfAbsent(() => db.category.upsert({ where: { code: c.code }, update: { builtin: true }, create: { ...c, builtin: true, sortOrder: i + 1 } }));
  }
}

/** Creates the first admin on an empty database; returns the one-time password once. */
export async function ensureAdmin(db: Db, dataDir: string, logger: Logger): Promise<string | null> {
  if ((await db.user.count()) > 0) return null;
  const password = generatePassword();
  const created = await createIfAbsent(async () =>
    db.user.create({ data: { username: "admin", displayName: "Quản trị viên", role: "admin", passwordHash: await hashPassword(password), mustChangePassword: true } }));
  if (!created) return null; // another process created it at the same moment
  const file = path.join(dataDir, "initial-admin-password");
  fs.writeFileSync(file, password + "\n", { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  logger.info(`created the first administrator; its one-time password is in ${file}`);
  return password;
}

export interface FirstStartLock {
  release(): Promise<void>;
}

// Any constant distinct from Prisma's migration lock (72707369).
const FIRST_START_ADVISORY_LOCK = 40102612;

/**
 * One holder at a time across processes for the first-start steps.
 * PostgreSQL (several machines): a session advisory lock on a connection of its own, which
 * the server releases if the holder dies. SQLite (one machine by nature): an exclusive
 * lock file beside the database holding the owner's pid; a file whose owner is gone is
 * taken over.
 */
export async function acquireFirstStartLock(databaseUrl: string, opts: { timeoutMs?: number; logger?: Logger } = {}): Promise<FirstStartLock> {
  const timeoutMs = opts.timeoutMs ?? 5 * 60_000;
  if (providerOfUrl(databaseUrl) === "postgresql") {
    const { default: pg } = await import("pg");
    const { connectionString, options } = pgConnection(databaseUrl);
    const client = new pg.Client({ connectionString, options, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(`SET lock_timeout = ${Math.round(timeoutMs)}`);
      await client.query("SELECT pg_advisory_lock($1)", [FIRST_START_ADVISORY_LOCK]);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    return {
      async release() {
        await client.query("SELECT pg_advisory_unlock($1)", [FIRST_START_ADVISORY_LOCK]).catch(() => {});
        await client.end().catch(() => {});
      },
    };
  }
  const file = `${sqlitePathFromUrl(databaseUrl)}.first-start.lock`;
  const deadline = Date.now() + timeoutMs;
  for (let waited = false; ; waited = true) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return { release: async () => fs.rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (lockOwnerGone(file)) {
      opts.logger?.warn(`taking over ${file}: its owner is gone`);
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`first start: ${file} is still held after ${Math.round(timeoutMs / 1000)} s (remove it if no Loa Xã process is starting)`);
    if (!waited) opts.logger?.info("another process is preparing the database; waiting");
    await sleep(100);
  }
}

function lockOwnerGone(file: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
  } catch {
    return false; // just released or being written: look again
  }
  if (!Number.isInteger(pid) || pid <= 0) {
    // Written but not yet filled (or garbage): stale only if it has been like that a while.
    try {
      return Date.now() - fs.statSync(file).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * The first-start steps of every process, under the cross-process lock: base data, the
 * first admin (its password is returned to the one process that created it), then
 * `seed` (the demo data) when the database has no zone yet. The lock is held through the
 * seed, so a process that returns from here sees the demo complete, never half of it.
 */
export async function firstStart(deps: {
  db: Db;
  databaseUrl: string;
  dataDir: string;
  timeZone: string;
  logger: Logger;
  seed?: () => Promise<void>;
}): Promise<{ adminPassword: string | null; seeded: boolean }> {
  const lock = await acquireFirstStartLock(deps.databaseUrl, { logger: deps.logger });
  try {
    await ensureBaseData(deps.db, { timeZone: deps.timeZone });
    const adminPassword = await ensureAdmin(deps.db, deps.dataDir, deps.logger);
    let seeded = false;
    if (deps.seed && (await deps.db.zone.count()) === 0) {
      await deps.seed();
      seeded = true;
    }
    return { adminPassword, seeded };
  } finally {
    await lock.release();
  }
}
