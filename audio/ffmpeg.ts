// The one ffmpeg/ffprobe runner for Loa Xã. Every ffmpeg or ffprobe process in
// the project starts here, so every run gets: a timeout and AbortSignal that
// KILL the child (SIGTERM, then SIGKILL after a grace period) and settle only
// once the process has exited; the command line and the stderr tail attached to
// its error; progress from `-progress pipe:1`.
//
// Commands may be built with fluent-ffmpeg (an FfmpegCommand is accepted and
// turned into argv with its `_getArguments()`), but we spawn the binary
// ourselves: fluent-ffmpeg's runner has no AbortSignal, no SIGTERM→SIGKILL
// escalation, no machine-readable progress, and spawns extra `ffmpeg -formats`
// capability probes before each run. Argument building elsewhere in audio/ is
// pure (string[] in, string[] out) so it is unit-tested without ffmpeg.
import { spawn } from "node:child_process";
import { setPriority } from "node:os";
import { accessSync, existsSync, constants as fsConstants, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join, resolve as resolvePath } from "node:path";
import type { FfmpegCommand } from "fluent-ffmpeg";

export interface Logger {
  debug(msg: string): void;
  warn(msg: string): void;
}

export interface Progress {
  outTimeMs: number;
  percent?: number;
}

export interface RunOptions {
  /** Kill the child after this long. Default 10 minutes. */
  timeoutMs?: number;
  logger?: Logger;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Lets progress carry a percentage. */
  expectedDurationMs?: number;
  /** Time between SIGTERM and SIGKILL. Default 2000 ms. */
  killGraceMs?: number;
  /** Override the executable (tests; otherwise ffmpegPath()/ffprobePath()). */
  binaryPath?: string;
  /** Called once the child is spawned (pid known). */
  onStart?: (info: { pid: number; command: string }) => void;
  /** Every stderr line, for callers that parse filter output (silencedetect). */
  onStderrLine?: (line: string) => void;
}

/** Options shared by the higher-level audio operations. */
export interface AudioOpOptions extends Omit<RunOptions, "expectedDurationMs" | "onStart" | "onStderrLine"> {
  /** Scratch directory for intermediate files (lists, cut tails). Default os.tmpdir(). */
  tmpDir?: string;
}

/**
 * Niceness of every ffmpeg/ffprobe/espeak child (BACKGROUND_NICENESS, default 10): ingest,
 * render and analysis are background work; on a small machine they must never take the CPU
 * from the playout process, whose timers decide when a session starts. (Live relays are
 * spawned in relay.ts, not here.) Validated with the rest of the configuration.
 */
export function backgroundNiceness(): number {
  const n = Number(process.env.BACKGROUND_NICENESS ?? 10);
  return Number.isInteger(n) && n >= -20 && n <= 19 ? n : 10;
}

/**
 * True when this process runs under a real-time policy (the playout unit's SCHED_RR, see
 * docs/deploy.md): a child would inherit it, and niceness does not apply to real-time
 * threads, so background ffmpeg is started through `chrt --other 0` (SCHED_OTHER).
 */
let realTime: boolean | undefined;
function runsRealTime(): boolean {
  if (realTime === undefined) {
    try {
      realTime = /^policy\s*:\s*[12]\s*$/m.test(readFileSync("/proc/self/sched", "utf8")) && existsSync("/usr/bin/chrt");
    } catch {
      realTime = false;
    }
  }
  return realTime;
}

/** The command that starts `bin` as background work (outside a real-time policy). */
export function backgroundCommand(bin: string, args: string[]): [string, string[]] {
  return runsRealTime() ? ["/usr/bin/chrt", ["--other", "0", bin, ...args]] : [bin, args];
}

/** Lowers a child's CPU priority; a child that already exited or a refusal is not an error. */
export function runInBackground(pid: number | undefined): void {
  const niceness = backgroundNiceness();
  if (pid === undefined || niceness === 0) return;
  try {
    setPriority(pid, niceness);
  } catch {
    // Exited already, or not permitted: it just runs at normal priority.
  }
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_KILL_GRACE_MS = 2_000;
const STDERR_TAIL_CHARS = 8_000;

const require = createRequire(import.meta.url);

export interface BinaryChoice {
  path: string;
  /** env: FFMPEG_PATH/FFPROBE_PATH; system: found on PATH (e.g. Debian's, security-updated); bundled: the npm package's 2018 static build. */
  source: "env" | "system" | "bundled";
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

const chosen = new Map<string, BinaryChoice>();

/**
 * Which binary runs: the override variable, else the system's (maintained, patched by the
 * distribution), else the bundled static build as a last resort. Decided once per process.
 */
function choose(name: "ffmpeg" | "ffprobe", envVar: string, pkg: string): BinaryChoice {
  const fromEnv = process.env[envVar];
  if (fromEnv) return { path: fromEnv, source: "env" };
  let c = chosen.get(name);
  if (!c) {
    const sys = onPath(name);
    c = sys ? { path: sys, source: "system" } : { path: (require(pkg) as { path: string }).path, source: "bundled" };
    chosen.set(name, c);
  }
  return c;
}

export const ffmpegBinary = (): BinaryChoice => choose("ffmpeg", "FFMPEG_PATH", "@ffmpeg-installer/ffmpeg");
export const ffprobeBinary = (): BinaryChoice => choose("ffprobe", "FFPROBE_PATH", "@ffprobe-installer/ffprobe");

/** ffmpeg binary: FFMPEG_PATH, else ffmpeg on PATH, else the one shipped by @ffmpeg-installer/ffmpeg. */
export function ffmpegPath(): string {
  return ffmpegBinary().path;
}

/** ffprobe binary: FFPROBE_PATH, else ffprobe on PATH, else the one shipped by @ffprobe-installer/ffprobe. */
export function ffprobePath(): string {
  return ffprobeBinary().path;
}

export class FfmpegError extends Error {
  readonly command: string;
  /** Last few KB of stderr. */
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;

  constructor(
    message: string,
    info: {
      command: string;
      stderr: string;
      exitCode: number | null;
      signal?: NodeJS.Signals | null;
      timedOut?: boolean;
      aborted?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = "FfmpegError";
    this.command = info.command;
    this.stderr = info.stderr;
    this.exitCode = info.exitCode;
    this.signal = info.signal ?? null;
    this.timedOut = info.timedOut ?? false;
    this.aborted = info.aborted ?? false;
  }
}

/** Quote argv for a log line that can be pasted into a shell. */
export function formatCommand(bin: string, args: readonly string[]): string {
  return [bin, ...args].map(shellQuote).join(" ");
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Parse one `-progress` key=value block line. Returns the output time in ms
 * for `out_time_us`/`out_time_ms` lines (both are microseconds in ffmpeg).
 */
export function parseProgressLine(line: string): number | undefined {
  const m = /^out_time_(?:us|ms)=(\d+)\s*$/.exec(line);
  return m ? Math.floor(Number(m[1]) / 1000) : undefined;
}

function isFluentCommand(x: unknown): x is FfmpegCommand {
  return typeof (x as { _getArguments?: unknown })?._getArguments === "function";
}

/** argv of a fluent-ffmpeg command (which may hold numbers) or a plain array. */
export function toArgs(cmd: readonly string[] | FfmpegCommand): string[] {
  return isFluentCommand(cmd) ? cmd._getArguments().map(String) : [...cmd];
}

interface SpawnResult {
  stdout: string;
  stderr: string;
}

/**
 * Run ffmpeg. Resolves with the stderr tail on exit code 0; rejects with an
 * FfmpegError otherwise. On timeout or abort the child is killed and the
 * promise settles only after it has exited.
 */
export async function runFfmpeg(
  cmd: readonly string[] | FfmpegCommand,
  opts: RunOptions = {},
): Promise<{ stderr: string }> {
  let args = toArgs(cmd);
  const wantsProgress = opts.onProgress !== undefined && !args.includes("-progress");
  if (wantsProgress) args = ["-progress", "pipe:1", "-nostats", ...args];
  const res = await runProcess(opts.binaryPath ?? ffmpegPath(), args, opts, wantsProgress);
  return { stderr: res.stderr };
}

/** Run ffprobe and return its stdout (e.g. JSON). Same kill semantics as runFfmpeg. */
export async function runFfprobe(args: readonly string[], opts: RunOptions = {}): Promise<{ stdout: string; stderr: string }> {
  return runProcess(opts.binaryPath ?? ffprobePath(), [...args], opts, false);
}

function runProcess(bin: string, args: string[], opts: RunOptions, parseProgress: boolean): Promise<SpawnResult> {
  const command = formatCommand(bin, args);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const graceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const logger = opts.logger;

  return new Promise<SpawnResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new FfmpegError(`Aborted before start: ${command}`, { command, stderr: "", exitCode: null, aborted: true }));
      return;
    }
    logger?.debug(`run: ${command}`);
    const child = spawn(...backgroundCommand(bin, args), { stdio: ["ignore", "pipe", "pipe"] });
    runInBackground(child.pid);

    let stderrTail = "";
    let stderrPartial = "";
    const stdoutChunks: string[] = [];
    let stdoutPartial = "";
    let timedOut = false;
    let aborted = false;
    let spawnError: Error | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          logger?.warn(`ffmpeg pid ${child.pid} ignored SIGTERM; sending SIGKILL`);
          child.kill("SIGKILL");
        }
      }, graceMs);
    };

    const timer = setTimeout(() => {
      timedOut = true;
      logger?.warn(`timeout after ${timeoutMs} ms, killing pid ${child.pid}: ${command}`);
      kill();
    }, timeoutMs);

    const onAbort = () => {
      aborted = true;
      kill();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });

    if (child.pid !== undefined) opts.onStart?.({ pid: child.pid, command });

    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
      if (!opts.onStderrLine) return;
      const lines = (stderrPartial + chunk).split(/\r?\n|\r/);
      stderrPartial = lines.pop() ?? "";
      for (const l of lines) opts.onStderrLine(l);
    });

    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      if (!parseProgress) {
        stdoutChunks.push(chunk);
        return;
      }
      const lines = (stdoutPartial + chunk).split("\n");
      stdoutPartial = lines.pop() ?? "";
      for (const l of lines) {
        const outTimeMs = parseProgressLine(l);
        if (outTimeMs === undefined) continue;
        const p: Progress = { outTimeMs };
        if (opts.expectedDurationMs && opts.expectedDurationMs > 0) {
          p.percent = Math.min(100, (outTimeMs / opts.expectedDurationMs) * 100);
        }
        opts.onProgress?.(p);
      }
    });

    child.on("error", (err) => {
      spawnError = err;
    });

    // 'close' fires after the process exited and its pipes drained.
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (stderrPartial && opts.onStderrLine) opts.onStderrLine(stderrPartial);
      const stderr = stderrTail;
      if (spawnError) {
        reject(new FfmpegError(`Cannot start ${bin}: ${spawnError.message}`, { command, stderr, exitCode: null, cause: spawnError }));
      } else if (timedOut || aborted) {
        const why = timedOut ? `timed out after ${timeoutMs} ms` : "aborted";
        reject(new FfmpegError(`ffmpeg ${why} (killed): ${command}`, { command, stderr, exitCode: code, signal: sig, timedOut, aborted }));
      } else if (code !== 0) {
        const last = lastMeaningfulLine(stderr);
        logger?.warn(`exit ${code ?? sig}: ${command}\n${last}`);
        reject(new FfmpegError(`ffmpeg exited with ${code ?? sig}: ${last}`, { command, stderr, exitCode: code, signal: sig }));
      } else {
        resolve({ stdout: stdoutChunks.join(""), stderr });
      }
    });
  });
}

function lastMeaningfulLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? "(no stderr)";
}

/**
 * A local path as an ffmpeg URL. `file:` stops a name like `concat:…`, `http:…`
 * or `-foo` from being read as a protocol or an option; relative paths resolve
 * against the process cwd.
 */
export function fileUrl(path: string): string {
  return path.startsWith("file:") ? path : `file:${resolvePath(path)}`;
}

/** Timeout for a job over `durationMs` of audio: 1 min + a quarter of realtime. */
export function defaultTimeoutFor(durationMs: number): number {
  return 60_000 + Math.ceil(Math.max(0, durationMs) / 4);
}
