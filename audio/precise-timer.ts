// Precise start: setTimeout alone fires a few ms late (and BullMQ delayed jobs 50–100 ms
// late), so sleep coarsely until just before the target, then spin on the clock.

export interface Clock {
  /** Epoch milliseconds (may be fractional). */
  now(): number;
}

/** Wall clock. Date.now() rather than performance.now(): schedules are wall-clock instants. */
export const systemClock: Clock = { now: () => Date.now() };

export interface WaitUntilOptions {
  clock?: Clock;
  /** Stop sleeping this long before the target and spin for the rest (default 15 ms). */
  spinMs?: number;
  /** Aborting returns early with the current time. */
  signal?: AbortSignal;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Resolves at `epochMs` (within about 1 ms) and returns the clock reading at that moment.
 * A target in the past returns at once. The clock must advance with real time (an offset
 * or simulated "now" is fine; a frozen clock never reaches the target). The final sub-millisecond wait is a short busy
 * loop; before that the event loop stays free (setImmediate between clock reads).
 */
export async function waitUntil(epochMs: number, opts: WaitUntilOptions = {}): Promise<number> {
  const clock = opts.clock ?? systemClock;
  const spinMs = opts.spinMs ?? 15;
  const signal = opts.signal;
  for (;;) {
    const left = epochMs - clock.now();
    if (left <= spinMs || signal?.aborted) break;
    // Re-check after every sleep: timers may fire early or the clock may be adjusted.
    await sleep(Math.min(left - spinMs, 60_000), signal);
  }
  while (!signal?.aborted && epochMs - clock.now() > 1) await immediate();
  // Busy wait for the last millisecond; bounded in real time so that a clock that stops
  // or steps back can never freeze the event loop.
  const spinUntil = performance.now() + 2;
  while (!signal?.aborted && clock.now() < epochMs && performance.now() < spinUntil) {
    // spin
  }
  return clock.now();
}

export { sleep as abortableSleep };
