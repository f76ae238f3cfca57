// Time is injected everywhere so the scheduler and planner can be tested on a fixed or
// simulated clock instead of sleeps.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string | number) {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(to: Date | string | number): void {
    this.#ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** Real time shifted by a fixed offset: the system runs at real speed "at" another moment. */
export class OffsetClock implements Clock {
  offsetMs: number;
  constructor(at: Date | string | number) {
    this.offsetMs = new Date(at).getTime() - Date.now();
  }
  /** Re-anchors so that now() reads `at` (tests jump to just before an event). */
  jumpTo(at: Date | string | number): void {
    this.offsetMs = new Date(at).getTime() - Date.now();
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}
