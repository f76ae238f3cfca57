import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, listMigrations } from "../../server/db/migrate.ts";
import { createDb } from "../../server/db/client.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-mig-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Table and index definitions, for comparing two databases' schemas. */
function schemaOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations' ORDER BY type, name`).all() as { type: string; name: string; sql: string }[])
      .map((r) => `${r.type} ${r.name}: ${r.sql}`);
  } finally {
    db.close();
  }
}

describe("migrations", () => {
  it("applies every migration to an empty database, and a second run applies none", async () => {
    const file = path.join(dir, "fresh.db");
    const all = listMigrations();
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(applyMigrations(file).applied).toEqual(all);
    expect(applyMigrations(file)).toEqual({ applied: [], alreadyApplied: all });
    const db = await createDb(`file:${file}`);
    await db.commune.create({ data: { id: 1, name: "Kiến Minh" } });
    expect((await db.commune.findUniqueOrThrow({ where: { id: 1 } })).name).toBe("Kiến Minh");
    const journal = await db.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
    expect(journal[0]!.journal_mode).toBe("wal");
    await db.$disconnect();
  });

  it("upgrades a database created at the first migration, keeping its rows", () => {
    const [first, ...rest] = listMigrations();
    const file = path.join(dir, "old.db");
    expect(applyMigrations(file, { upTo: first }).applied).toEqual([first]);
    const raw = new Database(file);
    raw.prepare(`INSERT INTO "Zone" (code, name, outputKind, updatedAt) VALUES ('thon-1', 'Thôn Một', 'file', CURRENT_TIMESTAMP)`).run();
    raw.close();
    expect(applyMigrations(file).applied).toEqual(rest);
    expect(schemaOf(file)).toEqual(schemaOf(path.join(dir, "fresh.db")));
    const check = new Database(file, { readonly: true });
    expect((check.prepare(`SELECT name FROM "Zone" WHERE code = 'thon-1'`).get() as { name: string }).name).toBe("Thôn Một");
    check.close();
  });

  it("refuses to run when an applied migration was edited", () => {
    const file = path.join(dir, "edited.db");
    applyMigrations(file);
    const raw = new Database(file);
    raw.prepare(`UPDATE "_prisma_migrations" SET checksum = 'tampered' WHERE migration_name = ?`).run(listMigrations()[0]);
    raw.close();
    expect(() => applyMigrations(file)).toThrow(/checksum mismatch/);
  });
});
