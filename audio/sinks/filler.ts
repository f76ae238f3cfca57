// Real-time digital silence for a stream sink while the player is not writing (pre-roll,
// relay start-up): the output stays live (Icecast keeps the source, the device stays open)
// until the first real frame. Shared by the Icecast and ffmpeg-pipe sinks.
import { FRAME_MS, silentFrame } from "../canonical.ts";

const TICK_MS = 100;
/** The player counts as idle after this long without a write. */
const IDLE_MS = 300;

export class SilenceFiller {
  /** One canonical silent frame (the ffmpeg sink also primes a new child with it). */
  readonly frame = silentFrame();
  private lastWriteAt = -Infinity;
  private fillStart: number | null = null;
  private filledMs = 0;
  private timer: NodeJS.Timeout | null = null;

  /**
   * live: whether there is an output to feed now (while there is none, silence owed is
   * forgotten: it counts again from when output is back). feed: writes silence to it.
   */
  constructor(
    private readonly now: () => number,
    private readonly live: () => boolean,
    private readonly feed: (silence: Buffer, now: number) => void,
  ) {}

  /** The player wrote: silence waits until it is idle again, and counts from then. */
  wrote(now: number): void {
    this.lastWriteAt = now;
    this.fillStart = null;
  }

  /** A new connection or child: silence owed to the one before is not owed to it. */
  restart(): void {
    this.fillStart = null;
  }

  start(): void {
    this.tick();
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    if (!this.live()) {
      this.fillStart = null;
      return;
    }
    const now = this.now();
    if (now - this.lastWriteAt < IDLE_MS) return;
    if (this.fillStart === null) {
      this.fillStart = now;
      this.filledMs = 0;
    }
    // As many frames as real time has used since filling began, a tick ahead.
    const due = now - this.fillStart + TICK_MS;
    const frames: Buffer[] = [];
    for (; this.filledMs < due; this.filledMs += FRAME_MS) frames.push(this.frame);
    if (frames.length) this.feed(Buffer.concat(frames), now);
  }
}
