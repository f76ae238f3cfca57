// A scheduled session airs on time to a file sink and the as-run log records what played;
// an emergency pre-empts a session mid-way and both appear correctly in the log.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OffsetClock } from "../../server/clock.ts";
import { probe } from "../../audio/probe.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";
import { toneItem } from "../helpers/media.ts";

let env: TestEnv;
let sys: Awaited<ReturnType<typeof startSystem>>;
let op: Client;
let zoneId: number;
let itemIds: number[];

// Friday 27 Nov 2026, 3.5 s before a 05:30 session (commune time, UTC+7).
const clock = new OffsetClock("2026-11-26T22:29:45.000Z");

beforeAll(async () => {
  env = await createTestEnv({ clock, env: { PLAYOUT_PREROLL_SECONDS: "2", RENDER_LEAD_MINUTES: "1" } });
  sys = await startSystem(env);
  const zone = await env.db.zone.create({ data: { code: "thon-1", name: "Thôn Một", outputKind: "file", outputConfig: JSON.stringify({ dir: "thon-1" }) } });
  zoneId = zone.id;
  const items = [await toneItem(env, "Tin 1", 1.5, 440), await toneItem(env, "Tin 2", 1.5, 550), await toneItem(env, "Tin 3", 1.5, 660)];
  itemIds = items.map((i) => i.id);
  await waitFor(async () => (await env.db.item.count({ where: { id: { in: itemIds }, status: "ready" } })) === 3, 30_000);
  op = await signedIn(env, "operator");
});

afterAll(async () => {
  await sys?.stop();
  await env?.cleanup();
});

describe("scheduled airing on a file sink", () => {
  it("airs a session scheduled 3 s ahead and logs 3 completed items with actual times", async () => {
    const admin = await signedIn(env, "admin");
    const prog = await admin.req("POST", "/api/programs", { name: "Bản tin sáng", itemIds, gapMs: 200 });
    expect(prog.status).toBe(201);
    // 3.5 s before 05:30 local.
    const target = new Date("2026-11-26T22:30:00.000Z").getTime();
    clock.jumpTo(target - 3500);
    const sch = await op.req("POST", "/api/schedules", { name: "Sáng", programId: prog.json.program.id, kind: "once", date: "2026-11-27", startTime: "05:30", maxDurationSec: 120, zoneIds: [zoneId] });
    expect(sch.status).toBe(201);
    const airing = await waitFor(() => env.db.airing.findFirst({ where: { scheduleId: sch.json.schedule.id } }), 2000);
    expect(airing.scheduledStart.toISOString()).toBe("2026-11-26T22:30:00.000Z");

    const done = await waitFor(async () => {
      const a = await env.db.airing.findUnique({ where: { id: airing.id } });
      return a && ["aired", "interrupted", "failed", "missed"].includes(a.status) ? a : null;
    }, 30_000);
    expect(done.status).toBe("aired");
    const lateness = done.actualStart!.getTime() - target;
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1000);

    const rows = await env.db.asRun.findMany({ where: { airingId: airing.id }, orderBy: { actualStart: "asc" } });
    expect(rows.map((r) => [r.itemId, r.status, r.source])).toEqual(itemIds.map((id) => [id, "completed", "schedule"]));
    for (const [i, r] of rows.entries()) {
      expect(r.actualEnd!.getTime()).toBeGreaterThan(r.actualStart.getTime());
      expect(r.durationMs).toBeGreaterThan(1200);
      expect(r.localDate).toBe("2026-11-27");
      if (i > 0) expect(r.actualStart.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.actualEnd!.getTime() - 5);
    }
    // The file sink holds what aired: ≈ 3 × 1.5 s + 2 gaps.
    const dir = path.join(env.config.dataDir, "air", "thon-1");
    const files = fs.readdirSync(dir).filter((f) => f.includes(`airing-${airing.id}`));
    expect(files).toHaveLength(1);
    const info = await probe(path.join(dir, files[0]!));
    expect(info.durationMs).toBeGreaterThan(4300);
    expect(info.durationMs).toBeLessThan(5600);
  });

  it("lets an emergency interrupt a session mid-way, then resumes it from the start of the cut item", async () => {
    const admin = await signedIn(env, "admin");
    const prog = await admin.req("POST", "/api/programs", { name: "Chương trình dài", itemIds, gapMs: 200 });
    const now = await op.req("POST", "/api/airings/air-now", { programId: prog.json.program.id, zoneIds: [zoneId] });
    expect(now.status).toBe(201);
    const airingId = now.json.airings[0].id as number;
    // Wait until the second item is on air.
    await waitFor(async () => (await env.db.asRun.count({ where: { airingId, itemId: itemIds[1] } })) > 0, 20_000, 20);
    const em = await op.req("POST", "/api/emergencies", { itemId: itemIds[2], zoneIds: [zoneId] });
    expect(em.status).toBe(201);
    const emAiringId = em.json.airings[0].id as number;

    const emDone = await waitFor(async () => {
      const a = await env.db.airing.findUnique({ where: { id: emAiringId } });
      return a && ["aired", "interrupted", "failed", "missed"].includes(a.status) ? a : null;
    }, 20_000);
    expect(emDone.status).toBe("aired");
    // The cut session waits for the zone and goes on: the cut item again from its start.
    const resumed = await waitFor(async () => {
      const a = await env.db.airing.findUnique({ where: { id: airingId } });
      return a && !["airing", "planned", "ready"].includes(a.status) ? a : null;
    }, 20_000);
    expect(resumed.status).toBe("aired");

    const log = await env.db.asRun.findMany({ where: { airingId: { in: [airingId, emAiringId] } }, orderBy: { actualStart: "asc" } });
    expect(log.map((r) => [r.airingId, r.itemId, r.status, r.source])).toEqual([
      [airingId, itemIds[0], "completed", "manual"],
      [airingId, itemIds[1], "interrupted", "manual"],
      [emAiringId, itemIds[2], "completed", "emergency"],
      [airingId, itemIds[1], "completed", "manual"],
      [airingId, itemIds[2], "completed", "manual"],
    ]);
    // The cut row is what aired before the cut (less than the item), so it is no play.
    expect(log[1]!.durationMs).toBeLessThan(log[3]!.durationMs * 0.9);
    expect(log[3]!.actualStart.getTime()).toBeGreaterThanOrEqual(log[2]!.actualEnd!.getTime());
    // The emergency starts after the interrupted item stopped.
    expect(log[2]!.actualStart.getTime()).toBeGreaterThanOrEqual(log[1]!.actualEnd!.getTime());
    const audit = await env.db.auditLog.findFirst({ where: { action: "emergency.start" } });
    expect(audit?.entityId).toBe(String(em.json.emergency.id));
  });
});
