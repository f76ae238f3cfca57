// The output side of playout: the player hands whole MP3 frames to a Sink, paced in
// real time. A sink does no pacing of its own.
//
// Stream sinks (icecast, alsa) keep time when their output is lost mid-session: write()
// discards frames while the connection (or the encoder child) is down and resolves
// `false`, the sink reconnects with backoff in the background, and audio resumes with
// whatever the player is writing by then — the session stays on the clock. Each outage
// during which program audio was discarded is one dropout, reported once through
// `SinkOptions.onDropout` when audio flows again (or at close/abort if it never did)
// and listed in `SinkCloseInfo.dropouts`. write() rejects only when the sink cannot
// recover (e.g. a file sink's disk error) or is not open.
import type { Logger } from "../ffmpeg.ts";

export type SinkKind = "file" | "icecast" | "alsa";

/**
 * A stretch of program audio that did not reach the output. Epoch ms: `startMs` is when
 * the first frame was discarded (the connection may have dropped earlier, during silence),
 * `endMs` when audio flowed again, or when the sink was closed if it never came back.
 */
export interface SinkDropout {
  startMs: number;
  endMs: number;
  /** Bilingual cause, e.g. "Mất kết nối Icecast / Icecast connection lost: …". */
  reason: string;
}

export interface SinkCloseInfo {
  kind: SinkKind;
  /** Audio bytes the player handed to the sink (keep-alive silence excluded). */
  bytesWritten: number;
  /**
   * Of those, bytes that went to a live output (a connected Icecast socket, a running
   * encoder, the file). Less than bytesWritten when frames were discarded during a
   * dropout; 0 when the output was down for the whole session. Absent = all delivered.
   */
  bytesDelivered?: number;
  /** Outages during which program audio was discarded (same as reported to onDropout). */
  dropouts?: SinkDropout[];
  /** File sink: the MP3 file that holds what aired. */
  path?: string;
}

export interface Sink {
  readonly kind: SinkKind;
  /**
   * Audio the player may push ahead of real time (ms). Sound cards need a little
   * buffer to avoid underruns; a file needs none, and a small value keeps interrupts quick.
   */
  readonly leadMs: number;
  /**
   * Connects/opens the output before air time (pre-roll). Idempotent. Stream sinks retry
   * with backoff until `SinkOptions.openDeadlineMs` and then reject with a bilingual error.
   */
  open(): Promise<void>;
  /**
   * Writes whole MP3 frames; resolves once accepted (backpressure respected). Resolves
   * `false` when the frames were discarded because the output is down (keep time; see
   * above); `true` or nothing when they went out. Rejects only for an unrecoverable output.
   */
  write(chunk: Buffer): Promise<boolean | void>;
  /** Flushes and releases the output. */
  close(): Promise<SinkCloseInfo>;
  /** Tears the output down at once (child killed, nothing flushed). */
  abort(reason: string): Promise<void>;
}

export interface SinkOptions {
  logger?: Logger;
  /** ffmpeg binary for the ffmpeg-based sinks (alsa) (default ffmpegPath()). */
  ffmpegPath?: string;
  /** File sink: name of the MP3 to append to inside the configured directory. */
  fileName?: string;
  /**
   * Stream sinks: how long open() keeps trying when no deadline is given (default 5000 ms,
   * counted from the open() call).
   */
  openTimeoutMs?: number;
  /**
   * Stream sinks: epoch ms until which open() retries with backoff (250 ms doubling to 2 s).
   * Takes precedence over openTimeoutMs. Playout passes air time plus grace.
   */
  openDeadlineMs?: number;
  /** Called once per outage, when it ends (see SinkDropout). Must not throw. */
  onDropout?: (d: SinkDropout) => void;
  /** Clock for dropout times (epoch ms); default Date.now. */
  clock?: { now(): number };
}
