// The handler map for every job in the catalogue.
import type { Clock } from "../server/clock.ts";
import { cloudTtsKey } from "../server/services/tts-keys.ts";
import type { Config } from "../server/config.ts";
import type { Db } from "../server/db/client.ts";
import type { EventHub } from "../server/events.ts";
import type { Logger } from "../server/logger.ts";
import type { Queues } from "../server/queues.ts";
import { playoutJob } from "../server/jobs/catalogue.ts";
import { createStorage } from "../server/storage.ts";
import { createPlanner, type Planner, type ReplanScope } from "../server/planner.ts";
import { generateMonthlyReport } from "../server/reports/monthly.ts";
import { createTtsRegistry } from "../audio/tts.ts";
import { createEspeakNgProvider } from "../audio/tts-espeak.ts";
import { createFptProvider, createViettelProvider } from "../audio/tts-cloud.ts";
import type { Handlers } from "./index.ts";
import type { PlayoutChannels } from "../server/playout-channels.ts";
import { createIngestHandler } from "./ingest.ts";
import { createRenderHandler } from "./render.ts";
import { createPlayoutHandler } from "./playout.ts";
import { raiseOutputDown } from "../server/alerts.ts";

export interface HandlerDeps {
  db: Db;
  config: Config;
  queues: Queues;
  events: EventHub;
  logger: Logger;
  clock: Clock;
  channels: PlayoutChannels;
  workerId?: string;
  planner?: Planner;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const storage = createStorage(deps.config.dataDir);
  const planner = deps.planner ?? createPlanner({ db: deps.db, queues: deps.queues, config: deps.config, clock: deps.clock, logger: deps.logger.child("planner"), events: deps.events });
  // A re-plan failure must not fail the job that triggered it: the next tick re-plans anyway.
  const replan = async (scope: ReplanScope) => {
    try {
      await planner.replan(scope);
    } catch (err) {
      deps.logger.warn(`re-plan failed: ${(err as Error).message}`);
    }
  };
  // espeak-ng (offline) is the default and the fallback; the cloud voices need a key.
  const c = deps.config;
  const tts = createTtsRegistry([
    createEspeakNgProvider(),
    // The key set in Settings, read before each use (so a new key needs no restart), else the environment's.
    createFptProvider({ url: c.FPT_TTS_URL, key: c.FPT_TTS_API_KEY, keyOf: () => cloudTtsKey(deps.db, "fpt", c), defaultTimeoutMs: c.TTS_CLOUD_TIMEOUT_S * 1000 }),
    createViettelProvider({ url: c.VIETTEL_TTS_URL, key: c.VIETTEL_TTS_TOKEN, keyOf: () => cloudTtsKey(deps.db, "viettel", c), defaultTimeoutMs: c.TTS_CLOUD_TIMEOUT_S * 1000 }),
  ], { defaultProviderId: "espeak-ng" });
  const base = { db: deps.db, storage, config: deps.config, events: deps.events, logger: deps.logger };
  return {
    ingest: createIngestHandler({ ...base, tts, onReady: (itemId) => replan({ itemId }) }),
    render: createRenderHandler(base),
    playout: createPlayoutHandler({
      ...base,
      clock: deps.clock,
      channels: deps.channels,
      workerId: deps.workerId ?? "worker",
      // The playout only asks: the scheduler re-plans once for any number of requests.
      onAiringEnded: () => deps.channels.requestReplan(),
      requeue: (airingId, attempt) => deps.queues.add(playoutJob(airingId, attempt)),
      // The sink retried until air time + grace (openDeadlineMs) and could not open.
      onOutputDown: (a) => raiseOutputDown({ db: deps.db, events: deps.events, logger: deps.logger, now: () => deps.clock.now() }, a),
    }),
    report: async (data) => {
      const r = await generateMonthlyReport({ db: deps.db, dataDir: deps.config.dataDir, clock: deps.clock, month: data.month });
      deps.events.publish("report.ready", { month: data.month });
      return r;
    },
  };
}
