// The airing lease (server/airing-lease.ts) on SQLite and on PostgreSQL: one winner per claim,
// renewal only by the owner, and an expired lease given back exactly once — before audio
// (claimed again), mid-session (the playing item closed at the last heartbeat, resumed in
// the session window) or past the window (interrupted).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { claimAiring, LEASE_MS, recoverExpiredLeases, renewLease } from "../../server/airing-lease.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";
import { createPgDatabase, pgTestUrl, type PgDatabase } from "../helpers/pg.ts";

const adminUrl = await pgTestUrl();
const pgDbs: PgDatabase[] = [];
afterAll(async () => {
  for (const d of pgDbs) await d.drop();
});

const backends: [string, () => Promise<Record<string, string>>][] = [["SQLite", async () => ({})]];
if (adminUrl) {
  backends.push(["PostgreSQL", async () => {
    const d = await createPgDatabase(adminUrl, "lease");
    pgDbs.push(d);
    return { DATABASE_URL: d.url };
  }]);
}

describe.each(backends)("airing lease on %s", (_name, dbEnv) => {
  let env: TestEnv;
  const clock = new ManualClock("2026-11-30T22:29:40.000Z");
  afterAll(async () => env?.cleanup());

  const setUp = async () => {
    env ??= await createTestEnv({ clock, env: await dbEnv(), withRoutes: false });
    // Each case looks at its own airing only: earlier ones are closed.
    await env.db.airing.updateMany({ where: { status: "airing" }, data: { status: "aired", leaseOwner: null, leaseUntil: null } });
    const zone = await env.db.zone.create({ data: { code: `z${Date.now()}${Math.random()}`.slice(0, 20), name: "Thôn", outputKind: "file" } });
    const item = await env.db.item.create({ data: { title: "Tin", kind: "relay", relayUrl: "http://example.org/x", durationMs: 60_000, status: "ready" } });
    const airing = await env.db.airing.create({
      data: { zoneId: zone.id, source: "manual", localDate: "2026-12-01", scheduledStart: new Date(clock.now().getTime() + 20_000), maxDurationMs: 300_000, lines: { create: [{ position: 0, itemId: item.id, reason: "program", durationMs: 60_000 }] } },
      include: { lines: true },
    });
    return { zone, item, airing };
  };

  it("lets exactly one of many concurrent claims win, and only the owner renew", async () => {
    const { airing } = await setUp();
    const owners = await Promise.all(Array.from({ length: 6 }, (_, i) => claimAiring(env.db, clock, airing.id, `w${i}`)));
    const winners = owners.filter((o): o is string => o !== null);
    expect(winners).toHaveLength(1);
    const row = await env.db.airing.findUniqueOrThrow({ where: { id: airing.id } });
    expect(row).toMatchObject({ status: "airing", leaseOwner: winners[0], attempt: 1 });
    expect(row.leaseUntil!.getTime()).toBe(clock.now().getTime() + LEASE_MS);
    clock.advance(2000);
    expect(await renewLease(env.db, clock, airing.id, "someone-else")).toBe(false);
    expect(await renewLease(env.db, clock, airing.id, winners[0]!)).toBe(true);
    expect((await env.db.airing.findUniqueOrThrow({ where: { id: airing.id } })).heartbeatAt!.getTime()).toBe(clock.now().getTime());
  });

  it("gives an expired lease before any audio back once, for a new attempt", async () => {
    const { airing } = await setUp();
    const owner = (await claimAiring(env.db, clock, airing.id, "dead"))!;
    const queued: [number, number][] = [];
    const requeue = async (id: number, attempt: number) => void queued.push([id, attempt]);
    // Still valid: nothing happens.
    clock.advance(LEASE_MS - 1000);
    expect(await recoverExpiredLeases({ db: env.db, clock, logger: silentLogger, requeue })).toEqual({ released: 0, resumable: 0, closed: 0 });
    clock.advance(2000);
    // Two sweepers at once (scheduler and a worker): released once.
    const [a, b] = await Promise.all([1, 2].map(() => recoverExpiredLeases({ db: env.db, clock, logger: silentLogger, requeue })));
    expect(a!.released + b!.released).toBe(1);
    expect(queued).toEqual([[airing.id, 1]]);
    const row = await env.db.airing.findUniqueOrThrow({ where: { id: airing.id } });
    expect(row).toMatchObject({ status: "planned", leaseOwner: null, leaseUntil: null, actualStart: null });
    // The dead owner can no longer renew; the next attempt claims it.
    expect(await renewLease(env.db, clock, airing.id, owner)).toBe(false);
    expect(await claimAiring(env.db, clock, airing.id, "next")).toBeTruthy();
    expect((await env.db.airing.findUniqueOrThrow({ where: { id: airing.id } })).attempt).toBe(2);
  });

  it("closes the item cut by a dead worker at its last heartbeat and opens the session to be resumed, or interrupted past its window", async () => {
    for (const pastWindow of [false, true]) {
      const { airing, zone, item } = await setUp();
      const owner = (await claimAiring(env.db, clock, airing.id, "dead"))!;
      const start = clock.now().getTime();
      await env.db.airing.update({ where: { id: airing.id }, data: { actualStart: new Date(start) } });
      const row = await env.db.asRun.create({
        data: { airingId: airing.id, zoneId: zone.id, itemId: item.id, rundownLineId: airing.lines[0]!.id, localDate: "2026-12-01", scheduledStart: airing.scheduledStart, actualStart: new Date(start), status: "playing", source: "manual", plannedMs: 60_000 },
      });
      clock.advance(4000);
      expect(await renewLease(env.db, clock, airing.id, owner)).toBe(true); // last heartbeat at start + 4 s
      const lastBeat = clock.now().getTime();
      clock.advance(pastWindow ? 400_000 : LEASE_MS + 1000);
      const queued: number[] = [];
      const s = await recoverExpiredLeases({ db: env.db, clock, logger: silentLogger, requeue: async (id) => void queued.push(id) });
      expect(s).toEqual(pastWindow ? { released: 0, resumable: 0, closed: 1 } : { released: 0, resumable: 1, closed: 0 });
      const cut = await env.db.asRun.findUniqueOrThrow({ where: { id: row.id } });
      expect(cut).toMatchObject({ status: "interrupted", durationMs: lastBeat - start });
      expect(cut.actualEnd!.getTime()).toBe(lastBeat);
      const a = await env.db.airing.findUniqueOrThrow({ where: { id: airing.id } });
      expect(a.status).toBe(pastWindow ? "interrupted" : "planned");
      expect(a.actualStart!.getTime()).toBe(start);
      expect(queued).toEqual(pastWindow ? [] : [airing.id]);
    }
  });

  it("gives back at once, before expiry, a lease whose owner process on this machine was killed; a live owner keeps it", async () => {
    const { airing } = await setUp();
    // A real process claims the airing (as a playout worker would), then is killed -9.
    const repo = path.resolve(import.meta.dirname, "../..");
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lease-owner-")), "claim.mts");
    fs.writeFileSync(script, [
      `import { createDb } from ${JSON.stringify(path.join(repo, "server/db/client.ts"))};`,
      `import { claimAiring } from ${JSON.stringify(path.join(repo, "server/airing-lease.ts"))};`,
      `const db = await createDb(process.env.DB_URL!);`,
      `const clock = { now: () => new Date(Number(process.env.NOW)) };`,
      `console.log(await claimAiring(db, clock as any, Number(process.env.AIRING), "doomed"));`,
      `setInterval(() => {}, 1000);`,
    ].join("\n"));
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: repo, stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, DB_URL: env.config.databaseUrl, NOW: String(clock.now().getTime()), AIRING: String(airing.id) },
    });
    const first = await readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
    const owner = String(first.value ?? "(the claiming process printed nothing)");
    expect(owner).toMatch(new RegExp(`^doomed:.*:${child.pid}@`));
    const sweep = () => recoverExpiredLeases({ db: env.db, clock, logger: silentLogger });
    // Alive, lease valid: kept.
    expect(await sweep()).toEqual({ released: 0, resumable: 0, closed: 0 });
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await gone;
    clock.advance(100); // far inside the lease
    expect(await sweep()).toEqual({ released: 1, resumable: 0, closed: 0 });
    expect(await env.db.airing.findUniqueOrThrow({ where: { id: airing.id } })).toMatchObject({ status: "planned", leaseOwner: null });
    // This process's own claim (alive) is never taken before expiry.
    expect(await claimAiring(env.db, clock, airing.id, "alive")).toBeTruthy();
    expect(await sweep()).toEqual({ released: 0, resumable: 0, closed: 0 });
  });
});
