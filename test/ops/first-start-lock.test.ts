// The SQLite first-start lock (server/bootstrap.ts): one holder at a time, a lock whose
// owner died is taken over, a waiter gets it when the holder releases.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { acquireFirstStartLock } from "../../server/bootstrap.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-lock-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const url = `file:${path.join(dir, "x.db")}`;
const lockFile = path.join(dir, "x.db.first-start.lock");

describe("first-start lock (SQLite)", () => {
  it("serialises holders and takes over a lock whose owner is gone", async () => {
    const first = await acquireFirstStartLock(url);
    expect(fs.readFileSync(lockFile, "utf8").trim()).toBe(String(process.pid));
    const order: string[] = [];
    const second = acquireFirstStartLock(url).then((l) => (order.push("second acquired"), l));
    await new Promise((r) => setTimeout(r, 400));
    order.push("first released");
    await first.release();
    const l2 = await second;
    expect(order).toEqual(["first released", "second acquired"]);
    await l2.release();
    expect(fs.existsSync(lockFile)).toBe(false);

    // A process that held the lock and died (its pid no longer exists).
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    fs.writeFileSync(lockFile, `${dead}\n`);
    const l3 = await acquireFirstStartLock(url, { timeoutMs: 5000 });
    expect(fs.readFileSync(lockFile, "utf8").trim()).toBe(String(process.pid));
    await l3.release();
  });
});
