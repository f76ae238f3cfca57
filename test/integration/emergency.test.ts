// Emergency broadcasts: repeats every N minutes until a time, stopped by a cancel, and
// validated input; everything audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner } from "../../server/planner.ts";
import { createEmergencies } from "../../server/emergencies.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
let op: Client;
let zones: number[];
let itemId: number;
const clock = new ManualClock("2026-11-26T08:00:00.000Z");

beforeAll(async () => {
  env = await createTestEnv({ clock });
  op = await signedIn(env, "operator");
  zones = [];
  for (const code of ["a", "b"]) zones.push((await env.db.zone.create({ data: { code, name: `Thôn ${code}`, outputKind: "file" } })).id);
  itemId = (await env.db.item.create({ data: { title: "Cảnh báo lũ", kind: "relay", relayUrl: "http://example.org/x", durationMs: 30_000, status: "ready", priority: "emergency" } })).id;
});
afterAll(async () => env?.cleanup());

describe("emergency broadcasts", () => {
  it("repeats every N minutes until a time, on each chosen zone, and stops when cancelled", async () => {
    const until = new Date(clock.now().getTime() + 20 * 60_000 + 5000).toISOString();
    const r = await op.req("POST", "/api/emergencies", { itemId, zoneIds: zones, repeatEveryMin: 5, until });
    expect(r.status).toBe(201);
    const id = r.json.emergency.id as number;
    const airings = await env.db.airing.findMany({ where: { emergencyId: id }, orderBy: [{ scheduledStart: "asc" }, { zoneId: "asc" }] });
    // Now, +5, +10, +15, +20 min on both zones.
    expect(airings).toHaveLength(10);
    expect(airings.map((a) => Math.round((a.scheduledStart.getTime() - clock.now().getTime()) / 60_000))).toEqual([0, 0, 5, 5, 10, 10, 15, 15, 20, 20]);
    expect(airings.every((a) => a.source === "emergency")).toBe(true);
    const lines = await env.db.rundownLine.findMany({ where: { airingId: airings[0]!.id } });
    expect(lines.map((l) => [l.itemId, l.reason, l.reasonVi])).toEqual([[itemId, "emergency", "Phát khẩn cấp"]]);

    // Another pass (the scheduler tick) adds nothing: repeats are unique.
    const planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
    const em = createEmergencies({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events, planner });
    expect(await em.extendRepeats()).toBe(0);

    clock.advance(6 * 60_000);
    const c = await op.req("POST", `/api/emergencies/${id}/cancel`);
    expect(c.status).toBe(200);
    expect(c.json.emergency.status).toBe("cancelled");
    const after = await env.db.airing.findMany({ where: { emergencyId: id, scheduledStart: { gt: clock.now() } } });
    expect(after.length).toBe(6);
    expect(after.every((a) => a.status === "cancelled")).toBe(true);
    const audit = await env.db.auditLog.findMany({ where: { entity: "emergency", entityId: String(id) }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["emergency.start", "emergency.cancel"]);
  });

  it("rejects bad requests with bilingual errors and creates nothing", async () => {
    const before = await env.db.emergency.count();
    for (const [body, status] of [
      [{ itemId, zoneIds: [] }, 422],
      [{ itemId, zoneIds: [9999] }, 422],
      [{ itemId: 9999, zoneIds: zones }, 404],
      [{ itemId, zoneIds: zones, repeatEveryMin: 1 }, 422],
      [{ itemId, zoneIds: zones, until: "2020-01-01T00:00:00Z" }, 422],
      [{ itemId, zoneIds: zones, until: "ngày mai" }, 422],
    ] as const) {
      const r = await op.req("POST", "/api/emergencies", body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.json.error.messageVi).toBeTruthy();
    }
    expect(await env.db.emergency.count()).toBe(before);
    const viewer = await signedIn(env, "viewer");
    expect((await viewer.req("POST", "/api/emergencies", { itemId, zoneIds: zones })).status).toBe(403);
  });
});
