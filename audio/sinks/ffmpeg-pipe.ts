// Shared core of the stream sinks (icecast, alsa): a long-running ffmpeg child that reads
// MP3 on stdin. It is spawned by open(), before air time, and fed digital silence
// whenever the player is idle so that the output is live (mount up, device open) when
// the first real frame arrives, and a listener never sees the source time out.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { ffmpegPath as defaultFfmpegPath, formatCommand, type Logger } from "../ffmpeg.ts";
import { CANONICAL_FRAME_MS, silentFrame } from "../mp3frames.ts";
import type { Sink, SinkCloseInfo, SinkOptions } from "./types.ts";

export interface PipeSinkSpec {
  kind: "icecast" | "alsa";
  args: string[];
  leadMs: number;
  /** Human label for messages, e.g. "icecast 127.0.0.1:8000/live.mp3". */
  label: string;
  /** Strings to mask in logs and error messages (passwords). */
  secrets: string[];
}

/** Input side shared by the stream sinks: MP3 on stdin, probed after three frames. */
export const PIPE_INPUT_ARGS = [
  "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
  // Default probing waits for ~1.4 s of input before connecting the output.
  "-probesize", "32", "-analyzeduration", "0",
  "-f", "mp3", "-i", "pipe:0",
];

const READY = /^Output #0/m;
const TICK_MS = 100;
const IDLE_MS = 300;
const STDERR_TAIL = 4000;

export class FfmpegPipeSink implements Sink {
  readonly kind: "icecast" | "alsa";
  readonly leadMs: number;
  private child: ChildProcessWithoutNullStreams | null = null;
  private opening: Promise<void> | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stderr = "";
  private failure: Error | null = null;
  private bytes = 0;
  private lastWriteAt = -Infinity;
  private fillStart: number | null = null;
  private filledMs = 0;
  private filler: NodeJS.Timeout | null = null;
  private closing = false;
  private readonly silence = silentFrame();
  private readonly logger: Logger | undefined;
  private readonly bin: string;
  private readonly openTimeoutMs: number;

  constructor(private readonly spec: PipeSinkSpec, opts: SinkOptions = {}) {
    this.kind = spec.kind;
    this.leadMs = spec.leadMs;
    this.logger = opts.logger;
    this.bin = opts.ffmpegPath ?? defaultFfmpegPath();
    this.openTimeoutMs = opts.openTimeoutMs ?? 5000;
  }

  /** The ffmpeg command line with secrets masked (for logs and tests). */
  get command(): string {
    return this.mask(formatCommand(this.bin, this.spec.args));
  }

  open(): Promise<void> {
    if (this.closing) return Promise.reject(new Error("Đầu ra đã đóng / Sink already closed"));
    this.opening ??= this.start();
    return this.opening;
  }

  private start(): Promise<void> {
    this.logger?.debug(`sink ${this.spec.label}: ${this.command}`);
    const child = spawn(this.bin, this.spec.args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
    child.stdout.resume();
    child.stdin.on("error", (err) => this.fail(err));
    child.on("error", (err) => this.fail(err));
    child.once("close", (code, sig) => {
      this.stopFiller();
      if (!this.closing) this.fail(new Error(`ffmpeg exited with ${code ?? sig}`));
    });
    this.startFiller();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`not ready after ${this.openTimeoutMs} ms`)), this.openTimeoutMs);
      const onData = (b: Buffer) => {
        this.stderr = (this.stderr + b.toString()).slice(-STDERR_TAIL);
        if (READY.test(this.stderr)) finish(null);
      };
      const onClose = () => finish(this.failure ?? new Error("ffmpeg exited"));
      const finish = (err: Error | null) => {
        clearTimeout(timer);
        child.stderr.off("data", onData);
        child.off("close", onClose);
        // Keep collecting a stderr tail for later error messages.
        child.stderr.on("data", (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-STDERR_TAIL)));
        if (!err) return resolve();
        const wrapped = this.error(`Không mở được đầu ra ${this.spec.label} / Could not open output ${this.spec.label}`, err);
        void this.abort(wrapped.message).finally(() => reject(wrapped));
      };
      child.stderr.on("data", onData);
      child.once("close", onClose);
    });
  }

  async write(chunk: Buffer): Promise<void> {
    const child = this.child;
    if (this.failure) throw this.error(`Lỗi đầu ra ${this.spec.label} / Output ${this.spec.label} failed`, this.failure);
    if (!child || this.closing) throw new Error(`Đầu ra chưa mở / Sink ${this.spec.label} is not open`);
    this.lastWriteAt = Date.now();
    this.fillStart = null;
    await this.pipeWrite(child, chunk);
    this.bytes += chunk.length;
  }

  private pipeWrite(child: ChildProcessWithoutNullStreams, chunk: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const ok = child.stdin.write(chunk, (err) => {
        if (err) reject(this.error(`Lỗi ghi đầu ra ${this.spec.label} / Write to ${this.spec.label} failed`, err));
        else if (ok) resolve();
      });
      if (!ok) {
        const onDrain = () => {
          child.off("close", onClose);
          resolve();
        };
        const onClose = () => {
          child.stdin.off("drain", onDrain);
          reject(this.error(`Đầu ra ${this.spec.label} đã dừng / Output ${this.spec.label} stopped`, this.failure ?? new Error("closed")));
        };
        child.stdin.once("drain", onDrain);
        child.once("close", onClose);
      }
    });
  }

  async close(): Promise<SinkCloseInfo> {
    this.closing = true;
    this.stopFiller();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      // ffmpeg flushes and exits on EOF; do not let a stuck connection hold us forever.
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(timer);
      if (child.exitCode !== 0) {
        throw this.error(`Đóng đầu ra ${this.spec.label} thất bại / Closing ${this.spec.label} failed`, new Error(`ffmpeg exited with ${child.exitCode ?? child.signalCode}`));
      }
    }
    if (this.failure) throw this.error(`Lỗi đầu ra ${this.spec.label} / Output ${this.spec.label} failed`, this.failure);
    return { kind: this.kind, bytesWritten: this.bytes };
  }

  async abort(reason: string): Promise<void> {
    this.closing = true;
    this.stopFiller();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.logger?.warn(`sink ${this.spec.label} aborted: ${reason}`);
      child.kill("SIGKILL");
    }
    await this.exited;
  }

  /** Real-time silence while the player is not writing (pre-roll, relay start-up). */
  private startFiller(): void {
    const tick = () => {
      const child = this.child;
      if (!child || this.closing || this.failure) return;
      const now = Date.now();
      if (now - this.lastWriteAt < IDLE_MS) return;
      if (this.fillStart === null) {
        this.fillStart = now;
        this.filledMs = 0;
      }
      const due = now - this.fillStart + TICK_MS;
      const frames: Buffer[] = [];
      for (; this.filledMs < due; this.filledMs += CANONICAL_FRAME_MS) frames.push(this.silence);
      if (frames.length && child.stdin.writable) child.stdin.write(Buffer.concat(frames));
    };
    tick();
    this.filler = setInterval(tick, TICK_MS);
  }

  private stopFiller(): void {
    if (this.filler) clearInterval(this.filler);
    this.filler = null;
  }

  private fail(err: Error): void {
    this.failure ??= err;
  }

  private mask(s: string): string {
    return this.spec.secrets.filter(Boolean).reduce((acc, secret) => acc.split(secret).join("***"), s);
  }

  private error(message: string, cause: Error): Error {
    const lines = this.mask(this.stderr).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    // ffmpeg's own words for the cause ("cannot open audio device", "401 Unauthorized").
    const generic = /^(Conversion failed|Error initializing output stream|Could not write header)/;
    const telling = lines.filter((l) => !generic.test(l) && /error|cannot|could not|fail|invalid|refused|denied|unauthori|not found|timed out/i.test(l));
    const detail = (telling.length ? telling : lines).slice(-3).join(" | ");
    return new Error(`${message}: ${this.mask(cause.message)}${detail ? ` — ${detail}` : ""}`, { cause });
  }
}
