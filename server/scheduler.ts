// The scheduler role: node-cron ticks plan the rolling horizon, reconcile Redis with the
// database, repeat active emergencies and queue the monthly report. Exactly one process
// should run this role; deterministic job ids make an accidental second one harmless.
import cron, { type ScheduledTask } from "node-cron";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import type { Queues } from "./queues.ts";
import { createPlanner, type Planner } from "./planner.ts";
import { createEmergencies } from "./emergencies.ts";
import type { PlayoutChannels } from "../worker/channels.ts";
import { addDays, localDateOf } from "./domain/time.ts";
import { SWEEP_MS } from "../worker/lease.ts";
import { ALERT_SWEEP_CRON, createAlertSweep } from "./alert-sweep.ts";

export interface Scheduler {
  planner: Planner;
  /** One planning + reconciliation pass (what each tick does). */
  tick(): Promise<void>;
  /** The fast sweep (every SWEEP_MS): expired airing leases, and coalesced re-plan requests. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export async function startScheduler(deps: { db: Db; config: Config; queues: Queues; events: EventHub; logger: Logger; clock: Clock; channels?: PlayoutChannels; planner?: Planner; cron?: boolean }): Promise<Scheduler> {
  const { db, config, logger, clock } = deps;
  const planner = deps.planner ?? createPlanner({ ...deps, isAiringAlive: deps.channels ? (id) => deps.channels!.alive(id) : undefined });
  const emergencies = createEmergencies({ ...deps, planner });
  const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;

  let running: Promise<void> | null = null;
  const tick = async () => {
    if (running) return running;
    running = (async () => {
      // Each step stands alone: a failed planning pass must not stop recovery or repeats.
      const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | null> => {
        try {
          return await fn();
        } catch (err) {
          logger.error(`${name} failed`, err);
          return null;
        }
      };
      try {
        const plan = await step("planning", () => planner.planHorizon());
        await step("emergency repeats", () => emergencies.extendRepeats());
        const rec = await step("reconciliation", () => planner.reconcile());
        await step("housekeeping", () => planner.housekeeping());
        if (plan && rec && (plan.changed || plan.cancelled || rec.playoutJobsCreated || rec.missed || rec.orphansClosed)) {
          logger.info(`plan: ${plan.planned} sessions (${plan.changed} changed, ${plan.cancelled} superseded); reconcile: ${JSON.stringify(rec)}`);
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };

  // Last month in the commune's calendar: the day before the 1st of this month.
  const reportMonth = () => addDays(`${localDateOf(clock.now(), tz).slice(0, 7)}-01`, -1).slice(0, 7);
  const queueReport = async () => {
    try {
      await deps.queues.add({ name: "report", data: { month: reportMonth() } });
    } catch (err) {
      logger.warn(`monthly report not queued: ${(err as Error).message}`);
    }
  };

  // Every few seconds: airings whose worker died are handed on within seconds, and airing
  // ends' re-plan requests are served by one planning pass (the playout never waits for it).
  let sweeping: Promise<void> | null = null;
  const sweep = () => {
    sweeping ??= (async () => {
      try {
        await planner.recoverLeases();
        // A tick in progress re-plans anyway; the request waits for the next sweep otherwise.
        if (!running && (await deps.channels?.takeReplanRequest())) await planner.replan();
      } catch (err) {
        logger.warn(`sweep failed: ${(err as Error).message}`);
      } finally {
        sweeping = null;
      }
    })();
    return sweeping;
  };

  // At start-up: recover from a crash or downtime before anything else airs.
  await tick();
  const tasks: ScheduledTask[] = [];
  let sweepTimer: NodeJS.Timeout | null = null;
  if (deps.cron !== false) {
    tasks.push(cron.schedule(config.PLAN_TICK_CRON, () => void tick(), { timezone: tz }));
    tasks.push(cron.schedule(config.REPORT_CRON, () => void queueReport(), { timezone: tz }));
    tasks.push(cron.schedule(ALERT_SWEEP_CRON, createAlertSweep(deps), { timezone: tz })); // alerts from the DB (server/alert-sweep.ts)
    sweepTimer = setInterval(() => void sweep(), SWEEP_MS);
  }
  return {
    planner,
    tick,
    sweep,
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      for (const t of tasks) await t.stop();
      await running;
      await sweeping;
    },
  };
}
