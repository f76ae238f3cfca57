// The supervisor on real (tiny) child processes: a child that keeps dying is restarted
// with a growing backoff and reads "down" after three quick failures; one that is killed
// is replaced; stop() ends it without a restart.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../server/logger.ts";
import { backoffDelay, supervise, type SupervisorStatus } from "../../server/supervisor.ts";
import { waitFor } from "./processes.ts";

const node = (code: string) => () => spawn(process.execPath, ["-e", code], { stdio: "ignore" });

describe("supervisor", () => {
  it("backs off 0.5 s, 1 s, 2 s … up to 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it("restarts a child that keeps exiting, with growing delays, and reports it down after three failures", async () => {
    const states: SupervisorStatus[] = [];
    const starts: number[] = [];
    const sup = supervise({
      name: "crasher",
      logger: silentLogger,
      start: () => {
        starts.push(Date.now());
        return node("process.exit(3)")();
      },
      backoff: { initialMs: 100, maxMs: 400 },
      onState: (s) => states.push(s),
    });
    try {
      await waitFor("four starts", () => starts.length >= 4, 20_000, 20);
      const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
      expect(gaps[0]).toBeGreaterThanOrEqual(100);
      expect(gaps[1]).toBeGreaterThanOrEqual(200);
      expect(gaps[2]).toBeGreaterThanOrEqual(400);
      expect(sup.status().restarts).toBeGreaterThanOrEqual(3);
      expect(states.map((s) => s.state)).toContain("down");
      expect(sup.status().lastExit).toMatchObject({ code: 3, signal: null });
    } finally {
      await sup.stop();
    }
    const n = starts.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(starts.length).toBe(n);
    expect(sup.status().state).toBe("stopped");
  });

  it("replaces a killed child and stops it when asked (no restart after stop)", async () => {
    const sup = supervise({ name: "sleeper", logger: silentLogger, start: node("setInterval(() => {}, 1000)"), backoff: { initialMs: 50 } });
    expect(await sup.whenRunning(5000)).toBe(true);
    const first = sup.child()!.pid!;
    process.kill(first, "SIGKILL");
    const second = await waitFor("a new child", () => (sup.status().state === "running" && sup.child()?.pid !== first ? sup.child()!.pid : null), 10_000, 20);
    expect(sup.status()).toMatchObject({ state: "running", restarts: 1, lastExit: { code: null, signal: "SIGKILL" } });
    await sup.stop({ signal: "SIGTERM" });
    expect(sup.status().state).toBe("stopped");
    expect(() => process.kill(second!, 0)).toThrow();
  });
});
