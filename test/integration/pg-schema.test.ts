// prisma/postgres/schema.prisma is generated from prisma/schema.prisma by
// scripts/pg-schema.ts; this fails when someone edits one without regenerating.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { expectedPgSchema, PG_SCHEMA } from "../../scripts/pg-schema.ts";

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
});
