// Sign-in protection, stored in Redis so every API instance shares it and a restart
// forgets nothing. Three counters of failures in a sliding window (15 min):
// - account + address: 5 failures lock that account at that address only, so a stranger
//   elsewhere (or one guessing random names behind the same NAT) cannot lock anyone out;
// - address and account separately: past 10 failures, attempts are spaced out (a delay
//   growing 250 ms per failure up to 1.5 s, enforced as a queue of slots so parallel guesses
//   gain nothing); an attempt that would wait more than 5 s is refused with 429. A correct
//   password therefore still gets in once the guessing stops, after at most the delay.
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";

export interface ThrottleStore {
  /** Records a failure at `now`; returns the failures within the window. */
  addFailure(key: string, now: number, windowMs: number): Promise<number>;
  failures(key: string, now: number, windowMs: number): Promise<number>;
  clear(key: string): Promise<void>;
  /** Takes the next attempt slot `spacingMs` after the last one; the wait, or -1 beyond `maxWaitMs`. */
  reserve(key: string, now: number, spacingMs: number, maxWaitMs: number): Promise<number>;
  /** True the first time within `ttlMs` (to audit a condition once, not per request). */
  once(key: string, ttlMs: number): Promise<boolean>;
}

// Sorted set of failure times (unique members), trimmed to the window on every touch.
const ADD_FAILURE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('ZCARD', KEYS[1])`;
const COUNT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
return redis.call('ZCARD', KEYS[1])`;
// Next free slot: max(now, last slot end); refused when it is too far ahead.
const RESERVE = `
local now = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if slot - now > tonumber(ARGV[3]) then return -1 end
redis.call('SET', KEYS[1], slot + tonumber(ARGV[2]), 'PX', tonumber(ARGV[2]) + tonumber(ARGV[3]) + 1000)
return slot - now`;

export class RedisThrottleStore implements ThrottleStore {
  #seq = 0;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  async addFailure(key: string, now: number, windowMs: number) {
    const member = `${now}-${process.pid}-${++this.#seq}-${Math.random().toString(36).slice(2, 8)}`;
    return Number(await this.redis.eval(ADD_FAILURE, 1, this.prefix + key, now, windowMs, member));
  }
  async failures(key: string, now: number, windowMs: number) {
    return Number(await this.redis.eval(COUNT, 1, this.prefix + key, now, windowMs));
  }
  async clear(key: string) {
    await this.redis.del(this.prefix + key);
  }
  async reserve(key: string, now: number, spacingMs: number, maxWaitMs: number) {
    return Number(await this.redis.eval(RESERVE, 1, this.prefix + key, now, spacingMs, maxWaitMs));
  }
  async once(key: string, ttlMs: number) {
    return (await this.redis.set(this.prefix + key, "1", "PX", ttlMs, "NX")) === "OK";
  }
}

/** The same rules in this process's memory: used only while Redis does not answer. */
export class MemoryThrottleStore implements ThrottleStore {
  #hits = new Map<string, number[]>();
  #slots = new Map<string, number>();
  #once = new Map<string, number>();
  async addFailure(key: string, now: number, windowMs: number) {
    if (this.#hits.size > 10_000) this.#hits.clear(); // bounded memory under a flood
    const list = [...(await this.#recent(key, now, windowMs)), now];
    this.#hits.set(key, list);
    return list.length;
  }
  async failures(key: string, now: number, windowMs: number) {
    return (await this.#recent(key, now, windowMs)).length;
  }
  async clear(key: string) {
    this.#hits.delete(key);
  }
  async reserve(key: string, now: number, spacingMs: number, maxWaitMs: number) {
    const slot = Math.max(now, this.#slots.get(key) ?? 0);
    if (slot - now > maxWaitMs) return -1;
    if (this.#slots.size > 10_000) this.#slots.clear();
    this.#slots.set(key, slot + spacingMs);
    return slot - now;
  }
  async once(key: string, ttlMs: number) {
    const now = Date.now();
    if ((this.#once.get(key) ?? 0) > now) return false;
    if (this.#once.size > 10_000) this.#once.clear();
    this.#once.set(key, now + ttlMs);
    return true;
  }
  async #recent(key: string, now: number, windowMs: number) {
    return (this.#hits.get(key) ?? []).filter((t) => t > now - windowMs);
  }
}

/** Redis first; this process's memory while Redis is down (protection stays on). */
export class FallbackThrottleStore implements ThrottleStore {
  #warned = false;
  constructor(
    private readonly primary: ThrottleStore,
    private readonly fallback: ThrottleStore,
    private readonly logger?: Logger,
  ) {}
  #run<T>(f: (s: ThrottleStore) => Promise<T>): Promise<T> {
    return f(this.primary).catch((e: Error) => {
      if (!this.#warned) this.logger?.warn(`sign-in limiter: Redis unavailable (${e.message}); using this process's memory`);
      this.#warned = true;
      return f(this.fallback);
    });
  }
  addFailure(k: string, n: number, w: number) { return this.#run((s) => s.addFailure(k, n, w)); }
  failures(k: string, n: number, w: number) { return this.#run((s) => s.failures(k, n, w)); }
  clear(k: string) { return this.#run((s) => s.clear(k)); }
  reserve(k: string, n: number, sp: number, mw: number) { return this.#run((s) => s.reserve(k, n, sp, mw)); }
  once(k: string, t: number) { return this.#run((s) => s.once(k, t)); }
}

export interface LoginGuardOptions {
  windowMs: number;
  /** Failures of one account from one address before that pair is locked. */
  pairMax: number;
  /** Failures (per address, per account) before attempts are spaced out. */
  softAfter: number;
  stepMs: number;
  maxDelayMs: number;
  /** An attempt that would wait longer than this is refused (429). */
  maxWaitMs: number;
}

export const LOGIN_GUARD_DEFAULTS: LoginGuardOptions = { windowMs: 15 * 60_000, pairMax: 5, softAfter: 10, stepMs: 250, maxDelayMs: 1500, maxWaitMs: 5000 };

const h = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 24);

export type GuardEvent = { kind: "locked" | "throttled"; account: string; ip: string };

export class LoginGuard {
  readonly opts: LoginGuardOptions;
  constructor(
    private readonly store: ThrottleStore,
    private readonly now: () => number = Date.now,
    opts: Partial<LoginGuardOptions> = {},
  ) {
    this.opts = { ...LOGIN_GUARD_DEFAULTS, ...opts };
  }

  // Keys hash the user-typed name: bounded length, no odd characters in Redis key names.
  #keys(account: string, ip: string) {
    const a = h(account.toLowerCase());
    return { pair: `pair:${a}:${h(ip)}`, ip: `ip:${h(ip)}`, account: `acct:${a}` };
  }

  #delay(failures: number): number {
    const over = failures - this.opts.softAfter;
    return over <= 0 ? 0 : Math.min(this.opts.stepMs * over, this.opts.maxDelayMs);
  }

  /**
   * Before checking a password: refuses (429) a locked account+address pair or an
   * attempt too far back in the queue; otherwise waits out its slot. `onEvent` hears a
   * lock or throttle once per minute per key (for the audit log).
   */
  async admit(account: string, ip: string, onEvent?: (e: GuardEvent) => Promise<void>): Promise<{ waitedMs: number }> {
    const k = this.#keys(account, ip);
    const now = this.now();
    const { windowMs } = this.opts;
    const [pair, byIp, byAccount] = await Promise.all([this.store.failures(k.pair, now, windowMs), this.store.failures(k.ip, now, windowMs), this.store.failures(k.account, now, windowMs)]);
    if (pair >= this.opts.pairMax) {
      if (onEvent && (await this.store.once(`ev:${k.pair}`, 60_000))) await onEvent({ kind: "locked", account, ip });
      throw tooManyAttempts(Math.ceil(windowMs / 60_000), windowMs / 1000);
    }
    let wait = 0;
    for (const [key, failures] of [[k.ip, byIp], [k.account, byAccount]] as const) {
      const spacing = this.#delay(failures);
      if (!spacing) continue;
      const w = await this.store.reserve(`slot:${key}`, now, spacing, this.opts.maxWaitMs);
      if (w < 0) {
        if (onEvent && (await this.store.once(`ev:${key}`, 60_000))) await onEvent({ kind: "throttled", account, ip });
        throw slowDown(Math.ceil(this.opts.maxWaitMs / 1000));
      }
      wait = Math.max(wait, w);
    }
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return { waitedMs: wait };
  }

  /** After a wrong password or unknown name; says whether this failure locked the pair. */
  async failed(account: string, ip: string): Promise<{ locked: boolean }> {
    const k = this.#keys(account, ip);
    const now = this.now();
    const [pair] = await Promise.all([k.pair, k.ip, k.account].map((key) => this.store.addFailure(key, now, this.opts.windowMs)));
    return { locked: pair === this.opts.pairMax };
  }

  /** A correct password clears its own pair's count (the address/account counts decay). */
  async succeeded(account: string, ip: string): Promise<void> {
    await this.store.clear(this.#keys(account, ip).pair);
  }
}

export const tooManyAttempts = (minutes: number, retryAfterS: number) =>
  new AppError(429, "TOO_MANY_ATTEMPTS", `Đăng nhập sai quá nhiều lần, vui lòng thử lại sau ${minutes} phút.`, `Too many failed sign-ins; try again in ${minutes} minutes.`, { retryAfterS });

export const slowDown = (seconds: number) =>
  new AppError(429, "SLOW_DOWN", `Có quá nhiều lần đăng nhập sai từ địa chỉ hoặc tài khoản này; vui lòng thử lại sau ${seconds} giây.`, `Too many failed sign-ins from this address or for this account; try again in ${seconds} seconds.`, { retryAfterS: seconds });
