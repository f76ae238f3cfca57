// Entry point. `npm start` (no --role) runs the API, the scheduler and the background
// jobs (ingest, render, report) here, and playout in a child process of its own
// (`--role playout`) that this process supervises: restarted with backoff if it exits,
// its output forwarded with a "[playout]" prefix, signals forwarded. So no upload, report
// or API request shares playout's event loop.
// `--role api|scheduler|worker|playout|jobs|all` (repeatable or comma-separated) runs exactly
// those roles in this one process, for split deployments (`worker` airs too, `jobs` does
// not; `all` is every role in one process, without a child).
//
// Stopping: SIGTERM drains (airings on air may finish; see runtime.stop / Workers.close).
// Ctrl-C (SIGINT) is for a terminal: a short drain (CTRL_C_DRAIN_MS), so it stays quick.
// A second SIGINT or SIGTERM exits at once (the playout child is killed).
import { fork } from "node:child_process";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { RedisUnavailableError } from "./redis.ts";
import { ROLE_NAMES, startRuntime, type RoleName, type Runtime } from "./runtime.ts";
import { setNiceness } from "./priority.ts";
import { supervise, type Supervisor } from "./supervisor.ts";
import { isApiInstance, isStopMessage, runApiProcesses } from "./api-processes.ts";

/** How long airings on air may wind down after a Ctrl-C in the foreground. */
export const CTRL_C_DRAIN_MS = 2_000;
/**
 * After the drain, how long stopping may take before the process gives up and exits: closing
 * the queues, the database and a private Redis took over 6 s on a loaded 2-core machine.
 */
const STOP_MARGIN_MS = 10_000;

function parseRoles(argv: string[]): RoleName[] | null {
  const roles = new Set<RoleName>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = a.startsWith("--role=") ? a.slice(7) : a === "--role" ? argv[++i] : undefined;
    if (v === undefined) continue;
    for (const r of v.split(",")) {
      if (r === "all") ROLE_NAMES.forEach((n) => roles.add(n));
      else if ((ROLE_NAMES as readonly string[]).includes(r)) roles.add(r as RoleName);
      else throw new ConfigError(`Invalid --role ${JSON.stringify(r)}: use api, scheduler, worker, playout, jobs or all`);
    }
  }
  return roles.size ? [...roles] : null;
}

/** Lines of a child's stream, written to ours with a prefix. */
function forwardLines(stream: NodeJS.ReadableStream | null, prefix: string, out: NodeJS.WritableStream) {
  if (!stream) return;
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => out.write(`${prefix} ${line}\n`));
}

/** The supervised playout child of `npm start`. */
function startPlayoutChild(logger: Logger): Supervisor {
  const script = fileURLToPath(import.meta.url);
  return supervise({
    name: "playout process",
    logger,
    start: () => {
      const child = fork(script, ["--role", "playout"], {
        // The same loader (tsx) as ours, whichever way we were started.
        execArgv: process.execArgv,
        // The parent has already started Redis, migrated and seeded: the child only airs.
        env: { ...process.env, REDIS_AUTOSTART: "0", DEMO: "0", LOA_XA_SUPERVISED: "1" },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        // Its own process group: a terminal's Ctrl-C reaches the parent only, which
        // forwards it once. The IPC channel tells the child if the parent dies.
        detached: true,
      });
      forwardLines(child.stdout, "[playout]", process.stdout);
      forwardLines(child.stderr, "[playout]", process.stderr);
      logger.info(`playout process started (pid ${child.pid})`);
      return child;
    },
  });
}

async function main() {
  let config;
  let roles: RoleName[] | null;
  try {
    config = loadConfig();
    roles = parseRoles(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`loa-xa: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  if (roles?.length === 1 && roles[0] === "api" && config.API_PROCESSES > 1 && !isApiInstance()) {
    await runApiProcesses(config.API_PROCESSES, logger.child("api-processes"));
    return;
  }
  const supervising = roles === null;
  let runtime: Runtime | undefined;
  let playout: Supervisor | undefined;
  // Signals are ours from the start: one during start-up stops once started (a second exits).
  let pending: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (runtime) return void stop(signal);
    if (pending) process.exit(130);
    pending = signal;
    logger.info(`${signal}: stopping as soon as start-up is done (again to exit at once)`);
  };
  if (isApiInstance()) {
    // One of API_PROCESSES: its primary turns signals into one stop message each (a signal
    // to the process group would otherwise arrive twice), and its end stops this one.
    process.on("SIGINT", () => {});
    process.on("SIGTERM", () => {});
    process.on("message", (m) => isStopMessage(m) && onSignal(m.loaXaStop));
    process.on("disconnect", () => onSignal("SIGTERM"));
  } else {
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
  }
  // A supervised child whose parent is gone (even kill -9) stops instead of lingering; its
  // output pipes are gone with the parent, so writing to them must not crash the drain.
  if (process.env.LOA_XA_SUPERVISED === "1") {
    const orphaned = () => {
      for (const s of [process.stdout, process.stderr]) s.on("error", () => {});
      onSignal("SIGTERM");
    };
    process.on("disconnect", orphaned);
    // The parent may have died while our modules were still loading (no listener then).
    if (!process.connected) orphaned();
  }
  // Whatever else runs on the machine (uploads, reports, ffmpeg), the process that airs gets
  // the CPU first when a session starts.
  if (!supervising && (roles!.includes("worker") || roles!.includes("playout"))) {
    try {
      setNiceness(config.PLAYOUT_NICENESS);
    } catch (e) {
      logger.info(`playout priority ${config.PLAYOUT_NICENESS} refused (${(e as Error).message}): airing at normal priority; grant CAP_SYS_NICE or set Nice= in the service unit`);
    }
  }
  try {
    runtime = await startRuntime({
      config,
      roles: supervising ? ["api", "scheduler", "worker"] : roles!,
      playoutElsewhere: supervising,
      logger,
      printAdminPassword: (pw) => {
        process.stdout.write(`\n  Loa Xã: first administrator created.\n  Username: admin\n  One-time password: ${pw}\n  (You must change it at first sign-in.)\n\n`);
      },
    });
  } catch (err) {
    if (err instanceof RedisUnavailableError || err instanceof ConfigError) {
      process.stderr.write(`loa-xa: ${err.message}\n`);
      process.exit(3);
    }
    throw err;
  }
  if (!pending) playout = supervising ? startPlayoutChild(logger.child("supervisor")) : undefined;

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // Second signal: no more waiting.
      logger.warn(`${signal} again: exiting now`);
      playout?.kill("SIGKILL");
      runtime!.abort();
      process.exit(130);
    }
    stopping = true;
    const drainMs = signal === "SIGINT" ? CTRL_C_DRAIN_MS : undefined;
    logger.info(`${signal}: shutting down${drainMs !== undefined ? ` (airings on air get ${drainMs} ms; press Ctrl-C again to exit at once)` : ""}`);
    if (drainMs !== undefined) {
      const deadline = setTimeout(() => {
        logger.error(`shutdown deadline passed while waiting for: ${runtime!.stopStage() || "start-up"}; exiting`);
        playout?.kill("SIGKILL");
        runtime!.abort();
        process.exit(1);
      }, drainMs + STOP_MARGIN_MS);
      deadline.unref();
    }
    try {
      // The child gets the same signal (so the same drain, its own for SIGTERM, which a
      // service manager bounds); Redis stops after it.
      const child = playout?.stop({ signal, killAfterMs: drainMs !== undefined ? drainMs + STOP_MARGIN_MS : 24 * 3600_000 });
      await runtime!.stop({ drainMs, redisNeededUntil: child });
      process.exit(0);
    } catch (err) {
      logger.error("shutdown failed", err);
      process.exit(1);
    }
  };
  if (pending) void stop(pending);
}

main().catch((err) => {
  process.stderr.write(`loa-xa: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
