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
import type { PlayoutChannels } from "./playout-channels.ts";
import { addDays, localDateOf } from "./domain/time.ts";
import { SWEEP_MS } from "./airing-lease.ts";
import { ALERT_SWEEP_CRON, createAlertSweep } from "./alert-sweep.ts";

export interface Scheduler {
  planner: Planner;
  /** One planning + reconciliation pass (what each tick does). */
  tick(): Promise<void>;
  /** The fast sweep (every SWEEP_MS): expired airing leases, coalesced re-plan requests, and
   *  the commune's time zone (the cron jobs follow an edit of it). */
  sweep(): Promise<void>;
  /** The time zone the cron jobs run in now, and when the monthly report is next queued. */
  timeZone(): string;
  nextReportRun(): Date | null;
  stop(): Promise<void>;
}

export async function startScheduler(deps: { db: Db; config: Config; queues: Queues; events: EventHub; logger: Logger; clock: Clock; channels?: PlayoutChannels; planner?: Planner; cron?: boolean }): Promise<Scheduler> {
  const { db, config, logger, clock } = deps;
  const planner = deps.planner ?? createPlanner({ ...deps, isAiringAlive: deps.channels ? (id) => deps.channels!.alive(id) : undefined });
  const emergencies = createEmergencies({ ...deps, planner });
  const communeTimeZone = async () => (await db.commune.findUniqueOrThrow({ where: { id: 1 }, select: { timeZone: true } })).timeZone;
  let tz = await communeTimeZone();

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
        await followTimeZone();
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
  let tasks: ScheduledTask[] = [];
  let reportTask: ScheduledTask | null = null;
  let sweepTimer: NodeJS.Timeout | null = null;
  const alertSweep = createAlertSweep(deps); // alerts from the DB (server/alert-sweep.ts)
  const startCron = () => {
    reportTask = cron.schedule(config.REPORT_CRON, () => void queueReport(), { timezone: tz });
    tasks = [cron.schedule(config.PLAN_TICK_CRON, () => void tick(), { timezone: tz }), reportTask, cron.schedule(ALERT_SWEEP_CRON, alertSweep, { timezone: tz })];
  };
  const stopCron = async () => {
    for (const t of tasks) await t.stop();
    tasks = [];
    reportTask = null;
  };
  // An edit of the commune's time zone: the cron jobs move to it (a report due "at 02:00 on
  // the 1st" means the commune's 02:00), and the next tick re-plans in it.
  async function followTimeZone(): Promise<void> {
    const now = await communeTimeZone();
    if (now === tz) return;
    logger.info(`commune time zone changed from ${tz} to ${now}: cron jobs follow`);
    tz = now;
    if (deps.cron === false) return;
    await stopCron();
    startCron();
  }
  if (deps.cron !== false) {
    startCron();
    sweepTimer = setInterval(() => void sweep(), SWEEP_MS);
  }
  return {
    planner,
    tick,
    sweep,
    timeZone: () => tz,
    nextReportRun: () => reportTask?.getNextRun() ?? null,
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      await stopCron();
      await running;
      await sweeping;
    },
  };
}
