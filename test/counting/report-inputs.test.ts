// What the unit enters for its records (other channels, document settings) and the campaign
// form's check that the schedules can meet a target — over HTTP, with roles and validation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { computeReport } from "../../server/reports/compute.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
let admin: Client, op: Client, viewer: Client;
let itemId: number, zoneIds: number[];

beforeAll(async () => {
  env = await createTestEnv({ clock: new ManualClock("2026-11-02T01:00:00Z") });
  [admin, op, viewer] = [await signedIn(env, "admin"), await signedIn(env, "operator"), await signedIn(env, "viewer")];
  zoneIds = [];
  for (const z of [1, 2]) zoneIds.push((await admin.req("POST", "/api/zones", { code: `z${z}`, name: `Thôn ${z}`, outputKind: "file" })).json.zone.id);
  itemId = (await env.db.item.create({ data: { title: "Tin", kind: "relay", relayUrl: "http://example.org/s", status: "ready", durationMs: 60_000 } })).id;
  const prog = await admin.req("POST", "/api/programs", { name: "Bản tin", itemIds: [itemId] });
  // Mornings only, Monday to Saturday.
  await admin.req("POST", "/api/schedules", { name: "Sáng", programId: prog.json.program.id, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6], startTime: "05:30", maxDurationSec: 900, zoneIds });
});
afterAll(async () => env?.cleanup());

describe("other channels (Số liệu các kênh khác)", () => {
  const body = { directiveDocs: 56, directiveNote: "", fanpagePosts: 198, fanpageNote: "", radioItemsSent: 46, radioNote: "", tvItemsSent: 13, tvNote: "", portalArticles: 358, portalNote: "đăng trên cổng xã" };

  it("is entered by an operator, read by anyone, and validated", async () => {
    expect((await viewer.req("PUT", "/api/reports/channels/2026-10", body)).status).toBe(403);
    expect((await op.req("PUT", "/api/reports/channels/2026-10", { ...body, fanpagePosts: -1 })).status).toBe(422);
    expect((await op.req("PUT", "/api/reports/channels/2026-13", body)).status).toBe(422);
    const put = await op.req("PUT", "/api/reports/channels/2026-10", body);
    expect(put.status).toBe(200);
    const got = await viewer.req("GET", "/api/reports/channels/2026-10");
    expect(got.json).toMatchObject({ month: "2026-10", entered: true, channels: { directiveDocs: 56, portalNote: "đăng trên cổng xã" } });
    expect((await viewer.req("GET", "/api/reports/channels/2026-09")).json).toMatchObject({ entered: false, channels: { directiveDocs: 0 } });
  });

  it("lands in the report of every period holding the whole month, and only those", async () => {
    expect((await computeReport(env.db, { from: "2026-10-01", to: "2026-10-31" })).otherChannels).toMatchObject({ months: ["2026-10"], entered: true, fanpagePosts: 198 });
    expect((await computeReport(env.db, { from: "2026-10-01", to: "2026-12-31" })).otherChannels).toMatchObject({ months: ["2026-10", "2026-11", "2026-12"], directiveDocs: 56 });
    expect((await computeReport(env.db, { from: "2026-10-05", to: "2026-10-11" })).otherChannels).toMatchObject({ months: [], entered: false });
  });
});

describe("document settings", () => {
  it("are the administrator's to change, and validated", async () => {
    const s = { issuerCode: "TTDVSNC", signerTitle: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", signerName: "Nguyễn Văn Hùng", preparerName: "Lan", recipients: ["Ban Thường vụ Đảng ủy xã"], dutyRoster: [{ days: [1, 2, 3, 4, 5, 6], from: "04:00", to: "12:00", name: "Nguyễn Thị Lan" }] };
    expect((await op.req("PUT", "/api/settings/documents", s)).status).toBe(403);
    expect((await admin.req("PUT", "/api/settings/documents", { ...s, dutyRoster: [{ days: [8], from: "4", to: "12:00", name: "" }] })).status).toBe(422);
    expect((await admin.req("PUT", "/api/settings/documents", s)).status).toBe(200);
    expect((await viewer.req("GET", "/api/settings/documents")).json.settings).toMatchObject(s);
  });
});

describe("campaign feasibility (the form's warning)", () => {
  const campaign = { name: "Phòng chống bão", startDate: "2026-11-02", endDate: "2026-11-15", itemIds: [] as number[], zoneIds: null, minGapMin: 0, windows: [] as string[] };

  it("warns when one session a day cannot hold the daily target, and names days with no session", async () => {
    const r = await viewer.req("POST", "/api/campaigns/feasibility", { ...campaign, itemIds: [itemId], perDay: 2, maxPerSession: 1 });
    expect(r.status).toBe(200);
    expect(r.json.ok).toBe(false);
    expect(r.json.problems.map((p: { code: string }) => p.code)).toEqual(["days_without_session", "per_day_over_capacity"]);
    const over = r.json.problems[1];
    expect(over).toMatchObject({ zoneIds, sessions: 1, capacity: 1, target: 2 });
    expect(over.messageVi).toBe("Chỉ tiêu 2 lượt/ngày vượt khả năng của lịch phát: có ngày chỉ 1 buổi phát, phát được tối đa 1 lượt (tối đa 1 lượt/buổi).");
    expect(r.json.problems[0].messageVi).toContain("những ngày đó không tính chỉ tiêu");
  });

  it("accepts a target the schedule can hold, and flags windows no session falls in", async () => {
    const ok = await viewer.req("POST", "/api/campaigns/feasibility", { ...campaign, itemIds: [itemId], perDay: 2, maxPerSession: 2 });
    expect(ok.json.ok).toBe(true);
    const none = await viewer.req("POST", "/api/campaigns/feasibility", { ...campaign, itemIds: [itemId], perDay: 1, maxPerSession: 1, windows: ["16:00-18:00"] });
    expect(none.json.problems[0]).toMatchObject({ code: "no_eligible_session", zoneIds });
    expect(none.json.problems[0].messageVi).toBe("2 cụm loa không có buổi phát nào trong khung giờ 16:00-18:00 trong thời gian chiến dịch: chỉ tiêu không thể đạt.");
  });
});
