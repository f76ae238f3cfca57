// What a service needs from the outside world, in one typed shape. Each service function
// takes the subset it uses (Pick<Deps, ...>), so a test or a worker passes only that.
import type { Redis } from "ioredis";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import type { EventHub } from "../events.ts";
import type { Logger } from "../logger.ts";
import type { Queues } from "../queues.ts";
import type { Storage } from "../storage.ts";
import type { Planner, ReplanScope } from "../planner.ts";
import type { ReportCache } from "../reports/cache.ts";

export interface Deps {
  db: Db;
  queues: Queues;
  clock: Clock;
  storage: Storage;
  logger: Logger;
  config: Config;
  redis: Redis;
  events: EventHub;
  planner: Planner;
  /** Reports by period, computed again only when the period's as-run watermark moves. */
  reports: ReportCache;
  /** Re-plans airings that have not started and are affected by an edit. */
  replan?: (scope: ReplanScope) => Promise<void>;
}
