// Core of the ffmpeg-based stream sink (alsa): a long-running ffmpeg child that reads MP3
// on stdin. It is spawned by open(), before air time (retried with backoff until the open
// deadline), and fed digital silence whenever the player is idle so that the output is
// live (device open) when the first real frame arrives.
// If the child dies mid-session (encoder crash, device unplugged and back), the sink keeps
// time: write() discards frames, a new child is started with backoff in the background,
// and the outage is reported once as a dropout (see types.ts) instead of failing the airing.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { ffmpegPath as defaultFfmpegPath, formatCommand, type Logger } from "../ffmpeg.ts";
import { SilenceFiller } from "./filler.ts";
import { backoffMs, DropoutLog, hhmmss, openDeadline, pause } from "./reconnect.ts";
import type { Sink, SinkCloseInfo, SinkOptions } from "./types.ts";

export interface PipeSinkSpec {
  kind: "icecast" | "alsa";
  args: string[];
  leadMs: number;
  /** Human label for messages, e.g. "alsa plughw:0,0". */
  label: string;
  /** Strings to mask in logs and error messages (passwords). */
  secrets: string[];
}

/** Input side shared by the ffmpeg sinks: MP3 on stdin, probed after three frames. */
export const PIPE_INPUT_ARGS = [
  "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
  // Default probing waits for ~1.4 s of input before connecting the output.
  "-probesize", "32", "-analyzeduration", "0",
  "-f", "mp3", "-i", "pipe:0",
];

const READY = /^Output #0/m;
const STDERR_TAIL = 4000;
/** One start attempt (spawn until "Output #0") may take this long at most. */
const ATTEMPT_MS = 5000;
/** Silence written to a new child so that it probes its input and opens the output (~260 ms). */
const PRIME_FRAMES = 10;

type State = "new" | "up" | "down" | "closed";

export class FfmpegPipeSink implements Sink {
  readonly kind: "icecast" | "alsa";
  readonly leadMs: number;
  private state: State = "new";
  private child: ChildProcessWithoutNullStreams | null = null;
  private exited: Promise<void> = Promise.resolve();
  private opening: Promise<void> | null = null;
  private restarting: Promise<void> | null = null;
  private readonly stop = new AbortController();
  private stderr = "";
  private bytes = 0;
  private delivered = 0;
  private readonly filler: SilenceFiller;
  private readonly logger: Logger | undefined;
  private readonly bin: string;
  private readonly now: () => number;
  private readonly dropouts: DropoutLog;

  constructor(
    private readonly spec: PipeSinkSpec,
    private readonly opts: SinkOptions = {},
  ) {
    this.kind = spec.kind;
    this.leadMs = spec.leadMs;
    this.logger = opts.logger;
    this.bin = opts.ffmpegPath ?? defaultFfmpegPath();
    const clock = opts.clock;
    this.now = clock ? () => clock.now() : () => Date.now();
    this.dropouts = new DropoutLog(spec.label, { onDropout: opts.onDropout, logger: opts.logger });
    this.filler = new SilenceFiller(this.now, () => this.state === "up" && this.child !== null, (silence, now) => {
      if (!this.child?.stdin.writable) return;
      this.child.stdin.write(silence);
      this.dropouts.flowing(now);
    });
  }

  /** The ffmpeg command line with secrets masked (for logs and tests). */
  get command(): string {
    return this.mask(formatCommand(this.bin, this.spec.args));
  }

  /** Pid of the running child (tests: kill it to simulate a crash). */
  get pid(): number | null {
    return this.state === "up" ? (this.child?.pid ?? null) : null;
  }

  open(): Promise<void> {
    if (this.state === "closed") return Promise.reject(new Error("Đầu ra đã đóng / Sink already closed"));
    this.opening ??= this.openUntil(openDeadline(this.opts, this.now()));
    return this.opening;
  }

  private async openUntil(deadline: number): Promise<void> {
    this.logger?.debug(`sink ${this.spec.label}: ${this.command}`);
    let attempts = 0;
    let last: Error | null = null;
    for (;;) {
      const left = deadline - this.now();
      if (attempts > 0 && left <= 0) break;
      attempts++;
      try {
        this.attach(await this.spawnReady(Math.max(250, Math.min(ATTEMPT_MS, left))));
        this.filler.start();
        return;
      } catch (e) {
        last = e as Error;
        if (this.state === "closed") throw last;
        this.logger?.debug(`sink ${this.spec.label}: open attempt ${attempts} failed: ${this.mask(last.message)}`);
      }
      const delay = Math.min(backoffMs(attempts - 1), deadline - this.now());
      if (delay <= 0) break;
      if (!(await pause(delay, this.stop.signal))) throw new Error("Đầu ra đã đóng / Sink already closed");
    }
    throw this.error(
      `Không mở được đầu ra ${this.spec.label} trước hạn ${hhmmss(deadline)} (${attempts} lần thử) / Could not open output ${this.spec.label} before the deadline ${hhmmss(deadline)} UTC (${attempts} attempts)`,
      last ?? new Error("no attempt"),
    );
  }

  /** Spawns ffmpeg and resolves once its output is open ("Output #0"); kills it otherwise. */
  private spawnReady(timeoutMs: number): Promise<ChildProcessWithoutNullStreams> {
    if (this.state === "closed") return Promise.reject(new Error("Đầu ra đã đóng / Sink already closed"));
    const child = spawn(this.bin, this.spec.args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.stderr = "";
    this.exited = new Promise((resolve) => child.once("close", () => resolve()));
    child.stdout.resume();
    child.stdin.on("error", () => undefined); // EPIPE after a crash: reported through "close"
    child.stderr.on("data", (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-STDERR_TAIL)));
    // ffmpeg opens its output only after probing some input: prime it with silence.
    child.stdin.write(Buffer.concat(Array.from({ length: PRIME_FRAMES }, () => this.filler.frame)));
    return new Promise((resolve, reject) => {
      let spawnError: Error | null = null;
      const timer = setTimeout(() => finish(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
      const onData = () => READY.test(this.stderr) && finish(null);
      const onClose = (code: number | null, sig: string | null) => finish(spawnError ?? new Error(`ffmpeg exited with ${code ?? sig}`));
      const onError = (err: Error) => (spawnError = err);
      const onAbort = () => finish(new Error("Đầu ra đã đóng / Sink already closed"));
      const finish = (err: Error | null) => {
        clearTimeout(timer);
        child.stderr.off("data", onData);
        child.off("close", onClose);
        this.stop.signal.removeEventListener("abort", onAbort);
        if (!err) return resolve(child);
        child.kill("SIGKILL");
        reject(err);
      };
      child.stderr.on("data", onData);
      child.once("close", onClose);
      child.on("error", onError);
      this.stop.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private attach(child: ChildProcessWithoutNullStreams): void {
    this.state = "up";
    this.filler.restart();
    child.once("close", (code, sig) => {
      if (child !== this.child || this.state !== "up") return;
      this.lost(this.error(`ffmpeg exited with ${code ?? sig}`, new Error("encoder stopped")).message);
    });
  }

  private lost(why: string): void {
    if (this.state !== "up") return;
    this.state = "down";
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    this.dropouts.lost(this.now(), `Đầu ra ${this.spec.label} ngừng / Output ${this.spec.label} stopped: ${why}`);
    this.restarting ??= this.restart().finally(() => (this.restarting = null));
  }

  /** Background restart of the child with backoff until it works or the sink is closed. */
  private async restart(): Promise<void> {
    for (let attempt = 0; this.state === "down"; attempt++) {
      if (!(await pause(backoffMs(attempt), this.stop.signal))) return;
      try {
        const child = await this.spawnReady(ATTEMPT_MS);
        if (this.state !== "down") {
          child.kill("SIGKILL");
          return;
        }
        this.attach(child);
        this.logger?.warn(`sink ${this.spec.label}: restarted after ${attempt + 1} attempt(s)`);
        return;
      } catch (e) {
        this.logger?.debug(`sink ${this.spec.label}: restart attempt ${attempt + 1} failed: ${this.mask((e as Error).message)}`);
      }
    }
  }

  async write(chunk: Buffer): Promise<boolean> {
    if (this.state === "new" || this.state === "closed") throw new Error(`Đầu ra chưa mở / Sink ${this.spec.label} is not open`);
    const now = this.now();
    this.filler.wrote(now);
    this.bytes += chunk.length;
    const ok = this.state === "up" && this.child ? await this.pipeWrite(this.child, chunk) : false;
    if (!ok) {
      this.dropouts.discarded(now);
      return false;
    }
    this.delivered += chunk.length;
    this.dropouts.flowing(now);
    return true;
  }

  /** Resolves true once ffmpeg took the chunk, false if the child died meanwhile. */
  private pipeWrite(child: ChildProcessWithoutNullStreams, chunk: Buffer): Promise<boolean> {
    return new Promise((resolve) => {
      let waiting = false;
      const onDrain = () => {
        child.off("close", onClose);
        resolve(true);
      };
      const onClose = () => {
        child.stdin.off("drain", onDrain);
        resolve(false);
      };
      const ok = child.stdin.write(chunk, (err) => {
        if (err) {
          if (waiting) onClose();
          else resolve(false);
        } else if (!waiting) resolve(true);
      });
      if (!ok) {
        waiting = true;
        child.stdin.once("drain", onDrain);
        child.once("close", onClose);
      }
    });
  }

  async close(): Promise<SinkCloseInfo> {
    const wasUp = this.state === "up";
    this.shutdown();
    const child = this.child;
    if (wasUp && child && child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      // ffmpeg flushes and exits on EOF; do not let a stuck device hold us forever.
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(timer);
      if (child.exitCode !== 0) {
        throw this.error(`Đóng đầu ra ${this.spec.label} thất bại / Closing ${this.spec.label} failed`, new Error(`ffmpeg exited with ${child.exitCode ?? child.signalCode}`));
      }
    }
    return { kind: this.kind, bytesWritten: this.bytes, bytesDelivered: this.delivered, dropouts: [...this.dropouts.all] };
  }

  async abort(reason: string): Promise<void> {
    this.shutdown();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.logger?.warn(`sink ${this.spec.label} aborted: ${reason}`);
      child.kill("SIGKILL");
    }
    await this.exited;
  }

  private shutdown(): void {
    this.state = "closed";
    this.stop.abort();
    this.filler.stop();
    this.dropouts.finish(this.now());
  }

  private mask(s: string): string {
    return this.spec.secrets.filter(Boolean).reduce((acc, secret) => acc.split(secret).join("***"), s);
  }

  private error(message: string, cause: Error): Error {
    const lines = this.mask(this.stderr).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    // ffmpeg's own words for the cause ("cannot open audio device", "Broken pipe").
    const generic = /^(Conversion failed|Error initializing output stream|Could not write header)/;
    const telling = lines.filter((l) => !generic.test(l) && /error|cannot|could not|fail|invalid|refused|denied|unauthori|not found|timed out/i.test(l));
    const detail = (telling.length ? telling : lines).slice(-3).join(" | ");
    return new Error(`${message}: ${this.mask(cause.message)}${detail ? ` — ${detail}` : ""}`, { cause });
  }
}
