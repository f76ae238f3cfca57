// `npm start` supervision, on real processes: playout runs in a child of its own (the
// kernel says who listens on the HTTP port and who is whose parent), a killed child or
// private redis-server is restarted and /api/health says so, Ctrl-C stops quickly and a
// second Ctrl-C at once. The private Redis runs on a free port (never the shared 6379).
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/icecast.ts";
import { childrenOf, health, login, prepareInstall, procInfo, startMain, waitFor, type Install, type MainProcess } from "./processes.ts";

/** Pids (among `candidates`) holding a listening TCP socket on `port`, per /proc. */
function listeners(port: number, candidates: number[]): number[] {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of fs.readFileSync(f, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === "0A") inodes.add(cols[9]!);
    }
  }
  return candidates.filter((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        return !!m && inodes.has(m[1]!);
      });
    } catch {
      return false;
    }
  });
}

type Beat = { pid: number; roles: string[]; jobs: string[] };
const playoutBeats = (body: any): Beat[] => ((body.checks?.workers?.alive ?? []) as Beat[]).filter((b) => b.jobs.includes("playout"));
const playoutBeat = (body: any): Beat | undefined => playoutBeats(body)[0];

describe("npm start: private Redis and a supervised playout process", () => {
  let install: Install;
  let main: MainProcess;
  let auth: { cookie: string };

  beforeAll(async () => {
    const redisPort = await freePort();
    install = await prepareInstall({ redisUrl: `redis://127.0.0.1:${redisPort}`, env: { REDIS_AUTOSTART: "1" } });
    main = await startMain(install, []);
    auth = await login(main.url);
  }, 180_000);
  afterAll(async () => {
    await main?.stop();
    await install?.cleanup();
  });

  it("airs from a child process: not the process that serves the API, even under a request storm; kill -9 → restarted", async () => {
    const w0 = Date.now();
    const first = await waitFor("a playout heartbeat", async () => playoutBeat((await health(main.url, auth)).body), 45_000);
    console.log(`first playout heartbeat ${Date.now() - w0} ms after sign-in`);
    expect(first.pid).not.toBe(main.pid);
    expect(procInfo(first.pid)).toMatchObject({ ppid: main.pid });
    expect(procInfo(first.pid)!.cmdline).toContain("--role playout");
    // The parent plans and serves, but takes no playout job.
    const parentBeat = ((await health(main.url, auth)).body.checks.scheduler.alive as Beat[]).find((b) => b.pid === main.pid)!;
    expect(parentBeat.roles.sort()).toEqual(["api", "scheduler", "worker"]);
    expect(parentBeat.jobs).not.toContain("playout");

    // A storm of API requests: all answered, and the kernel says only the parent listens.
    const port = Number(new URL(main.url).port);
    let answered = 0;
    const s0 = Date.now();
    const during: number[][] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, k) => {
        for (let i = 0; i < 5; i++) {
          const r = await fetch(`${main.url}/api/${k % 2 ? "zones" : "status"}`, { headers: { cookie: auth.cookie } });
          await r.arrayBuffer();
          if (r.status === 200) answered++;
          if (i === 2) during.push(listeners(port, [main.pid, first.pid]));
        }
      }),
    );
    expect(answered).toBe(100);
    for (const l of during) expect(l).toEqual([main.pid]);
    console.log(`API storm: 100/100 answered in ${Date.now() - s0} ms by pid ${main.pid}; playout pid ${first.pid} (parent ${procInfo(first.pid)!.ppid})`);

    // kill -9 the playout process: the parent starts another one.
    process.kill(first.pid, "SIGKILL");
    const t0 = Date.now();
    const second = await waitFor("a new playout process", async () => {
      const beats = playoutBeats((await health(main.url, auth)).body);
      return beats.find((b) => b.pid !== first.pid && procInfo(b.pid)?.ppid === main.pid);
    }, 45_000);
    console.log(`playout killed (pid ${first.pid}) → new pid ${second.pid} beating after ${Date.now() - t0} ms`);
    expect(main.log()).toContain("playout process: exited unexpectedly (signal SIGKILL)");
    expect(procInfo(first.pid)).toBeNull();
  }, 120_000);

  it("kill -9 of the private redis-server → restarted on the same data; /api/health shows restarts ≥ 1", async () => {
    const before = (await health(main.url, auth)).body.checks.redis;
    expect(before).toMatchObject({ ok: true, mode: "private", state: "running", restarts: 0 });
    expect(procInfo(before.pid)).toMatchObject({ comm: "redis-server", ppid: main.pid });
    process.kill(before.pid, "SIGKILL");
    const t0 = Date.now();
    const after = await waitFor("Redis back and healthy", async () => {
      const h = await health(main.url, auth);
      return h.status === 200 && h.body.checks.redis.restarts >= 1 && h.body.checks.redis.state === "running" ? h : null;
    }, 45_000);
    console.log(`redis-server killed (pid ${before.pid}) → health 200 after ${Date.now() - t0} ms:`, JSON.stringify(after.body.checks.redis));
    expect(after.body.checks.redis).toMatchObject({ ok: true, mode: "private", state: "running" });
    expect(after.body.checks.redis.restarts).toBeGreaterThanOrEqual(1);
    expect(after.body.checks.redis.pid).not.toBe(before.pid);
    expect(procInfo(after.body.checks.redis.pid)).toMatchObject({ comm: "redis-server", ppid: main.pid });
    expect(main.log()).toContain("redis-server: exited unexpectedly (signal SIGKILL)");
    // The operator was told (server/alerts.ts), and told it is over.
    const { createDb } = await import("../../server/db/client.ts");
    const db = await createDb(`file:${install.dataDir}/loa-xa.db`);
    try {
      const alert = await waitFor("the redis_down alert resolved", async () => {
        const a = await db.alert.findFirst({ where: { kind: "redis_down" } });
        return a?.resolvedAt ? a : null;
      }, 20_000);
      expect(alert.severity).toBe("critical");
      expect(await db.alert.count({ where: { kind: "redis_down" } })).toBe(1);
    } finally {
      await db.$disconnect();
    }
  }, 60_000);

  it("SIGINT: the parent exits within seconds, its playout process and Redis stopped first", async () => {
    const kids = childrenOf(main.pid).filter((c) => c.comm === "redis-server" || c.cmdline.includes("--role playout"));
    expect(kids).toHaveLength(2);
    const t0 = Date.now();
    main.child.kill("SIGINT");
    const exit = await main.exited;
    const took = Date.now() - t0;
    console.log(`SIGINT → exit ${JSON.stringify(exit)} after ${took} ms`);
    // What the parent and its playout process said while stopping, when it went wrong.
    if (exit.code !== 0) console.log(main.log().split("\n").slice(-60).join("\n"));
    expect(exit).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(15_000);
    for (const k of kids) expect(procInfo(k.pid), k.cmdline).toBeNull();
  }, 30_000);
});

describe("npm start: a second Ctrl-C", () => {
  let install: Install;
  let main: MainProcess;
  beforeAll(async () => {
    install = await prepareInstall();
    main = await startMain(install, []);
  }, 180_000);
  afterAll(async () => {
    await main?.stop();
    await install?.cleanup();
  });

  it("exits at once (code 130), killing a playout process that does not stop", async () => {
    const child = await waitFor("the playout process", () => childrenOf(main.pid).find((c) => c.cmdline.includes("--role playout")), 30_000);
    // A hung playout process (frozen): the first Ctrl-C would wait for it (up to the drain
    // plus a margin); the second must not.
    process.kill(child.pid, "SIGSTOP");
    main.child.kill("SIGINT");
    await waitFor("the first SIGINT to be taken", () => main.log().includes("SIGINT: shutting down"), 10_000, 50);
    expect(procInfo(child.pid)).not.toBeNull();
    const t0 = Date.now();
    main.child.kill("SIGINT");
    const exit = await main.exited;
    console.log(`second SIGINT → exit ${JSON.stringify(exit)} after ${Date.now() - t0} ms`);
    expect(exit).toEqual({ code: 130, signal: null });
    expect(main.log()).toContain("SIGINT again: exiting now");
    await waitFor("the playout process to be gone", () => procInfo(child.pid) === null, 5_000, 50);
  }, 60_000);
});

describe("npm start: the parent killed with -9", () => {
  let install: Install;
  let main: MainProcess;
  beforeAll(async () => {
    install = await prepareInstall();
    main = await startMain(install, []);
  }, 180_000);
  afterAll(async () => {
    await main?.stop();
    await install?.cleanup();
  });

  it("the playout process notices (IPC channel closed) and stops on its own, even mid-start-up", async () => {
    // Killed as soon as it exists: the child is still loading its modules.
    const child = await waitFor("the playout process", () => childrenOf(main.pid).find((c) => c.cmdline.includes("--role playout")), 30_000, 20);
    process.kill(main.pid, "SIGKILL");
    await main.exited;
    expect(procInfo(child.pid)).not.toBeNull();
    await waitFor("the orphaned playout process to stop", () => procInfo(child.pid) === null, 120_000, 200);
  }, 150_000);
});

describe("liveness in /api/health", () => {
  let install: Install;
  let api: MainProcess;
  beforeAll(async () => {
    install = await prepareInstall();
    api = await startMain(install, ["--role", "api,scheduler"]);
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
    await install?.cleanup();
  });

  it("no worker running while a zone has a session in the horizon → 503 unhealthy, naming the zone; a playout process → 200", async () => {
    const { createDb } = await import("../../server/db/client.ts");
    const db = await createDb(`file:${install.dataDir}/loa-xa.db`);
    try {
      const zone = await db.zone.create({ data: { code: "z1", name: "Thôn Một", outputKind: "file" } });
      const at = new Date(Date.now() + 3 * 3600_000);
      await db.airing.create({ data: { zoneId: zone.id, source: "manual", localDate: at.toISOString().slice(0, 10), scheduledStart: at, maxDurationMs: 600_000 } });
    } finally {
      await db.$disconnect();
    }
    const auth = await login(api.url);
    const anon = await waitFor("an answer naming the missing worker", async () => {
      const h = await health(api.url);
      return h.status === 503 ? h : null;
    }, 20_000);
    expect(anon.body).toEqual({ status: "unhealthy" });
    const admin = await health(api.url, auth);
    expect(admin.status).toBe(503);
    expect(admin.body.failed).toEqual(["workers"]);
    expect(admin.body.checks.scheduler.ok).toBe(true);
    expect(admin.body.checks.workers.detail).toMatch(/^no playout worker is alive to air Thôn Một \(z1, next session /);
    expect(admin.body.checks.workers.unserved).toEqual([expect.objectContaining({ code: "z1", name: "Thôn Một" })]);
    console.log("no worker:", JSON.stringify(admin.body.checks.workers));

    const playout = await startMain(install, ["--role", "playout"], {}, { waitForHttp: false });
    try {
      const ok = await waitFor("health 200 once a playout worker beats", async () => {
        const h = await health(api.url, auth);
        return h.status === 200 ? h : null;
      }, 45_000);
      expect(ok.body.status).toBe("ok");
      expect(playoutBeat(ok.body)?.pid).toBe(playout.pid);
    } finally {
      await playout.stop();
    }
    // A worker that stops cleanly takes its heartbeat with it.
    const gone = await health(api.url, auth);
    expect(gone.status).toBe(503);
    expect(gone.body.failed).toEqual(["workers"]);
  }, 120_000);
});
