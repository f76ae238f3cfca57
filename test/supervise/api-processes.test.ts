// `--role api` with API_PROCESSES=2, on real processes: two API processes under one primary
// share the port and both answer (the kernel's CPU accounting says so, not our logs), a
// sign-in made through one holds on the other, an instance killed with -9 is started again
// while requests keep being answered, and SIGTERM stops all of them with exit code 0.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childrenOf, login, prepareInstall, procInfo, startMain, waitFor, type Install, type MainProcess } from "./processes.ts";

/** CPU time (user + system, clock ticks) a process has used, from /proc. */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

const apiChildren = (pid: number) => childrenOf(pid).filter((c) => c.cmdline.includes("server/main.ts")).map((c) => c.pid).sort();

describe("API_PROCESSES=2: one port, two API processes", () => {
  let install: Install;
  let main: MainProcess;

  beforeAll(async () => {
    install = await prepareInstall();
    main = await startMain(install, ["--role", "api"], { API_PROCESSES: "2" });
  }, 180_000);
  afterAll(async () => {
    await main?.stop();
    await install?.cleanup();
  });

  const burst = async (cookie: string, n: number) => {
    const codes: number[] = [];
    for (let i = 0; i < n; i += 10) {
      codes.push(...(await Promise.all(Array.from({ length: 10 }, async () => {
        // A kept-alive connection to a killed instance is reset; a browser sends an idempotent
        // request again on a new connection, and so does this client (once).
        const get = () => fetch(`${main.url}/api/items?limit=50`, { headers: { cookie } });
        const r = await get().catch(get);
        await r.body?.cancel();
        return r.status;
      }))));
    }
    return codes;
  };

  it("both processes answer requests of one sign-in; a killed one is started again; SIGTERM stops all with code 0", async () => {
    // The port answers once the first listens; the second starts after it.
    await waitFor("both API processes listening", () => /2 API processes are listening/.test(main.log()), 120_000);
    const workers = apiChildren(main.pid);
    expect(workers).toHaveLength(2);
    const { cookie } = await login(main.url);
    const before = workers.map(cpuTicks);
    const codes = await burst(cookie, 400);
    expect(codes.every((c) => c === 200), `statuses: ${[...new Set(codes)]}`).toBe(true);
    const used = workers.map((pid, i) => cpuTicks(pid) - before[i]!);
    console.log(`[api-processes] CPU ticks used by each API process over 400 requests: ${used.join(", ")}`);
    for (const u of used) expect(u).toBeGreaterThan(5);

    // kill -9 of one instance: the other keeps answering, and a new one takes its place.
    process.kill(workers[0]!, "SIGKILL");
    // Connections the primary handed over in the moment before it saw the exit die with it.
    await waitFor("the primary to notice", () => /API process \d exited unexpectedly/.test(main.log()), 30_000, 50);
    const during = await burst(cookie, 50);
    expect(during.every((c) => c === 200), `statuses while one was down: ${[...new Set(during)]}`).toBe(true);
    const again = await waitFor("a new API process", () => {
      const now = apiChildren(main.pid);
      return now.length === 2 && !now.includes(workers[0]!) ? now : null;
    }, 60_000);
    expect(again).toContain(workers[1]);

    process.kill(main.pid, "SIGTERM");
    const exit = await Promise.race([main.exited, new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
    if (exit?.code !== 0) console.log(main.log().split("\n").slice(-40).join("\n"));
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of again) expect(procInfo(pid)).toBeNull();
  }, 180_000);
});
