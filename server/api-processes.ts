// `--role api` with API_PROCESSES=N (N > 1): N API processes share the port through
// node:cluster, so the API uses more than one core. Each is a whole API instance: sessions,
// rate limits and live events are shared through the database and Redis, as between API
// instances on different machines (docs/deploy.md). This primary process serves nothing:
// it starts the instances one after another (the first migrates and seeds alone), starts
// again any that exits unasked (with the supervisor's backoff), and turns a signal into one
// stop message per instance. The instances ignore signals themselves: a terminal's Ctrl-C
// or systemd's SIGTERM reaches the whole process group, and a second delivery would mean
// "exit at once" to them (server/main.ts).
import cluster, { type Worker } from "node:cluster";
import type { Logger } from "./logger.ts";
import { backoffDelay, DEFAULT_BACKOFF } from "./supervisor.ts";

export interface StopMessage {
  loaXaStop: NodeJS.Signals;
}

export const isStopMessage = (m: unknown): m is StopMessage => typeof (m as StopMessage | null)?.loaXaStop === "string";

/** True in an API instance started by runApiProcesses. */
export const isApiInstance = (): boolean => cluster.isWorker;

export async function runApiProcesses(n: number, logger: Logger): Promise<void> {
  cluster.setupPrimary({ execArgv: process.execArgv, args: process.argv.slice(2) });
  let stopping: NodeJS.Signals | null = null;
  let exitCode = 0;
  const live = new Set<Worker>();
  const listening = new WeakSet<Worker>();
  // A message that reaches an instance still loading its modules finds no listener and is
  // lost: one not listening yet gets it again once it listens.
  const tell = (w: Worker, m: StopMessage) => {
    if (w.isConnected()) w.send(m);
    if (!listening.has(w)) w.once("listening", () => w.isConnected() && w.send(m));
  };

  let started = false;
  /** Starts one instance; resolves once it listens, rejects with its exit code if it exits
   *  first. Once all have started, one that exits (listening or not) is started again. */
  const start = (slot: number, failures = 0): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const w = cluster.fork();
      live.add(w);
      const began = Date.now();
      w.once("listening", () => {
        listening.add(w);
        resolve(w);
      });
      w.once("exit", (code, signal) => {
        live.delete(w);
        if (!listening.has(w)) reject(Object.assign(new Error(`API process ${slot} exited before listening (code ${code}, signal ${signal})`), { exitCode: code ?? 1 }));
        if (stopping) {
          if (live.size === 0) process.exit(exitCode);
          return;
        }
        // An instance failing to start during start-up fails the whole (the others are stopped below).
        if (!started && !listening.has(w)) return;
        // A run that lasted resets the backoff, as for the playout child.
        const next = listening.has(w) && Date.now() - began >= DEFAULT_BACKOFF.resetAfterMs ? 1 : failures + 1;
        const delay = backoffDelay(next);
        logger.warn(`API process ${slot} exited unexpectedly (code ${code}, signal ${signal}); starting it again in ${delay} ms`);
        setTimeout(() => {
          if (!stopping) start(slot, next).catch(() => {}); // its exit is handled here again
        }, delay); // not unref'd: with every instance down, it is what keeps this process up
      });
    });

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: the API processes exit at once`);
    } else {
      stopping = signal;
      logger.info(`${signal}: stopping ${live.size} API processes`);
    }
    for (const w of live) tell(w, { loaXaStop: signal });
    if (live.size === 0) process.exit(exitCode);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  try {
    for (let slot = 1; slot <= n && !stopping; slot++) await start(slot);
    started = true;
    logger.info(`${n} API processes are listening`);
  } catch (err) {
    // An instance that cannot start (configuration, database, Redis) says why in its own
    // output; the others are stopped and its exit code is ours.
    logger.error((err as Error).message);
    exitCode = (err as { exitCode?: number }).exitCode || 1;
    stopping ??= "SIGTERM";
    for (const w of live) tell(w, { loaXaStop: "SIGTERM" });
    if (live.size === 0) process.exit(exitCode);
  }
}
