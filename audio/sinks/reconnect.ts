// What the stream sinks share for riding out a lost output: the retry backoff, the open
// deadline, and the dropout log (one report per outage, only when program audio was lost).
import type { Logger } from "../ffmpeg.ts";
import type { SinkDropout, SinkOptions } from "./types.ts";

/** 250 ms doubling to 2 s: a restarted Icecast is found within ~2 s of coming back. */
export function backoffMs(attempt: number): number {
  return Math.min(2000, 250 * 2 ** Math.max(0, attempt));
}

/** Epoch ms until which open() retries: openDeadlineMs, else now + openTimeoutMs (5 s). */
export function openDeadline(opts: SinkOptions, now: number): number {
  return opts.openDeadlineMs ?? now + (opts.openTimeoutMs ?? 5000);
}

/** Sleeps `ms`; resolves early (false) when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 23);

/**
 * Tracks outages of one sink. `lost()` when the output goes down, `discarded()` for each
 * program frame thrown away meanwhile, `flowing()` when bytes go out again, `finish()` at
 * close. An outage that cost no program audio (e.g. during pre-roll silence) is logged,
 * not reported: nothing of the session was missing.
 */
export class DropoutLog {
  readonly all: SinkDropout[] = [];
  private down: { at: number; reason: string; firstDiscard: number | null } | null = null;

  constructor(
    private readonly label: string,
    private readonly opts: Pick<SinkOptions, "onDropout"> & { logger?: Logger | undefined },
  ) {}

  get isDown(): boolean {
    return this.down !== null;
  }

  lost(now: number, reason: string): void {
    if (this.down) return;
    this.down = { at: now, reason, firstDiscard: null };
    this.opts.logger?.warn(`sink ${this.label}: output lost at ${hhmmss(now)}: ${reason}`);
  }

  discarded(now: number): void {
    if (this.down && this.down.firstDiscard === null) this.down.firstDiscard = now;
  }

  flowing(now: number): void {
    this.end(now, "back");
  }

  finish(now: number): void {
    this.end(now, "never came back before close");
  }

  private end(now: number, how: string): void {
    const d = this.down;
    if (!d) return;
    this.down = null;
    if (d.firstDiscard === null) {
      this.opts.logger?.warn(`sink ${this.label}: output ${how} after ${Math.round(now - d.at)} ms; no program audio was lost`);
      return;
    }
    const dropout: SinkDropout = { startMs: d.firstDiscard, endMs: Math.max(now, d.firstDiscard), reason: d.reason };
    this.all.push(dropout);
    this.opts.logger?.warn(`sink ${this.label}: dropout ${hhmmss(dropout.startMs)}–${hhmmss(dropout.endMs)} (${how}): ${d.reason}`);
    try {
      this.opts.onDropout?.({ ...dropout });
    } catch (e) {
      this.opts.logger?.warn(`sink ${this.label}: onDropout callback failed: ${String(e)}`);
    }
  }
}
