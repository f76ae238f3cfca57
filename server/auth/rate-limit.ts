// Sliding-window counter of failed sign-ins per key (username and client address).
export class FailureLimiter {
  #hits = new Map<string, number[]>();
  constructor(
    readonly maxFailures = 5,
    readonly windowMs = 15 * 60_000,
    readonly now: () => number = Date.now,
  ) {}

  blocked(key: string, max = this.maxFailures): boolean {
    return this.#recent(key).length >= max;
  }

  fail(key: string): void {
    // Bounded memory: forget keys whose window has passed once the map grows large.
    if (this.#hits.size > 10_000) for (const k of [...this.#hits.keys()]) this.#recent(k);
    const list = this.#recent(key);
    list.push(this.now());
    this.#hits.set(key, list);
  }

  reset(key: string): void {
    this.#hits.delete(key);
  }

  #recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.#hits.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.#hits.delete(key);
    return list;
  }
}
