// The silence both stream sinks send while the player is idle: as much as real time uses,
// none while the player writes, and none owed across an outage.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SilenceFiller } from "../../audio/sinks/filler.ts";
import { FRAME_MS } from "../../audio/canonical.ts";

describe("SilenceFiller", () => {
  beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => void vi.useRealTimers());

  const setup = () => {
    let live = true;
    const fed: { frames: number; at: number }[] = [];
    const f = new SilenceFiller(() => Date.now(), () => live, (silence, now) => void fed.push({ frames: silence.length / f.frame.length, at: now }));
    const frames = () => fed.reduce((n, x) => n + x.frames, 0);
    return { f, fed, frames, setLive: (v: boolean) => void (live = v) };
  };

  it("feeds real-time silence while idle: 10 s of it holds 10 s of frames (a tick ahead)", () => {
    const { f, frames } = setup();
    f.start();
    vi.advanceTimersByTime(10_000);
    const ms = frames() * FRAME_MS;
    expect(ms).toBeGreaterThanOrEqual(10_000);
    expect(ms).toBeLessThanOrEqual(10_000 + 100 + FRAME_MS);
    f.stop();
    const before = frames();
    vi.advanceTimersByTime(5_000);
    expect(frames()).toBe(before);
  });

  it("is quiet while the player writes and starts again 300 ms after its last write", () => {
    const { f, fed } = setup();
    f.start();
    const writing = setInterval(() => f.wrote(Date.now()), 26);
    fed.length = 0;
    vi.advanceTimersByTime(2_000);
    expect(fed).toEqual([]);
    clearInterval(writing);
    const lastWrite = Date.now();
    vi.advanceTimersByTime(1_000);
    expect(fed.length).toBeGreaterThan(0);
    expect(fed[0]!.at - lastWrite).toBeGreaterThanOrEqual(300);
    f.stop();
  });

  it("owes nothing for an outage: after it, silence counts from when output is back", () => {
    const { f, frames, setLive } = setup();
    f.start();
    vi.advanceTimersByTime(1_000);
    setLive(false);
    const before = frames();
    vi.advanceTimersByTime(5_000);
    expect(frames()).toBe(before);
    setLive(true);
    vi.advanceTimersByTime(1_000);
    // About one second more, not the six the clock moved.
    expect((frames() - before) * FRAME_MS).toBeLessThanOrEqual(1_000 + 100 + FRAME_MS);
    f.stop();
  });
});
