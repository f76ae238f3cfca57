import { describe, expect, it } from "vitest";
import { waitUntil, type Clock } from "../../audio/precise-timer.ts";

describe("waitUntil", () => {
  it("returns at or just after the target, never before", async () => {
    // Precision is measured by `npm run bench:timing`; tests only check correctness.
    for (let i = 0; i < 10; i++) {
      const target = Date.now() + 30 + i * 7;
      const actual = await waitUntil(target);
      expect(actual).toBeGreaterThanOrEqual(target);
      expect(Date.now()).toBeGreaterThanOrEqual(target);
    }
  });

  it("uses the injected clock for both the target and the returned time", async () => {
    const offset = 1_000_000_000; // a clock far in the future of Date.now()
    const clock: Clock = { now: () => Date.now() + offset };
    const target = clock.now() + 40;
    const actual = await waitUntil(target, { clock });
    expect(actual).toBeGreaterThanOrEqual(target);
    expect(actual).toBeLessThan(target + 1000);
  });

  it("returns at once for a past target and early when aborted", async () => {
    const past = Date.now() - 5000;
    expect(await waitUntil(past)).toBeGreaterThanOrEqual(Date.now() - 5);
    const ctl = new AbortController();
    const far = Date.now() + 60_000;
    setTimeout(() => ctl.abort(), 20);
    const t = await waitUntil(far, { signal: ctl.signal });
    expect(t).toBeLessThan(far - 50_000);
  });
});
