// The frequency engine against the database: campaign lines are planned, a failed play is
// made good in a later session of the same day (counted from the as-run log), and the
// status API reports target / aired / planned / deficit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner, type Planner } from "../../server/planner.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
let planner: Planner;
let op: Client;
const clock = new ManualClock("2026-11-29T21:00:00.000Z"); // Monday 04:00 in Hà Nội
let zone: number;
let key: number;
let campaignId: number;

beforeAll(async () => {
  env = await createTestEnv({ clock, env: { PLAN_HORIZON_HOURS: "20" } });
  planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
  op = await signedIn(env, "admin");
  zone = (await env.db.zone.create({ data: { code: "a", name: "Thôn A", outputKind: "file" } })).id;
  const mk = (title: string, priority = "normal") => env.db.item.create({ data: { title, kind: "relay", relayUrl: "http://example.org/s", durationMs: 60_000, status: "ready", priority } });
  const news = [await mk("Tin 1"), await mk("Tin 2")];
  key = (await mk("Phòng chống bão")).id;
  const p = await op.req("POST", "/api/programs", { name: "Bản tin", itemIds: news.map((n) => n.id), gapMs: 1000 });
  for (const t of ["05:30", "17:00"]) {
    expect((await op.req("POST", "/api/schedules", { name: t, programId: p.json.program.id, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6, 7], startTime: t, maxDurationSec: 900, zoneIds: [zone] })).status).toBe(201);
  }
  const c = await op.req("POST", "/api/campaigns", { name: "Phòng chống bão", startDate: "2026-11-30", endDate: "2026-12-31", perDay: 2, minGapMin: 0, maxPerSession: 2, itemIds: [key], zoneIds: null });
  expect(c.status).toBe(201);
  campaignId = c.json.campaign.id;
});
afterAll(async () => env?.cleanup());

const linesOf = (start: string) =>
  env.db.airing.findFirstOrThrow({ where: { zoneId: zone, scheduledStart: new Date(start) }, include: { lines: { orderBy: { position: "asc" } } } });

describe("key-content campaigns", () => {
  it("inserts campaign lines with readable reasons", async () => {
    const morning = await linesOf("2026-11-29T22:30:00.000Z");
    const evening = await linesOf("2026-11-30T10:00:00.000Z");
    const keyLines = [...morning.lines, ...evening.lines].filter((l) => l.itemId === key && !l.bumped);
    expect(keyLines).toHaveLength(2);
    expect(keyLines[0]!.reason).toBe("campaign");
    expect(keyLines[0]!.campaignId).toBe(campaignId);
    expect(keyLines[0]!.reasonVi).toContain("Chiến dịch Phòng chống bão");
    expect(keyLines[0]!.reasonEn).toContain("Campaign");
  });

  it("makes good a failed play in the evening session of the same day, counted from the as-run log", async () => {
    const morning = await linesOf("2026-11-29T22:30:00.000Z");
    // The morning session aired, but the key item failed on air.
    await env.db.airing.update({ where: { id: morning.id }, data: { status: "aired", actualStart: morning.scheduledStart, actualEnd: new Date(morning.scheduledStart.getTime() + 200_000) } });
    let t = morning.scheduledStart.getTime();
    for (const l of morning.lines.filter((x) => !x.bumped)) {
      await env.db.asRun.create({ data: { airingId: morning.id, zoneId: zone, itemId: l.itemId, rundownLineId: l.id, localDate: "2026-11-30", scheduledStart: new Date(t), actualStart: new Date(t), actualEnd: new Date(t + 60_000), durationMs: 60_000, status: l.itemId === key ? "failed" : "completed", source: "schedule", campaignId: l.campaignId } });
      t += 61_000;
    }
    clock.set("2026-11-29T23:30:00.000Z"); // 06:30
    await planner.replan({ zoneId: zone, localDate: "2026-11-30" });
    const evening = await linesOf("2026-11-30T10:00:00.000Z");
    const keyLines = evening.lines.filter((l) => l.itemId === key && !l.bumped);
    expect(keyLines).toHaveLength(2);
    expect(keyLines.map((l) => l.reason).sort()).toEqual(["campaign", "make_good"]);
    const mg = keyLines.find((l) => l.reason === "make_good")!;
    expect(mg.reasonVi).toMatch(/bù/);
    expect(mg.reasonVi).toContain("0/2");

    const st = await op.req("GET", `/api/campaigns/${campaignId}/status`);
    expect(st.status).toBe(200);
    const z = st.json.zones.find((x: { zoneId: number }) => x.zoneId === zone);
    expect(z.today).toMatchObject({ target: 2, aired: 0, failed: 1, planned: 2, deficit: 0 });
    expect(st.json.today).toBe("2026-11-30");
  });
});
