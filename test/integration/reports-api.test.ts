// Reports over HTTP: JSON breakdowns from the as-run log, file exports, the weekly log
// book, and the monthly report job through the real queue and worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";

let env: TestEnv;
let sys: Awaited<ReturnType<typeof startSystem>>;
let viewer: Client;
let admin: Client;
const clock = new ManualClock("2026-11-26T05:00:00.000Z");

beforeAll(async () => {
  env = await createTestEnv({ clock });
  sys = await startSystem(env, { only: ["report"] });
  viewer = await signedIn(env, "viewer");
  admin = await signedIn(env, "admin");
  const zone = await env.db.zone.create({ data: { code: "z", name: "Thôn Đông", outputKind: "file" } });
  const cat = await env.db.category.findFirstOrThrow({ where: { code: "disaster-epidemic" } });
  const item = await env.db.item.create({ data: { title: "Phòng chống bão số 3", kind: "tts", status: "ready", categoryId: cat.id, durationMs: 60_000 } });
  for (const [day, status] of [["2026-10-05", "completed"], ["2026-10-06", "completed"], ["2026-10-06", "failed"], ["2026-11-20", "completed"]] as const) {
    const start = new Date(`${day}T00:00:00.000Z`);
    const airing = await env.db.airing.create({ data: { zoneId: zone.id, source: "schedule", localDate: day, scheduledStart: start, maxDurationMs: 600_000, status: "aired", actualStart: start } });
    await env.db.asRun.create({ data: { airingId: airing.id, zoneId: zone.id, itemId: item.id, categoryId: cat.id, localDate: day, scheduledStart: start, actualStart: start, actualEnd: new Date(start.getTime() + 60_000), durationMs: 60_000, status, source: "schedule" } });
  }
});
afterAll(async () => {
  await sys?.stop();
  await env?.cleanup();
});

describe("reports API", () => {
  it("counts October from the as-run log", async () => {
    const r = await viewer.req("GET", "/api/reports?period=month&value=2026-10");
    expect(r.status).toBe(200);
    expect(r.json.report.totals.plays).toBe(2);
    expect(r.json.report.byItem[0]).toMatchObject({ plays: 2, failed: 1 });
    expect(r.json.report.byCategory.find((c: { code: string }) => c.code === "disaster-epidemic").newsItems).toBe(2);
  });

  it("exports XLSX, PDF and CSV and rejects a bad period", async () => {
    const x = await viewer.req("GET", "/api/reports?period=month&value=2026-10&format=xlsx");
    expect(x.status).toBe(200);
    expect(Buffer.from(await x.res.arrayBuffer()).subarray(0, 2).toString()).toBe("PK");
    const p = await viewer.req("GET", "/api/reports?period=month&value=2026-10&format=pdf");
    expect(Buffer.from(await p.res.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    const csv = await viewer.req("GET", "/api/reports?period=week&value=2026-W41&format=csv");
    expect([...Buffer.from(await csv.res.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const bad = await viewer.req("GET", "/api/reports?period=month&value=2026-13");
    expect(bad.status).toBe(422);
    expect(bad.json.error.messageVi).toBeTruthy();
  });

  it("prints the weekly log book", async () => {
    const r = await viewer.req("GET", "/api/reports/logbook?week=2026-W41&format=pdf");
    expect(r.status).toBe(200);
    expect(r.res.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await r.res.arrayBuffer()).length).toBeGreaterThan(2000);
  });

  it("generates the monthly report through the queue, once, and serves it from the archive", async () => {
    expect((await viewer.req("POST", "/api/reports/monthly", { month: "2026-10" })).status).toBe(403);
    for (let i = 0; i < 2; i++) {
      const q = await admin.req("POST", "/api/reports/monthly", { month: "2026-10" });
      expect(q.status).toBe(202);
      await waitFor(async () => (await env.queues.byName.report.getJob("report-2026-10"))?.isCompleted(), 60_000, 200);
    }
    const list = await viewer.req("GET", "/api/reports/archive");
    expect(list.json.reports.filter((r: { periodKey: string }) => r.periodKey === "2026-10")).toHaveLength(1);
    const id = list.json.reports[0].id;
    const pdf = await viewer.req("GET", `/api/reports/archive/${id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.res.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
  });
});
