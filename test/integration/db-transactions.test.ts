// Interactive transactions of one process take turns (SQLite has one connection): a turn
// waited for 3 s (a planning pass beside an upload under load) is not an error. Prisma's
// default (2 s) answered such an upload with 500. And a transaction that read before another
// connection committed is run again instead of failing with SQLITE_BUSY_SNAPSHOT.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { createDb } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";

it("a transaction waits its turn behind a 3 s one instead of failing", async () => {
  const url = `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-tx-")), "t.db")}`;
  await migrateDatabase(url);
  const db = await createDb(url);
  try {
    const long = db.$transaction(async (tx) => {
      await tx.zone.create({ data: { code: "a", name: "A", outputKind: "file" } });
      await new Promise((r) => setTimeout(r, 3000));
    });
    await new Promise((r) => setTimeout(r, 100));
    const next = db.$transaction(async (tx) => tx.zone.create({ data: { code: "b", name: "B", outputKind: "file" } }));
    await Promise.all([long, next]);
    expect(await db.zone.count({ where: { code: { in: ["a", "b"] } } })).toBe(2);
  } finally {
    await db.$disconnect();
  }
}, 30_000);

it("runs a transaction again when another connection committed between its read and its write", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-tx-")), "t.db");
  await migrateDatabase(`file:${file}`);
  const db = await createDb(`file:${file}`);
  const other = new Database(file); // another process's connection, in effect
  try {
    let runs = 0;
    await db.$transaction(async (tx) => {
      await tx.zone.count();
      if (runs++ === 0) other.prepare("INSERT INTO Zone (code, name, outputKind, outputConfig, createdAt, updatedAt) VALUES ('other', 'O', 'file', '{}', 0, 0)").run();
      await tx.zone.create({ data: { code: "mine", name: "M", outputKind: "file" } });
    });
    expect(runs).toBe(2);
    expect((await db.zone.findMany({ where: { code: { in: ["other", "mine"] } } })).map((z) => z.code).sort()).toEqual(["mine", "other"]);
  } finally {
    other.close();
    await db.$disconnect();
  }
});

it("runs a transaction again when it wants to write while another connection holds the write lock (plain SQLITE_BUSY, no busy wait)", async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-tx-")), "t.db");
  await migrateDatabase(`file:${file}`);
  const db = await createDb(`file:${file}`);
  const other = new Database(file);
  try {
    // Another process in the middle of a write transaction (a settle pass, a plan commit)...
    other.prepare("BEGIN IMMEDIATE").run();
    other.prepare("INSERT INTO Zone (code, name, outputKind, outputConfig, createdAt, updatedAt) VALUES ('other', 'O', 'file', '{}', 0, 0)").run();
    setTimeout(() => other.prepare("COMMIT").run(), 400);
    // ...while this one reads, then writes: SQLite refuses the upgrade at once.
    let runs = 0;
    await db.$transaction(async (tx) => {
      runs++;
      await tx.zone.count();
      await tx.zone.create({ data: { code: "mine", name: "M", outputKind: "file" } });
    });
    expect(runs).toBeGreaterThan(1);
    expect((await db.zone.findMany({ where: { code: { in: ["other", "mine"] } } })).map((z) => z.code).sort()).toEqual(["mine", "other"]);
  } finally {
    other.close();
    await db.$disconnect();
  }
});
