// Relay: pull an external stream (VOV, the district station) live and transcode it to
// the canonical MP3 on ffmpeg's stdout, frame by frame, for the player to air.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { ffmpegPath as defaultFfmpegPath, formatCommand, type Logger } from "./ffmpeg.ts";
import { CANONICAL_MP3, Mp3StreamParser } from "./mp3frames.ts";

export interface RelayOptions {
  url: string;
  /** Audio to pull; ffmpeg stops a little after it. */
  durationMs: number;
  ffmpegPath?: string;
  logger?: Logger;
  /** Kill the pull and fail when no audio frame arrives within this (default 5000 ms). */
  startTimeoutMs?: number;
  /** Pause reading when this much audio is queued (a fast source, e.g. a file URL). */
  maxBufferMs?: number;
}

export interface AudioChunk {
  data: Buffer;
  durationMs: number;
}

/** ffmpeg reads http(s); an icecast:// listener URL is plain HTTP. */
export function relayInputUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol === "icecast:") return `http:${url.slice("icecast:".length)}`;
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new Error(`Địa chỉ tiếp sóng phải là http, https hoặc icecast / Relay URL must be http, https or icecast: ${u.protocol}`);
  }
  return url;
}

/** Pure argv: pull `url`, transcode to canonical MP3 on stdout. */
export function relayArgs(url: string, durationMs: number): string[] {
  return [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
    // Give up on a stalled connection (microseconds) instead of hanging silently.
    "-rw_timeout", "5000000",
    // Only network protocols: a playlist or redirect must not reach file: or other schemes.
    "-protocol_whitelist", "http,https,tcp,tls,crypto",
    "-i", relayInputUrl(url),
    "-t", ((durationMs + 1000) / 1000).toFixed(3),
    "-map", "0:a:0", "-vn",
    "-ac", String(CANONICAL_MP3.channels), "-ar", String(CANONICAL_MP3.sampleRate),
    "-c:a", "libmp3lame", "-b:a", `${CANONICAL_MP3.bitrateKbps}k`,
    "-id3v2_version", "0", "-write_xing", "0",
    // Without this the pipe is flushed every 32 KB (2 s of audio).
    "-flush_packets", "1",
    "-f", "mp3", "pipe:1",
  ];
}

export class RelayStream {
  /** Resolves at the first audio frame; rejects if the pull fails or times out first. */
  readonly started: Promise<void>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly parser = new Mp3StreamParser();
  private readonly queue: AudioChunk[] = [];
  private queuedMs = 0;
  private ended = false;
  private failure: Error | null = null;
  private stderr = "";
  private wake: (() => void) | null = null;
  private readonly closed: Promise<void>;
  private readonly maxBufferMs: number;
  private stopping = false;

  constructor(private readonly opts: RelayOptions) {
    this.maxBufferMs = opts.maxBufferMs ?? 10_000;
    const bin = opts.ffmpegPath ?? defaultFfmpegPath();
    const args = relayArgs(opts.url, opts.durationMs);
    opts.logger?.debug(`relay: ${formatCommand(bin, args)}`);
    this.child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdin.on("error", () => undefined);
    this.child.stdin.end();
    this.closed = new Promise((resolve) => this.child.once("close", () => resolve()));

    let markStarted: () => void = () => undefined;
    let markFailed: (e: Error) => void = () => undefined;
    this.started = new Promise<void>((resolve, reject) => {
      markStarted = resolve;
      markFailed = reject;
    });
    this.started.catch(() => undefined); // observed through failure/read() too
    const timeoutMs = opts.startTimeoutMs ?? 5000;
    const timer = setTimeout(() => {
      this.fail(new Error(`không có âm thanh sau ${timeoutMs} ms / no audio within ${timeoutMs} ms`));
      this.child.kill("SIGKILL");
    }, timeoutMs);

    this.child.stderr.on("data", (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    this.child.stdout.on("data", (b: Buffer) => {
      this.enqueue(this.parser.push(b));
      if (this.queue.length) {
        clearTimeout(timer);
        markStarted();
      }
    });
    this.child.on("error", (err) => this.fail(err));
    this.child.once("close", (code, sig) => {
      clearTimeout(timer);
      this.enqueue(this.parser.end());
      if (code !== 0 && !this.stopping) this.fail(new Error(`ffmpeg exited with ${code ?? sig}: ${this.lastStderrLine()}`));
      this.ended = true;
      if (this.failure && !this.queue.length) markFailed(this.failure);
      else if (this.queue.length) markStarted();
      else if (this.stopping) markFailed(new Error("stopped"));
      else {
        this.fail(new Error("luồng kết thúc mà không có âm thanh / stream ended without audio"));
        markFailed(this.failure!);
      }
      this.notify();
    });
  }

  /** Why the pull stopped or failed, if it did. */
  get error(): Error | null {
    return this.failure;
  }

  get bufferedMs(): number {
    return this.queuedMs;
  }

  /**
   * Up to `maxMs` of queued audio (at least one frame), waiting for the stream when
   * the queue is empty. Null once the stream has ended and the queue is drained, or
   * when `signal` aborts the wait.
   */
  async read(maxMs: number, signal?: AbortSignal): Promise<AudioChunk | null> {
    while (!this.queue.length) {
      if (this.ended || signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener("abort", done);
          resolve();
        };
        this.wake = done;
        signal?.addEventListener("abort", done, { once: true });
      });
    }
    const parts: Buffer[] = [];
    let ms = 0;
    while (this.queue.length && (parts.length === 0 || ms + this.queue[0]!.durationMs <= maxMs)) {
      const c = this.queue.shift()!;
      parts.push(c.data);
      ms += c.durationMs;
    }
    this.queuedMs -= ms;
    if (this.child.stdout.isPaused() && this.queuedMs < this.maxBufferMs / 2) this.child.stdout.resume();
    return { data: Buffer.concat(parts), durationMs: ms };
  }

  /** Kills the pull (if still running) and waits for the process to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.closed;
  }

  private enqueue(frames: AudioChunk[]): void {
    for (const f of frames) {
      this.queue.push(f);
      this.queuedMs += f.durationMs;
    }
    if (this.queuedMs > this.maxBufferMs) this.child.stdout.pause();
    if (frames.length) this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.opts.logger?.warn(`relay ${this.opts.url} failed: ${err.message}`);
  }

  private lastStderrLine(): string {
    const lines = this.stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return lines.at(-1) ?? "(no stderr)";
  }
}

export function startRelay(opts: RelayOptions): RelayStream {
  return new RelayStream(opts);
}
