// Several zones often start at the same second in one playout process (the 05:30 bulletin on
// every cluster). Each start is followed by database writes (the airing's actual start, the
// item's as-run row, a lease heartbeat), and on SQLite a write that meets another process's
// write lock waits synchronously: the whole event loop stops, and with it the first frames
// of every zone still to start. So the writes a start causes wait until every start due in
// this process around that second has sent its first frames; lease renewals skip a beat
// there (a lease outlives two missed renewals).
export const START_WINDOW_MS = 1_000;
const POLL_MS = 10;
/** A start that hangs (e.g. a relay that will not come) holds writes back this long at most. */
const MAX_HOLD_MS = 6_000;

export class StartGate {
  private readonly pending = new Map<symbol, number>();

  /** `now`: the playout's clock (the one start times are compared with). */
  constructor(private readonly now: () => number) {}

  /** Announces a start at `atMs`; call the returned function once it started (or never will). */
  expect(atMs: number): () => void {
    const key = Symbol("start");
    this.pending.set(key, atMs);
    return () => void this.pending.delete(key);
  }

  /** True while a start is due within START_WINDOW_MS (or overdue and not yet done). */
  busy(): boolean {
    const horizon = this.now() + START_WINDOW_MS;
    for (const at of this.pending.values()) if (at <= horizon) return true;
    return false;
  }

  /** Resolves when no start is due within the window: then writes cannot delay one. */
  async settled(): Promise<void> {
    const giveUp = performance.now() + MAX_HOLD_MS;
    while (this.busy() && performance.now() < giveUp) await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
