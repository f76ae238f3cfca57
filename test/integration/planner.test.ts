// Planning against the real database on a fixed clock: idempotent re-planning, edits that
// touch only the affected airings, overlap rejection and DST-safe instants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner, type Planner } from "../../server/planner.ts";
import { JOBS_AHEAD_MS } from "../../server/plan-jobs.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
let planner: Planner;
let op: Client;
const clock = new ManualClock("2026-11-30T00:00:00.000Z"); // Monday 07:00 in Hà Nội
let zoneA: number;
let zoneB: number;
let p1: number;
let p2: number;
let items: number[];

beforeAll(async () => {
  env = await createTestEnv({ clock, env: { PLAN_HORIZON_HOURS: "72" } });
  planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
  op = await signedIn(env, "admin");
  zoneA = (await env.db.zone.create({ data: { code: "a", name: "Thôn A", outputKind: "file" } })).id;
  zoneB = (await env.db.zone.create({ data: { code: "b", name: "Thôn B", outputKind: "file" } })).id;
  items = [];
  for (const [i, pr] of ["normal", "priority", "normal"].entries()) {
    items.push((await env.db.item.create({ data: { title: `Tin ${i}`, kind: "relay", relayUrl: "http://example.org/x", durationMs: 60_000 + i * 1000, status: "ready", priority: pr } })).id);
  }
  p1 = (await op.req("POST", "/api/programs", { name: "P1", itemIds: items, gapMs: 1000 })).json.program.id;
  p2 = (await op.req("POST", "/api/programs", { name: "P2", itemIds: [items[0]], gapMs: 1000 })).json.program.id;
});
afterAll(async () => env?.cleanup());

describe("planner", () => {
  it("materialises the horizon with priority items first, and re-planning changes nothing", async () => {
    const s1 = await op.req("POST", "/api/schedules", { name: "Sáng", programId: p1, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6], startTime: "05:30", maxDurationSec: 1800, zoneIds: [zoneA] });
    expect(s1.status).toBe(201);
    const s2 = await op.req("POST", "/api/schedules", { name: "Chiều", programId: p2, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6, 7], startTime: "17:00", maxDurationSec: 1800, zoneIds: [zoneB] });
    expect(s2.status).toBe(201);
    await planner.planHorizon();
    const airings = await env.db.airing.findMany({ orderBy: { scheduledStart: "asc" }, include: { lines: { orderBy: { position: "asc" } } } });
    // 72 h from Mon 07:00: Tue/Wed/Thu 05:30 on A, Mon/Tue/Wed 17:00 on B.
    expect(airings.map((a) => [a.zoneId, a.scheduledStart.toISOString()])).toEqual([
      [zoneB, "2026-11-30T10:00:00.000Z"],
      [zoneA, "2026-11-30T22:30:00.000Z"],
      [zoneB, "2026-12-01T10:00:00.000Z"],
      [zoneA, "2026-12-01T22:30:00.000Z"],
      [zoneB, "2026-12-02T10:00:00.000Z"],
      [zoneA, "2026-12-02T22:30:00.000Z"],
    ]);
    const a1 = airings[1]!;
    expect(a1.localDate).toBe("2026-12-01");
    expect(a1.lines.map((l) => [l.itemId, l.reason])).toEqual([
      [items[1], "priority"],
      [items[0], "program"],
      [items[2], "program"],
    ]);
    expect(a1.lines[0]!.reasonVi.length).toBeGreaterThan(3);
    const again = await planner.planHorizon();
    expect(again.changed).toBe(0);
    expect(again.cancelled).toBe(0);
    const after = await env.db.airing.findMany({ orderBy: { scheduledStart: "asc" } });
    expect(after.map((a) => [a.id, a.planHash, a.updatedAt.getTime()])).toEqual(airings.map((a) => [a.id, a.planHash, a.updatedAt.getTime()]));
  });

  it("re-plans only the airings of an edited program", async () => {
    const before = await env.db.airing.findMany({ orderBy: { id: "asc" } });
    const r = await op.req("PUT", `/api/programs/${p1}`, { name: "P1", itemIds: [items[2], items[0]], gapMs: 1000 });
    expect(r.status).toBe(200);
    const after = await env.db.airing.findMany({ orderBy: { id: "asc" } });
    for (const [i, a] of after.entries()) {
      const b = before[i]!;
      if (a.programId === p1) expect(a.planHash).not.toBe(b.planHash);
      else expect([a.planHash, a.updatedAt.getTime()]).toEqual([b.planHash, b.updatedAt.getTime()]);
    }
  });

  it("moves the airings of a schedule whose time is edited (same ids, lines and render state), and their playout jobs with them", async () => {
    const s = await env.db.schedule.findFirstOrThrow({ where: { name: "Sáng" }, include: { zones: true } });
    const open = { scheduleId: s.id, status: { in: ["planned", "ready"] } };
    const before = await env.db.airing.findMany({ where: open, include: { lines: true }, orderBy: { id: "asc" } });
    expect(before.length).toBeGreaterThan(0);
    // One of them rendered already: it stays ready (its audio does not depend on the time).
    await env.db.airing.update({ where: { id: before[0]!.id }, data: { status: "ready" } });
    const r = await op.req("PUT", `/api/schedules/${s.id}`, { name: "Sáng", programId: s.programId, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6], startTime: "06:15", maxDurationSec: 1800, zoneIds: s.zones.map((z) => z.zoneId) });
    expect(r.status).toBe(200);
    const after = await env.db.airing.findMany({ where: { scheduleId: s.id }, include: { lines: true }, orderBy: { id: "asc" } });
    expect(after.map((a) => [a.id, a.scheduledStart.getTime() - 45 * 60_000, a.lines, a.status])).toEqual(before.map((a, k) => [a.id, a.scheduledStart.getTime(), a.lines, k === 0 ? "ready" : "planned"]));
    const preroll = env.config.PLAYOUT_PREROLL_SECONDS * 1000;
    const dueOf = async (id: number) => (await env.queues.byName.playout.getJob(`playout-${id}`))?.data.due;
    // Jobs are queued for the next 48 hours (server/plan-jobs.ts JOBS_AHEAD_MS).
    const soon = after.filter((a) => a.scheduledStart.getTime() - clock.now().getTime() <= JOBS_AHEAD_MS);
    expect(soon.length).toBeGreaterThan(0);
    for (const a of after) expect(await dueOf(a.id)).toBe(soon.includes(a) ? a.scheduledStart.getTime() - preroll : undefined);

    // A job left at an airing's old time (its removal failed) is queued again at the new one.
    const moved = soon[soon.length - 1]!;
    const at = new Date(moved.scheduledStart.getTime() + 10 * 60_000);
    await env.db.airing.update({ where: { id: moved.id }, data: { scheduledStart: at } });
    const rec = await planner.reconcile();
    expect(rec.playoutJobsCreated).toBe(1);
    expect(await dueOf(moved.id)).toBe(at.getTime() - preroll);
    expect((await planner.reconcile()).playoutJobsCreated).toBe(0);
    await env.db.airing.update({ where: { id: moved.id }, data: { scheduledStart: moved.scheduledStart } });
    // Back to 05:30, where the next test expects it.
    const back = await op.req("PUT", `/api/schedules/${s.id}`, { name: "Sáng", programId: s.programId, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6], startTime: "05:30", maxDurationSec: 1800, zoneIds: s.zones.map((z) => z.zoneId) });
    expect(back.status).toBe(200);
    expect((await env.db.airing.findMany({ where: open, orderBy: { id: "asc" } })).map((a) => [a.id, a.scheduledStart.getTime()])).toEqual(before.map((a) => [a.id, a.scheduledStart.getTime()]));
  });

  it("rejects an overlapping schedule on the same zone with a clear bilingual error", async () => {
    const r = await op.req("POST", "/api/schedules", { name: "Trùng", programId: p2, kind: "recurring", daysOfWeek: [2], startTime: "05:45", maxDurationSec: 1800, zoneIds: [zoneA] });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe("SCHEDULE_OVERLAP");
    expect(r.json.error.messageVi).toContain("trùng giờ");
    expect(r.json.error.messageVi).toContain("Thôn A");
    expect(r.json.error.messageEn).toContain("overlaps");
    // Another zone at the same time is fine.
    const ok = await op.req("POST", "/api/schedules", { name: "Thôn B sáng", programId: p2, kind: "recurring", daysOfWeek: [2], startTime: "05:45", maxDurationSec: 1800, zoneIds: [zoneB] });
    expect(ok.status).toBe(201);
  });

  it("rejects impossible schedules: no weekday, bad time, end before start", async () => {
    for (const [body, field] of [
      [{ daysOfWeek: [] }, "daysOfWeek"],
      [{ startTime: "25:70" }, "startTime"],
      [{ validFrom: "2026-12-10", validTo: "2026-12-01" }, "validTo"],
      [{ maxDurationSec: 5 }, "maxDurationSec"],
    ] as const) {
      const r = await op.req("POST", "/api/schedules", { name: "X", programId: p2, kind: "recurring", daysOfWeek: [3], startTime: "20:00", maxDurationSec: 600, zoneIds: [zoneA], ...body });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(JSON.stringify(r.json.error)).toContain(field);
    }
  });

  it("supersedes planned airings when their schedule is disabled", async () => {
    const s = (await env.db.schedule.findFirstOrThrow({ where: { name: "Chiều" } })).id;
    const r = await op.req("DELETE", `/api/schedules/${s}`);
    expect(r.status).toBe(200);
    const statuses = await env.db.airing.findMany({ where: { scheduleId: s }, select: { status: true } });
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses.map((x) => x.status))).toEqual(new Set(["superseded"]));
  });

  it("plans DST-safe instants in a zone with daylight saving time", async () => {
    await env.db.commune.update({ where: { id: 1 }, data: { timeZone: "Europe/Berlin" } });
    clock.set("2027-03-27T12:00:00.000Z"); // Saturday before the spring-forward night
    op = await signedIn(env, "admin"); // the old session expired with the jump
    const r = await op.req("POST", "/api/schedules", { name: "Đêm", programId: p2, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6, 7], startTime: "02:30", maxDurationSec: 600, zoneIds: [zoneB] });
    expect(r.status).toBe(201);
    const got = await env.db.airing.findMany({ where: { scheduleId: r.json.schedule.id }, orderBy: { scheduledStart: "asc" } });
    expect(got.map((a) => [a.localDate, a.scheduledStart.toISOString()])).toEqual([
      ["2027-03-28", "2027-03-28T01:00:00.000Z"], // 02:30 does not exist: first valid minute, 03:00 CEST
      ["2027-03-29", "2027-03-29T00:30:00.000Z"], // 02:30 CEST
      ["2027-03-30", "2027-03-30T00:30:00.000Z"],
    ]);
    await env.db.commune.update({ where: { id: 1 }, data: { timeZone: "Asia/Ho_Chi_Minh" } });
  });
});

describe("operator actions the planner must respect", () => {
  it("keeps an operator-cancelled airing cancelled across re-planning", async () => {
    await env.db.commune.update({ where: { id: 1 }, data: { timeZone: "Asia/Ho_Chi_Minh" } });
    clock.set("2026-12-07T00:00:00.000Z");
    op = await signedIn(env, "admin");
    const s = await op.req("POST", "/api/schedules", { name: "Tối", programId: p2, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6, 7], startTime: "20:00", maxDurationSec: 600, zoneIds: [zoneA, zoneA] });
    expect(s.status).toBe(201);
    expect(s.json.schedule.zoneIds).toEqual([zoneA]);
    const first = await env.db.airing.findFirstOrThrow({ where: { scheduleId: s.json.schedule.id }, orderBy: { scheduledStart: "asc" } });
    const c = await op.req("POST", `/api/airings/${first.id}/cancel`);
    expect(c.status).toBe(200);
    expect(c.json.airing.status).toBe("cancelled");
    await planner.planHorizon();
    await planner.planHorizon();
    expect((await env.db.airing.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("cancelled");
    expect((await op.req("POST", `/api/airings/${first.id}/cancel`)).status).toBe(409);
  });

  it("never lets a viewer read a zone's stream password", async () => {
    const admin = await signedIn(env, "admin");
    const z = await admin.req("POST", "/api/zones", { code: "ice", name: "IP", outputKind: "icecast", outputConfig: { host: "127.0.0.1", port: 8000, mount: "/x.mp3", password: "S3cretPass" } });
    expect(z.status).toBe(201);
    expect(JSON.stringify(z.json)).not.toContain("S3cretPass");
    const viewer = await signedIn(env, "viewer");
    expect(JSON.stringify((await viewer.req("GET", "/api/zones")).json)).not.toContain("S3cretPass");
    const a = await env.db.airing.create({ data: { zoneId: z.json.zone.id, source: "manual", localDate: "2026-12-07", scheduledStart: new Date("2026-12-08T00:00:00Z"), maxDurationMs: 1000 } });
    expect(JSON.stringify((await viewer.req("GET", `/api/airings/${a.id}`)).json)).not.toContain("S3cretPass");
    const audit = await env.db.auditLog.findMany({ where: { entity: "zone" } });
    expect(JSON.stringify(audit)).not.toContain("S3cretPass");
  });
});
