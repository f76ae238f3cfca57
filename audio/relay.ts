// Relay: pull an external stream (VOV, the provincial station) live and transcode it to
// the canonical MP3 on ffmpeg's stdout, frame by frame, for the player to air.
// Our own HTTP client fetches the stream (audio/relay-fetch.ts: every redirect hop checked,
// the checked address pinned) and pipes the bytes to ffmpeg's stdin; ffmpeg itself may
// open no protocol but the pipe, so nothing it parses can make it connect anywhere.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import type { IncomingMessage } from "node:http";
import { ffmpegPath as defaultFfmpegPath, formatCommand, type Logger } from "./ffmpeg.ts";
import { Mp3StreamParser } from "./mp3frames.ts";
import { CANONICAL } from "./canonical.ts";
import { parseAllowance, type PrivateAllowance } from "./net-policy.ts";
import { openRelay, relayHttpUrl, type Resolver } from "./relay-fetch.ts";

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
  /**
   * Which private addresses the stream (and every redirect) may reach. Default: the
   * RELAY_ALLOW_PRIVATE environment setting, as validated by the server's config.
   */
  allowPrivate?: PrivateAllowance;
  /** Fail when the source sends nothing this long while we want data (default 5000 ms). */
  idleTimeoutMs?: number;
  /** Name resolution (tests of DNS answers); default the system resolver. */
  resolve?: Resolver;
}

export interface AudioChunk {
  data: Buffer;
  durationMs: number;
}

/** The RELAY_ALLOW_PRIVATE setting of this process (invalid values allow nothing). */
export function defaultRelayAllowance(): PrivateAllowance {
  try {
    return parseAllowance(process.env.RELAY_ALLOW_PRIVATE);
  } catch {
    return false;
  }
}

/** ffmpeg reads http(s); an icecast:// listener URL is plain HTTP. */
export function relayInputUrl(url: string): string {
  return relayHttpUrl(url).href;
}

/** Pure argv: decode the relay bytes from stdin, transcode to canonical MP3 on stdout. */
export function relayArgs(durationMs: number): string[] {
  return [
    "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
    // No network and no files for the decoder: a playlist, a redirect or a crafted
    // stream cannot make ffmpeg open anything but the pipe we feed.
    "-protocol_whitelist", "pipe",
    "-i", "pipe:0",
    "-t", ((durationMs + 1000) / 1000).toFixed(3),
    "-map", "0:a:0", "-vn",
    "-ac", String(CANONICAL.channels), "-ar", String(CANONICAL.sampleRate),
    "-c:a", "libmp3lame", "-b:a", `${CANONICAL.bitRateKbps}k`,
    "-id3v2_version", "0", "-write_xing", "0",
    // Without this the pipe is flushed every 32 KB (2 s of audio).
    "-flush_packets", "1",
    "-f", "mp3", "pipe:1",
  ];
}

// Playlists need their own fetches (each hop checked); they are not relayed.
const PLAYLIST = /^\s*(#EXTM3U|\[playlist\])/i;

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
  private readonly fetchCtl = new AbortController();
  private source: IncomingMessage | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private gotAudio = false;

  constructor(private readonly opts: RelayOptions) {
    this.maxBufferMs = opts.maxBufferMs ?? 10_000;
    const bin = opts.ffmpegPath ?? defaultFfmpegPath();
    const args = relayArgs(opts.durationMs);
    relayHttpUrl(opts.url); // a bad scheme throws here, before any process starts
    opts.logger?.debug(`relay ${opts.url}: ${formatCommand(bin, args)}`);
    this.child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdin.on("error", () => undefined); // ffmpeg stops reading after -t
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
      this.kill();
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
      this.closeSource();
      this.enqueue(this.parser.end());
      if (code !== 0 && !this.stopping) this.fail(new Error(`ffmpeg exited with ${code ?? sig}: ${this.lastStderrLine()}`));
      this.ended = true;
      if (this.failure && !this.queue.length) markFailed(this.failure);
      else if (this.queue.length || this.gotAudio) markStarted();
      else if (this.stopping) markFailed(new Error("stopped"));
      else {
        this.fail(new Error("luồng kết thúc mà không có âm thanh / stream ended without audio"));
        markFailed(this.failure!);
      }
      this.notify();
    });
    void this.pull(timeoutMs);
  }

  /** Fetches the stream (checked, pinned) and feeds its bytes to ffmpeg's stdin. */
  private async pull(timeoutMs: number): Promise<void> {
    try {
      const { response, url } = await openRelay(this.opts.url, {
        allowPrivate: this.opts.allowPrivate ?? defaultRelayAllowance(),
        timeoutMs,
        signal: this.fetchCtl.signal,
        ...(this.opts.resolve ? { resolve: this.opts.resolve } : {}),
      });
      if (this.stopping || this.child.exitCode !== null) {
        response.destroy();
        return;
      }
      this.source = response;
      this.opts.logger?.debug(`relay ${this.opts.url}: connected to ${url.href}`);
      let first = true;
      let lastData = Date.now();
      response.on("data", (b: Buffer) => {
        lastData = Date.now();
        if (first && PLAYLIST.test(b.subarray(0, 64).toString("latin1"))) {
          this.fail(new Error("luồng là danh sách phát (m3u/pls), không phải âm thanh / the stream is a playlist (m3u/pls), not audio"));
          this.kill();
        }
        first = false;
      });
      // A live source that goes quiet while we want data is a stall; a paused one is not.
      const idleMs = this.opts.idleTimeoutMs ?? 5000;
      this.idleTimer = setInterval(() => {
        if (!response.isPaused() && !this.child.stdin.writableNeedDrain && Date.now() - lastData > idleMs) {
          this.fail(new Error(`nguồn tiếp sóng im lặng ${idleMs} ms / the relay source sent nothing for ${idleMs} ms`));
          this.child.stdin.end();
          this.closeSource();
        }
      }, Math.min(1000, idleMs));
      response.on("error", (e) => {
        if (!this.stopping) this.fail(new Error(`kết nối tiếp sóng bị ngắt / relay connection lost: ${e.message}`));
        this.child.stdin.end();
      });
      response.on("aborted", () => {
        if (!this.stopping) this.fail(new Error("kết nối tiếp sóng bị ngắt / relay connection lost"));
      });
      response.on("close", () => this.child.stdin.end());
      response.pipe(this.child.stdin);
    } catch (err) {
      if (this.stopping) return;
      this.fail(err instanceof Error ? err : new Error(String(err)));
      this.kill();
    }
  }

  private closeSource(): void {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    this.fetchCtl.abort();
    this.source?.destroy();
  }

  private kill(): void {
    this.closeSource();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
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
    this.kill();
    await this.closed;
  }

  private enqueue(frames: AudioChunk[]): void {
    for (const f of frames) {
      this.gotAudio = true;
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
