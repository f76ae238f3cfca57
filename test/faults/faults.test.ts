// Issue #10 acceptance: every fault of the matrix against REAL processes (api+scheduler and
// worker as separate `server/main.ts` processes), a real Redis, a real icecast2 and an
// independent listener (test/faults/listener.mjs, no project code) that detects the
// session's test tones. Each scenario is a fully isolated installation; all of them run at
// once (started in beforeAll, each `it` awaits and judges its own), so the folder takes
// about one scenario's time (~3-4 min: a whole-minute air time, the session, recovery).
//   npx vitest run test/faults            (FAULTS=name1,name2 to run a subset)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIOS, judge, runScenario, type Outcome } from "./scenarios.ts";

const only = process.env.FAULTS?.split(",").filter(Boolean);
const chosen = SCENARIOS.filter((s) => !only || only.includes(s.name));
const runs = new Map<string, Promise<Outcome>>();

beforeAll(() => {
  // Staggered (5 s apart): eight installations booting at once starve a 2-core machine.
  chosen.forEach((s, i) => {
    const p = new Promise<void>((r) => setTimeout(r, i * 5000)).then(() => runScenario(s));
    p.catch(() => {});
    runs.set(s.name, p);
  });
});

afterAll(async () => {
  await Promise.allSettled(runs.values());
}, 900_000);

describe("faults near air time (real processes, independent listener)", () => {
  for (const s of chosen) {
    it(`${s.name}: ${s.title}`, async () => {
      const o = await runs.get(s.name)!;
      const v = judge(o);
      // One line per scenario in the test output, pass or fail.
      console.log(`[faults] ${v.problems.length ? "FAIL" : "PASS"} ${v.summary}${v.problems.map((p) => `\n  - ${p}`).join("")}`);
      expect(v.problems, `${v.summary}\n--- last process log lines ---\n${o.logTail}`).toEqual([]);
    }, 900_000);
  }
});
