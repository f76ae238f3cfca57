// The report cache serves a period from memory until that period's as-run watermark moves:
// a new as-run row invalidates only the periods holding its date, a row closing (playing →
// completed) invalidates too, and the served report always equals a fresh computation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";
import { createReportCache, type ReportCache } from "../../server/reports/cache.ts";
import { computeReport } from "../../server/reports/compute.ts";

let env: TestEnv;
let cache: ReportCache;
let zoneId: number;
let itemId: number;
const OCT = { from: "2026-10-01", to: "2026-10-31", key: "2026-10" };
const NOV = { from: "2026-11-01", to: "2026-11-30", key: "2026-11" };

async function addRow(localDate: string, status = "completed") {
  const start = new Date(`${localDate}T00:30:00Z`);
  return env.db.asRun.create({
    data: { zoneId, itemId, localDate, scheduledStart: start, actualStart: start, actualEnd: status === "playing" ? null : new Date(start.getTime() + 60_000), durationMs: 60_000, plannedMs: 60_000, status, source: "manual" },
  });
}

beforeAll(async () => {
  env = await createTestEnv({ withRoutes: false });
  zoneId = (await env.db.zone.create({ data: { code: "a", name: "Thôn A", outputKind: "file" } })).id;
  itemId = (await env.db.item.create({ data: { title: "Tin A", kind: "tts", ttsText: "x", status: "ready", durationMs: 60_000 } })).id;
  await addRow("2026-10-05");
  await addRow("2026-11-05");
  cache = createReportCache(env.db);
});
afterAll(async () => {
  await env?.cleanup();
});

const plays = async (range: typeof OCT) => (await cache.report(range)).totals.plays;

describe("report cache keyed by the as-run watermark", () => {
  it("computes a period once while nothing in it changes", async () => {
    expect(await plays(OCT)).toBe(1);
    expect(await plays(NOV)).toBe(1);
    const before = cache.stats();
    await plays(OCT);
    await plays(NOV);
    expect(cache.stats()).toMatchObject({ hits: before.hits + 2, misses: before.misses });
  });

  it("a new as-run row invalidates only the period that holds its date", async () => {
    await addRow("2026-11-06");
    const before = cache.stats();
    expect(await plays(OCT)).toBe(1);
    expect(cache.stats().misses).toBe(before.misses);
    expect(await plays(NOV)).toBe(2);
    expect(cache.stats().misses).toBe(before.misses + 1);
  });

  it("a row that closes after it was first seen playing is counted once it closes", async () => {
    const row = await addRow("2026-10-07", "playing");
    expect(await plays(OCT)).toBe(1);
    await env.db.asRun.update({ where: { id: row.id }, data: { status: "completed", actualEnd: new Date(row.actualStart.getTime() + 60_000) } });
    expect(await plays(OCT)).toBe(2);
    // What the cache serves is what a fresh computation gives (but for the time stamp).
    const { generatedAt: _a, ...cached } = await cache.report(OCT);
    const { generatedAt: _b, ...fresh } = await computeReport(env.db, OCT);
    expect(cached).toEqual(fresh);
  });

  it("a renamed zone shows in the next report (names enter the watermark)", async () => {
    await env.db.zone.update({ where: { id: zoneId }, data: { name: "Thôn An" } });
    expect((await cache.report(OCT)).byZone.map((z) => z.name)).toContain("Thôn An");
  });
});

describe("one watermark read per instance for a moment, dropped by a live event", () => {
  it("a change nobody announced shows after markMaxAgeMs; an event shows it at once; a settle pass too", async () => {
    let t = 1_000_000;
    const shared = createReportCache(env.db, { events: env.events, markMaxAgeMs: 500, now: () => t });
    const zoneNames = async () => (await shared.report(OCT)).byZone.map((z) => z.name);
    await env.db.zone.update({ where: { id: zoneId }, data: { name: "Thôn Một" } });
    expect(await zoneNames()).toContain("Thôn Một");
    await env.db.zone.update({ where: { id: zoneId }, data: { name: "Thôn Hai" } });
    // Within the moment the last watermark read still stands (no event, nothing settled)...
    t += 100;
    expect(await zoneNames()).toContain("Thôn Một");
    // ...an event (a worker's airing status, another instance's edit) drops it...
    env.events.publish("plan.updated", {});
    await new Promise((r) => setTimeout(r, 10));
    expect(await zoneNames()).toContain("Thôn Hai");
    // ...and so does the moment passing.
    await env.db.zone.update({ where: { id: zoneId }, data: { name: "Thôn Ba" } });
    t += 100;
    expect(await zoneNames()).toContain("Thôn Hai");
    t += 500;
    expect(await zoneNames()).toContain("Thôn Ba");
    // A settle pass that settled rows drops it too: a new as-run row counts at once.
    const before = (await shared.report(OCT)).totals.plays;
    await addRow("2026-10-09");
    t += 10;
    expect((await shared.report(OCT)).totals.plays).toBe(before + 1);
  });
});
