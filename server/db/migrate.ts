// Applies committed Prisma migrations at start-up: prisma/migrations/* with better-sqlite3
// for SQLite, prisma/postgres/migrations/* with node-postgres for PostgreSQL. It writes
// Prisma's own `_prisma_migrations` table with the same checksums, so
// `prisma migrate deploy/status` agree with what ran here.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { pgConnection, providerOfUrl, sqlitePathFromUrl } from "./client.ts";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");
export const PG_MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/postgres/migrations");

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

export interface MigrateOptions {
  dir?: string;
  upTo?: string;
}

/** Applies pending migrations to the database of DATABASE_URL (SQLite or PostgreSQL). */
export async function migrateDatabase(databaseUrl: string, opts: MigrateOptions = {}): Promise<MigrationResult> {
  return providerOfUrl(databaseUrl) === "postgresql"
    ? applyPgMigrations(databaseUrl, opts)
    : applyMigrations(sqlitePathFromUrl(databaseUrl), opts);
}

const checksumOf = (sql: string) => createHash("sha256").update(sql).digest("hex");

interface MigrationStep {
  name: string;
  sql: string;
  checksum: string;
  applied: boolean;
}

/** The committed migrations in order (through `upTo`), each marked applied or pending.
 *  An applied migration whose file changed since is refused. */
function migrationSteps(dir: string, done: ReadonlyMap<string, string>, upTo?: string): MigrationStep[] {
  const steps: MigrationStep[] = [];
  for (const name of listMigrations(dir)) {
    const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    const checksum = checksumOf(sql);
    const prior = done.get(name);
    if (prior !== undefined && prior !== checksum) throw new Error(`Migration ${name} was edited after it was applied (checksum mismatch)`);
    steps.push({ name, sql, checksum, applied: prior !== undefined });
    if (upTo === name) break;
  }
  return steps;
}

/** SQLite: applies pending migrations in order, each in its own transaction. `upTo` stops after that migration (tests). */
export function applyMigrations(dbFile: string, opts: { dir?: string; upTo?: string } = {}): MigrationResult {
  const dir = opts.dir ?? MIGRATIONS_DIR;
  // Processes starting together wait for each other's migration instead of failing busy.
  const db = new Database(dbFile, { timeout: 60_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const done = new Map<string, string>(
      (db.prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as { migration_name: string; checksum: string }[])
        .map((r) => [r.migration_name, r.checksum]),
    );
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const { name, sql, checksum, applied } of migrationSteps(dir, done, opts.upTo)) {
      if (applied) {
        result.alreadyApplied.push(name);
        continue;
      }
      const now = new Date().toISOString();
      // IMMEDIATE takes the write lock first; inside it, a process that started at the same
      // moment and got there first is seen, and the migration is not applied twice.
      const appliedHere = db.transaction(() => {
        const by = db.prepare(`SELECT checksum FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`).get(name) as { checksum: string } | undefined;
        if (by) {
          if (by.checksum !== checksum) throw new Error(`Migration ${name} was edited after it was applied (checksum mismatch)`);
          return false;
        }
        db.exec(sql);
        db.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`)
          .run(randomUUID(), checksum, new Date().toISOString(), name, now);
        return true;
      }).immediate();
      (appliedHere ? result.applied : result.alreadyApplied).push(name);
    }
    return result;
  } finally {
    db.close();
  }
}

// The key `prisma migrate deploy` itself locks on, so neither runs beside the other.
const PRISMA_ADVISORY_LOCK = 72707369;

/**
 * PostgreSQL: applies pending migrations in order, each in its own transaction, under
 * Prisma's advisory lock so that machines starting together apply each migration once.
 */
export async function applyPgMigrations(databaseUrl: string, opts: MigrateOptions = {}): Promise<MigrationResult> {
  const dir = opts.dir ?? PG_MIGRATIONS_DIR;
  const { default: pg } = await import("pg");
  const { connectionString, options } = pgConnection(databaseUrl);
  const client = new pg.Client({ connectionString, options, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
    const done = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const { name, sql, checksum, applied } of migrationSteps(dir, done, opts.upTo)) {
      if (applied) {
        result.alreadyApplied.push(name);
        continue;
      }
      const startedAt = new Date();
      await client.query("BEGIN");
      try {
        await client.query(sql); // simple query protocol: the whole multi-statement script
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), checksum, name, startedAt]);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw new Error(`Migration ${name} failed: ${(err as Error).message}`, { cause: err });
      }
      result.applied.push(name);
    }
    return result;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => {});
    await client.end();
  }
}
