// Issue #17 item 4: an airing's end only REQUESTS a re-plan; the scheduler's sweep serves
// any number of requests with one planning pass, off the playout path.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner, type Planner } from "../../server/planner.ts";
import { startScheduler } from "../../server/scheduler.ts";
import { createPlayoutChannels } from "../../worker/channels.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
const clock = new ManualClock("2026-11-30T01:00:00.000Z");
beforeAll(async () => {
  env = await createTestEnv({ clock, withRoutes: false });
});
afterAll(async () => env?.cleanup());

describe("coalesced re-plan requests", () => {
  it("serves many airing-end requests with one planning pass, in the scheduler's sweep", async () => {
    const channels = createPlayoutChannels({ db: env.db, config: env.config, events: env.events, logger: silentLogger, workerId: "t", clock, publisher: env.redis, channel: `${env.config.QUEUE_PREFIX}-control` });
    const real = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
    let replans = 0;
    const planner: Planner = { ...real, replan: async (scope) => (replans++, real.replan(scope)) };
    const scheduler = await startScheduler({ db: env.db, config: env.config, queues: env.queues, events: env.events, logger: silentLogger, clock, channels, planner, cron: false });
    try {
      // Three airings end (e.g. three zones of one session): each only sets the request.
      await Promise.all([channels.requestReplan(), channels.requestReplan(), channels.requestReplan()]);
      expect(replans).toBe(0);
      await scheduler.sweep();
      expect(replans).toBe(1);
      await scheduler.sweep(); // nothing pending: no pass
      expect(replans).toBe(1);
      await channels.requestReplan();
      await scheduler.sweep();
      expect(replans).toBe(2);
    } finally {
      await scheduler.stop();
      await channels.close();
    }
  });
});
