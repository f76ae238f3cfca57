// Issue #13 item 2: the real planner at the longest horizon on SQLite (336 h, 50 zones,
// 3 sessions a day, 10 campaigns). It used to fail every pass at 168 h+ (a `notIn` list
// over SQLite's 999 bound parameters) and left a schedule moved from 05:30 to 06:00
// planned at both times.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { localToUtc, toLocalParts } from "../../server/domain/time.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner, type Planner } from "../../server/planner.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";
import { LOAD_FIRST_DAY, LOAD_TZ, seedPlanLoad, type PlanLoad } from "../helpers/plan-load.ts";

let env: TestEnv;
let planner: Planner;
let load: PlanLoad;
const clock = new ManualClock(localToUtc(LOAD_FIRST_DAY, "00:00", LOAD_TZ));

beforeAll(async () => {
  env = await createTestEnv({ clock, withRoutes: false, env: { PLAN_HORIZON_HOURS: "336" } });
  load = await seedPlanLoad(env.db, { zones: 50 });
  planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
}, 120_000);
afterAll(async () => env?.cleanup());

const localTimes = async (scheduleId: number, status: string[]) =>
  (await env.db.airing.findMany({ where: { scheduleId, status: { in: status } }, select: { scheduledStart: true } })).map((a) => {
    const m = toLocalParts(a.scheduledStart, LOAD_TZ).minuteOfDay;
    return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  });

describe("planner at 336 h with 50 zones on SQLite", () => {
  it("plans the whole horizon, and a schedule moved from 05:30 to 06:00 leaves only 06:00 airings", async () => {
    const first = await planner.planHorizon();
    expect(first).toMatchObject({ planned: 50 * 3 * 14, changed: 50 * 3 * 14, cancelled: 0 });
    const morning = load.scheduleIds[0]!;
    expect(new Set(await localTimes(morning, ["planned", "ready"]))).toEqual(new Set(["05:30"]));

    // Two morning airings are past the planner's reach: one on air, one aired.
    const [onAir, aired] = await env.db.airing.findMany({ where: { scheduleId: morning }, orderBy: { id: "asc" }, take: 2, include: { lines: true } });
    await env.db.airing.update({ where: { id: onAir!.id }, data: { status: "airing" } });
    await env.db.airing.update({ where: { id: aired!.id }, data: { status: "aired" } });

    await env.db.schedule.update({ where: { id: morning }, data: { startTime: "06:00" } });
    const edit = await planner.replan({ scheduleId: morning });
    expect(edit.cancelled).toBe(50 * 14 - 2);
    const open = await localTimes(morning, ["planned", "ready"]);
    expect(open.length).toBe(50 * 14);
    for (const [a, status] of [[onAir!, "airing"], [aired!, "aired"]] as const) {
      const now = await env.db.airing.findUniqueOrThrow({ where: { id: a.id }, include: { lines: true } });
      expect([now.status, now.planHash, now.updatedAt.getTime(), now.lines]).toEqual([status, a.planHash, now.updatedAt.getTime(), a.lines]);
      expect(now.statusReason).toBe("");
    }
    expect(new Set(open)).toEqual(new Set(["06:00"]));
    expect(new Set(await localTimes(morning, ["superseded"]))).toEqual(new Set(["05:30"]));
    // Their playout jobs went with them: one queued job per open airing, none for 05:30
    // (the two set on air and aired above by hand kept theirs: not the planner's to touch).
    const openIds = (await env.db.airing.findMany({ where: { status: { in: ["planned", "ready"] } }, select: { id: true } })).map((a) => `playout-${a.id}`);
    const handSet = [onAir!.id, aired!.id].map((id) => `playout-${id}`);
    expect((await env.queues.byName.playout.getJobs(["delayed", "waiting"])).map((j) => j.id!).filter((id) => !handSet.includes(id)).sort()).toEqual(openIds.sort());
  }, 180_000);

  it("a schedule moved back brings its superseded airings back, each with its playout job at the right delay", async () => {
    const morning = load.scheduleIds[0]!;
    await env.db.schedule.update({ where: { id: morning }, data: { startTime: "05:30" } });
    const back = await planner.replan({ scheduleId: morning });
    expect(back.cancelled).toBe(50 * 14);
    expect(new Set(await localTimes(morning, ["planned", "ready"]))).toEqual(new Set(["05:30"]));
    expect(new Set(await localTimes(morning, ["superseded"]))).toEqual(new Set(["06:00"]));
    // One queued playout job per open airing (none left for 06:00), due at its start less the pre-roll.
    const open = await env.db.airing.findMany({ where: { status: { in: ["planned", "ready"] } }, select: { id: true, scheduledStart: true } });
    const jobs = await env.queues.byName.playout.getJobs(["delayed", "waiting"]);
    const byId = new Map(jobs.map((j) => [j.id!, j]));
    const preroll = env.config.PLAYOUT_PREROLL_SECONDS * 1000;
    expect(open.map((a) => byId.get(`playout-${a.id}`)?.delay)).toEqual(open.map((a) => a.scheduledStart.getTime() - preroll - clock.now().getTime()));
    const superseded = await env.db.airing.findMany({ where: { scheduleId: morning, status: "superseded" }, select: { id: true } });
    expect(superseded.filter((a) => byId.has(`playout-${a.id}`))).toEqual([]);
  }, 180_000);

  it("a re-plan limited to one zone plans what a full pass would (zones are not coupled)", async () => {
    const evening = load.scheduleIds[2]!;
    const zone = load.zoneIds[4]!;
    await env.db.scheduleZone.delete({ where: { scheduleId_zoneId: { scheduleId: evening, zoneId: zone } } });
    const before = await env.db.airing.findMany({ where: { zoneId: { not: zone } }, select: { id: true, updatedAt: true }, orderBy: { id: "asc" } });
    const scoped = await planner.replan({ zoneId: zone });
    expect(scoped.cancelled).toBe(14);
    expect(await env.db.airing.count({ where: { scheduleId: evening, zoneId: zone, status: { in: ["planned", "ready"] } } })).toBe(0);
    // Other zones were not touched, and a full pass finds nothing left to change.
    expect(await env.db.airing.findMany({ where: { zoneId: { not: zone } }, select: { id: true, updatedAt: true }, orderBy: { id: "asc" } })).toEqual(before);
    expect(await planner.planHorizon()).toMatchObject({ changed: 0, cancelled: 0 });
  }, 120_000);
});
