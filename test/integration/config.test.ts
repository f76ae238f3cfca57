import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.ts";


function runMain(env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-cfg-"));
  try {
    return spawnSync(process.execPath, ["--import", "tsx", "server/main.ts"], {
      env: { HOME: process.env.HOME ?? "/root", DATA_DIR: dir, DEMO: "0", ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("configuration", () => {
  it("reads defaults", () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(c.TZ).toBe("Asia/Ho_Chi_Minh");
    expect(c.databaseUrl).toBe(`file:${path.resolve("data/loa-xa.db")}`);
  });

  it("exits non-zero with one line naming PORT when PORT=abc", () => {
    const r = runMain({ PORT: "abc", PATH: process.env.PATH ?? "" });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^loa-xa: Invalid PORT="abc"/);
  });

  it("exits non-zero naming Redis when REDIS_URL is unreachable and redis-server is not on PATH", () => {
    const r = runMain({ REDIS_URL: "redis://127.0.0.1:1", PATH: "/nonexistent" });
    expect(r.status).not.toBe(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Redis is not answering at redis:\/\/127\.0\.0\.1:1\. Install it .*REDIS_URL/);
  });

  it("accepts PostgreSQL URLs in DATABASE_URL and rejects other schemes without printing the password", () => {
    for (const url of ["postgresql://loaxa:pw@db.local:5432/loaxa", "postgres://db.local/loaxa?schema=xa"]) {
      const c = loadConfig({ DATABASE_URL: url });
      expect([c.databaseUrl, c.databaseFile]).toEqual([url, null]);
    }
    expect(loadConfig({ DATABASE_URL: "file:/tmp/x.db" }).databaseFile).toBe("/tmp/x.db");
    expect(() => loadConfig({ DATABASE_URL: "mysql://root:secret@db/loaxa" })).toThrow(/^Invalid DATABASE_URL="mysql:\/\/root:\*\*\*@db\/loaxa": must start with file:/);
  });

  it("rejects an unknown time zone naming TZ", () => {
    expect(() => loadConfig({ TZ: "Mars/Olympus" })).toThrow(/Invalid TZ="Mars\/Olympus"/);
  });
});
