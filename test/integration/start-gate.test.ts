// The start gate (worker/start-gate.ts): writes caused by a start wait until every start due
// around that second in the process has gone out; lease renewals skip at most one beat.
import { describe, expect, it } from "vitest";
import { START_WINDOW_MS, StartGate } from "../../worker/start-gate.ts";

describe("start gate", () => {
  it("is busy only while a start is due within the window, and settles once it is done", async () => {
    let now = 1_000_000;
    const gate = new StartGate(() => now);
    const far = gate.expect(now + START_WINDOW_MS + 500);
    expect(gate.busy()).toBe(false); // a start 1.5 s away does not hold writes back
    const a = gate.expect(now + 200);
    const b = gate.expect(now + 200);
    expect(gate.busy()).toBe(true);
    let settled = false;
    const p = gate.settled().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    a();
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false); // zone b has not started yet
    b();
    await p;
    expect(settled).toBe(true);
    now += 600; // the far start is now due within the window
    expect(gate.busy()).toBe(true);
    far();
    expect(gate.busy()).toBe(false);
  });
});
