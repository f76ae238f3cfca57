// The output side of playout: the player hands whole MP3 frames to a Sink, paced in
// real time. A sink does no pacing of its own.
import type { Logger } from "../ffmpeg.ts";

export type SinkKind = "file" | "icecast" | "alsa";

export interface SinkCloseInfo {
  kind: SinkKind;
  /** Audio bytes the player handed to the sink (keep-alive silence excluded). */
  bytesWritten: number;
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
  /** Connects/opens the output before air time (pre-roll). Idempotent. */
  open(): Promise<void>;
  /** Writes whole MP3 frames; resolves once accepted (backpressure respected). */
  write(chunk: Buffer): Promise<void>;
  /** Flushes and releases the output. */
  close(): Promise<SinkCloseInfo>;
  /** Tears the output down at once (child killed, nothing flushed). */
  abort(reason: string): Promise<void>;
}

export interface SinkOptions {
  logger?: Logger;
  /** ffmpeg binary for the stream sinks (default ffmpegPath()). */
  ffmpegPath?: string;
  /** File sink: name of the MP3 to append to inside the configured directory. */
  fileName?: string;
  /** Stream sinks: how long open() waits for the output to be ready (default 5000 ms). */
  openTimeoutMs?: number;
  /** Epoch ms: open() retries with backoff until then (contract with playout; may be ignored). */
  openDeadlineMs?: number;
  /** Called for each stretch (epoch ms) the output could not carry; the sink keeps time. */
  onDropout?: (d: { startMs: number; endMs: number; reason: string }) => void;
}
