// Applies committed Prisma migrations (prisma/migrations/*/migration.sql) with
// better-sqlite3 at start-up. It writes Prisma's own `_prisma_migrations` table with
// the same checksums, so `prisma migrate deploy/status` agree with what ran here.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations");

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

/** Applies pending migrations in order, each in its own transaction. `upTo` stops after that migration (tests). */
export function applyMigrations(dbFile: string, opts: { dir?: string; upTo?: string } = {}): MigrationResult {
  const dir = opts.dir ?? MIGRATIONS_DIR;
  const db = new Database(dbFile);
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
    for (const name of listMigrations(dir)) {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const prior = done.get(name);
      if (prior !== undefined) {
        if (prior !== checksum) throw new Error(`Migration ${name} was edited after it was applied (checksum mismatch)`);
        result.alreadyApplied.push(name);
      } else {
        const now = new Date().toISOString();
        db.transaction(() => {
          db.exec(sql);
          db.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`)
            .run(randomUUID(), checksum, new Date().toISOString(), name, now);
        })();
        result.applied.push(name);
      }
      if (opts.upTo === name) break;
    }
    return result;
  } finally {
    db.close();
  }
}
