// prisma/postgres/schema.prisma is generated from prisma/schema.prisma by
// scripts/pg-schema.ts; this fails when someone edits one without regenerating. The
// PostgreSQL migrations mirror the SQLite ones one for one. Neither check needs a server,
// so both run everywhere (applying the migrations is in postgres.test.ts).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectedPgSchema, PG_SCHEMA } from "../../scripts/pg-schema.ts";
import { listMigrations, PG_MIGRATIONS_DIR } from "../../server/db/migrate.ts";

describe("PostgreSQL schema", () => {
  it("is prisma/schema.prisma with the postgresql provider (run `npm run db:pg-schema` when this fails)", () => {
    expect(fs.readFileSync(PG_SCHEMA, "utf8")).toBe(expectedPgSchema());
  });

  it("differs from the SQLite schema only in provider and output", () => {
    const pgText = expectedPgSchema();
    expect(pgText).toContain('provider = "postgresql"');
    expect(pgText).toContain('output       = "../../server/generated/prisma-pg"');
    expect(pgText).not.toContain('"sqlite"');
  });

  it("has one PostgreSQL migration for each SQLite migration, same names, none empty (scripts/pg-migrations.sh)", () => {
    expect(listMigrations(PG_MIGRATIONS_DIR)).toEqual(listMigrations());
    for (const m of listMigrations(PG_MIGRATIONS_DIR)) expect(fs.readFileSync(path.join(PG_MIGRATIONS_DIR, m, "migration.sql"), "utf8").trim(), m).not.toBe("");
  });
});
