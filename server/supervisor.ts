// Keeps one child process alive: when it exits without being asked to, it is started
// again after a backoff that doubles on each quick failure (0.5 s, 1 s, 2 s … 30 s) and
// resets once a run lasted a minute. Used for the private redis-server and, under
// `npm start`, for the playout process. Knows nothing of what the child is.
import type { ChildProcess } from "node:child_process";
import type { Logger } from "./logger.ts";

/** running: up (and ready); restarting: exited, a new start is due or under way;
 *  down: several starts in a row failed (still retrying); stopped: asked to stop. */
export type SupervisedState = "starting" | "running" | "restarting" | "down" | "stopped";

export interface SupervisorStatus {
  state: SupervisedState;
  /** Starts after an unexpected exit, since this supervisor began. */
  restarts: number;
  pid: number | null;
  since: string;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
}

export interface Supervisor {
  status(): SupervisorStatus;
  child(): ChildProcess | null;
  /** Resolves true once the child is running (ready); false if it fails (exits or is
   *  not ready) first, is stopped, or is not running within `ms`. */
  whenRunning(ms: number): Promise<boolean>;
  /** Stops restarting, sends `signal` to the child and waits for it to exit; after
   *  `killAfterMs` the child is killed (SIGKILL). */
  stop(opts?: { signal?: NodeJS.Signals; killAfterMs?: number }): Promise<void>;
  /** Stops restarting and signals the child without waiting (second Ctrl-C). */
  kill(signal?: NodeJS.Signals): void;
}

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run at least this long counts as healthy: the next failure starts the backoff again. */
  resetAfterMs: number;
  /** Consecutive failed runs after which the state reads "down" rather than "restarting". */
  downAfter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000, downAfter: 3 };

/** Delay before start number `failures` (1 = first restart) of a crash loop. */
export function backoffDelay(failures: number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(p.initialMs * 2 ** Math.max(0, failures - 1), p.maxMs);
}

export function supervise(opts: {
  name: string;
  logger: Logger;
  /** Starts the child. May throw (counted as a failed run). */
  start: () => ChildProcess;
  /** Resolves true when a freshly started child is ready (default: at once). A false
   *  answer kills the child, which counts as a failed run. */
  ready?: (child: ChildProcess) => Promise<boolean>;
  backoff?: Partial<BackoffPolicy>;
  onState?: (s: SupervisorStatus) => void;
}): Supervisor {
  const policy = { ...DEFAULT_BACKOFF, ...opts.backoff };
  const { logger, name } = opts;
  let current: ChildProcess | null = null;
  let state: SupervisedState = "starting";
  let since = new Date();
  let restarts = 0;
  let failures = 0;
  let lastExit: SupervisorStatus["lastExit"] = null;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const watchers = new Set<() => void>();

  const status = (): SupervisorStatus => ({ state, restarts, pid: current?.pid ?? null, since: since.toISOString(), lastExit });
  const setState = (s: SupervisedState) => {
    if (s === state) return;
    state = s;
    since = new Date();
    for (const w of watchers) w();
    opts.onState?.(status());
  };

  const scheduleRestart = () => {
    if (stopping) return;
    failures++;
    restarts++;
    const delay = backoffDelay(failures, policy);
    setState(failures >= policy.downAfter ? "down" : "restarting");
    logger.warn(`${name}: restarting in ${delay} ms (restart ${restarts})`);
    timer = setTimeout(launch, delay);
  };

  function launch() {
    timer = undefined;
    if (stopping) return;
    let child: ChildProcess;
    try {
      child = opts.start();
    } catch (err) {
      logger.error(`${name}: could not start: ${(err as Error).message}`);
      scheduleRestart();
      return;
    }
    current = child;
    const startedAt = Date.now();
    let exited = false;
    const onGone = (code: number | null, signal: string | null) => {
      if (exited) return;
      exited = true;
      if (current === child) current = null;
      lastExit = { code, signal, at: new Date().toISOString() };
      if (stopping) {
        setState("stopped");
        return;
      }
      logger.warn(`${name}: exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}) after ${Math.round((Date.now() - startedAt) / 1000)} s`);
      if (Date.now() - startedAt >= policy.resetAfterMs) failures = 0;
      scheduleRestart();
    };
    child.once("exit", onGone);
    // A spawn failure (e.g. ENOENT) emits "error" and may never emit "exit".
    child.once("error", (err) => {
      logger.error(`${name}: ${err.message}`);
      if (child.pid === undefined) onGone(null, null);
    });
    const ready = opts.ready ? opts.ready(child) : Promise.resolve(true);
    void ready.then(
      (ok) => {
        if (exited || stopping) return;
        if (!ok) {
          logger.warn(`${name}: started but not ready; killing it`);
          child.kill("SIGKILL");
          return;
        }
        if (state !== "starting") logger.info(`${name}: running again (pid ${child.pid})`);
        setState("running");
      },
      () => child.kill("SIGKILL"),
    );
  }

  launch();

  return {
    status,
    child: () => current,
    whenRunning(ms) {
      if (state === "running") return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = (v: boolean) => {
          clearTimeout(t);
          watchers.delete(check);
          resolve(v);
        };
        const check = () => {
          done(state === "running");
        };
        const t = setTimeout(() => done(false), ms);
        watchers.add(check);
      });
    },
    stop({ signal = "SIGTERM", killAfterMs = 10_000 } = {}) {
      stopping = true;
      clearTimeout(timer);
      const child = current;
      if (!child || child.exitCode !== null || child.signalCode !== null) {
        setState("stopped");
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const t = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        child.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
        child.kill(signal);
      });
    },
    kill(signal = "SIGKILL") {
      stopping = true;
      clearTimeout(timer);
      current?.kill(signal);
    },
  };
}
