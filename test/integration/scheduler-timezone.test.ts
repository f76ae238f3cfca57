// Issue #13 item 5: the scheduler role follows an edit of the commune's time zone; its cron
// jobs (planning ticks, the monthly report at 07:00 on the 1st, alert sweeps) must not keep
// running in the zone read at start-up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { toLocalParts } from "../../server/domain/time.ts";
import { silentLogger } from "../../server/logger.ts";
import { startScheduler } from "../../server/scheduler.ts";
import { createPlayoutChannels } from "../../worker/channels.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
const clock = new ManualClock("2026-11-30T01:00:00.000Z");
beforeAll(async () => {
  env = await createTestEnv({ clock, withRoutes: false, env: { REPORT_CRON: "0 7 1 * *" } });
});
afterAll(async () => env?.cleanup());

describe("scheduler time zone", () => {
  it("moves its cron jobs to the commune's new time zone at the next sweep", async () => {
    const channels = createPlayoutChannels({ db: env.db, config: env.config, events: env.events, logger: silentLogger, workerId: "t", clock, publisher: env.redis, channel: `${env.config.QUEUE_PREFIX}-control` });
    const scheduler = await startScheduler({ db: env.db, config: env.config, queues: env.queues, events: env.events, logger: silentLogger, clock, channels });
    const reportAt = (tz: string) => {
      const next = scheduler.nextReportRun();
      expect(next).not.toBeNull();
      const p = toLocalParts(next!, tz);
      return { minuteOfDay: p.minuteOfDay, day: new Intl.DateTimeFormat("en", { timeZone: tz, day: "numeric" }).format(next!) };
    };
    try {
      expect(scheduler.timeZone()).toBe("Asia/Ho_Chi_Minh");
      expect(reportAt("Asia/Ho_Chi_Minh")).toEqual({ minuteOfDay: 7 * 60, day: "1" });
      await env.db.commune.update({ where: { id: 1 }, data: { timeZone: "Europe/Berlin" } });
      await scheduler.sweep();
      expect(scheduler.timeZone()).toBe("Europe/Berlin");
      // 07:00 on the 1st in Berlin now, which is not 07:00 in Hà Nội.
      expect(reportAt("Europe/Berlin")).toEqual({ minuteOfDay: 7 * 60, day: "1" });
      expect(reportAt("Asia/Ho_Chi_Minh").minuteOfDay).not.toBe(7 * 60);
    } finally {
      await scheduler.stop();
      await channels.close();
    }
  }, 60_000);
});
