// The directive register (issue #15): the API with its bilingual refusals and the attachment
// upload; timeliness and coverage measured from what aired, through the one play definition
// (as-run rows written directly, settled by server/settle-plays.ts like every other count),
// equal to values worked out by hand; an unaired document past its due date is overdue in
// the alerts and in the monthly report.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OffsetClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { sweepAlerts } from "../../server/alert-sweep.ts";
import { localToUtc } from "../../server/domain/time.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

const TZ = "Asia/Ho_Chi_Minh";
const at = (date: string, hhmm: string) => localToUtc(date, hhmm, TZ);
const clock = new OffsetClock(at("2026-04-05", "10:00"));
let env: TestEnv;
let admin: Client;
let viewer: Client;
const zones: number[] = [];
let itemX = 0, itemY = 0, itemZ = 0, campaignK = 0;

beforeAll(async () => {
  env = await createTestEnv({ clock });
  admin = await signedIn(env, "admin");
  viewer = await signedIn(env, "viewer");
  for (const code of ["thon-dong", "thon-tay", "thon-nam"]) {
    zones.push((await env.db.zone.create({ data: { code, name: `Cụm loa ${code}`, outputKind: "file" } })).id);
  }
  const item = async (title: string) => (await env.db.item.create({ data: { title, kind: "tts", ttsText: title, status: "ready", durationMs: 60_000 } })).id;
  itemX = await item("Tuyên truyền Chỉ thị về phòng, chống bão");
  itemY = await item("Hướng dẫn chằng chống nhà cửa");
  itemZ = await item("Thông báo lịch tiêm chủng");
  // Campaign K carries X and Y: X is linked both directly and through K, and must count once.
  campaignK = (await env.db.campaign.create({
    data: { name: "Phòng, chống bão", startDate: "2026-04-01", endDate: "2026-04-30", perDay: 1, items: { create: [{ itemId: itemX }, { itemId: itemY }] } },
  })).id;
});
afterAll(async () => env?.cleanup());

/** One as-run row, as the playout writes it (settled later by the readers). */
async function aired(zoneId: number, itemId: number, date: string, hhmm: string, status = "completed", durationMs = 60_000) {
  const start = at(date, hhmm);
  await env.db.asRun.create({
    data: { zoneId, itemId, localDate: date, scheduledStart: start, actualStart: start, actualEnd: new Date(start.getTime() + durationMs), durationMs, plannedMs: 60_000, status, source: "schedule" },
  });
}

const storm = {
  issuer: "Đảng ủy xã Kiến Minh", number: "12-CV/ĐU", issuedDate: "2026-03-31", receivedAt: "2026-04-01T08:00",
  summary: "Về tăng cường tuyên truyền phòng, chống bão số 3", action: "air_within", airWithinDays: 3,
};

describe("directive register API", () => {
  it("creates a document with links, computes its due date, and refuses bad input in Vietnamese first", async () => {
    const r = await admin.req("POST", "/api/directives", { ...storm, itemIds: [itemX], campaignIds: [campaignK] });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.directive).toMatchObject({ number: "12-CV/ĐU", receivedDate: "2026-04-01", dueDate: "2026-04-04", receivedAt: "2026-04-01T01:00:00.000Z" });
    expect(r.json.directive.items.map((i: { id: number }) => i.id)).toEqual([itemX]);
    expect(r.json.directive.campaigns.map((c: { id: number }) => c.id)).toEqual([campaignK]);

    const dup = await admin.req("POST", "/api/directives", storm);
    expect(dup.status).toBe(422);
    expect(dup.json.error.code).toBe("DUPLICATE_DIRECTIVE");
    expect(dup.json.error.messageVi).toMatch(/đã có trong sổ/);
    expect(dup.json.error.message.indexOf("đã có")).toBeLessThan(dup.json.error.message.indexOf("already"));

    const noDays = await admin.req("POST", "/api/directives", { ...storm, number: "13-CV/ĐU", airWithinDays: undefined });
    expect(noDays.status).toBe(422);
    expect(noDays.json.error).toMatchObject({ code: "DAYS_REQUIRED", details: { fields: [{ field: "airWithinDays" }] } });
    const early = await admin.req("POST", "/api/directives", { ...storm, number: "14-CV/ĐU", issuedDate: "2026-04-02" });
    expect(early.json.error.code).toBe("RECEIVED_BEFORE_ISSUED");
    const bad = await admin.req("POST", "/api/directives", { ...storm, number: "", receivedAt: "2026-02-30T08:00", action: "maybe" });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe("VALIDATION_FAILED");
    expect(bad.json.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(["action", "number", "receivedAt"]);
    expect(bad.json.error.messageVi).toMatch(/^Dữ liệu không hợp lệ/);
    const unknownItem = await admin.req("POST", "/api/directives", { ...storm, number: "15-CV/ĐU", itemIds: [999_999] });
    expect(unknownItem.json.error.code).toBe("UNKNOWN_ITEM");
  });

  it("refuses every change to a viewer", async () => {
    const id = (await env.db.directive.findFirstOrThrow({ where: { number: "12-CV/ĐU" } })).id;
    for (const [method, url, body] of [["POST", "/api/directives", storm], ["PATCH", `/api/directives/${id}`, { note: "x" }], ["DELETE", `/api/directives/${id}`, undefined]] as const) {
      const r = await viewer.req(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(403);
    }
    expect((await viewer.req("GET", "/api/directives")).status).toBe(200);
  });

  it("stores a PDF attachment content-addressed, refuses a renamed or oversized file, and serves it for download", async () => {
    const id = (await env.db.directive.findFirstOrThrow({ where: { number: "12-CV/ĐU" } })).id;
    const upload = (name: string, bytes: Uint8Array<ArrayBuffer>) => {
      const fd = new FormData();
      fd.append("file", new Blob([bytes]), name);
      return admin.req("POST", `/api/directives/${id}/attachment`, fd);
    };
    const pdf = new TextEncoder().encode("%PDF-1.4\n% Công văn 12-CV/ĐU\n%%EOF\n");
    const ok = await upload("../../etc/Công văn 12.pdf", pdf);
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    expect(ok.json.directive.attachment).toEqual({ name: "Công văn 12.pdf", type: "application/pdf", sizeBytes: pdf.length });
    const row = await env.db.directive.findUniqueOrThrow({ where: { id } });
    expect(row.attachmentPath).toMatch(/^directives\/[0-9a-f]{2}\/[0-9a-f]{64}\.pdf$/);

    const renamed = await upload("cong-van.pdf", new TextEncoder().encode("MZ not a pdf at all"));
    expect(renamed.status).toBe(415);
    expect(renamed.json.error.code).toBe("NOT_A_DOCUMENT");
    const exe = await upload("virus.exe", pdf);
    expect(exe.json.error.code).toBe("UNSUPPORTED_TYPE");
    const big = await upload("lon.pdf", new Uint8Array(env.config.DIRECTIVE_FILE_MAX_MB * 1024 * 1024 + 10).fill(0x25));
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe("FILE_TOO_LARGE");

    const dl = await admin.req("GET", `/api/directives/${id}/attachment`);
    expect(dl.status).toBe(200);
    expect(dl.res.headers.get("content-type")).toBe("application/pdf");
    expect(dl.res.headers.get("content-disposition")).toContain(encodeURIComponent("Công văn 12.pdf"));
    expect(new Uint8Array(await dl.res.arrayBuffer())).toEqual(pdf);
  });
});

describe("timeliness and coverage, from what aired", () => {
  it("equals the values worked out by hand; an unaired document past due is overdue in alerts and report", async () => {
    const [a, b, c] = zones as [number, number, number];
    // Received 1 April 08:00. Day 3 (3 April): zones A and B carry it, C does not.
    await aired(a, itemX, "2026-04-03", "05:30");
    await aired(b, itemX, "2026-04-03", "05:30");
    await aired(a, itemY, "2026-04-03", "17:00"); // through campaign K only
    await aired(b, itemX, "2026-04-03", "17:00", "interrupted", 20_000); // cut at a third: not a play
    await aired(a, itemZ, "2026-04-03", "17:00"); // another document's item
    // Day 4 (4 April): all three zones.
    for (const z of [a, b, c]) await aired(z, itemX, "2026-04-04", "05:30");
    // By hand: first air 3 April 05:30 − 1 April 08:00 = 45.5 h; all zones when C first aired,
    // 4 April 05:30 − 1 April 08:00 = 69.5 h; plays 3 on day 3 + 3 on day 4 = 6; zones 3;
    // due 1 April + 3 days = 4 April → on time.
    const r = await admin.req("GET", "/api/directives");
    const storm12 = r.json.directives.find((d: { number: string }) => d.number === "12-CV/ĐU");
    expect(storm12.timeliness).toEqual({
      status: "on_time", plays: 6, zonesReached: 3, zonesTotal: 3, targetMet: null,
      firstAiredAt: at("2026-04-03", "05:30").toISOString(), allZonesAt: at("2026-04-04", "05:30").toISOString(),
      hoursToFirstAir: 45.5, hoursToAllZones: 69.5,
    });

    // Received 1 April, due within 2 days (3 April), linked to nothing that aired: on 5 April it is overdue.
    const late = await admin.req("POST", "/api/directives", {
      issuer: "UBND xã Kiến Minh", number: "45/TB-UBND", issuedDate: "2026-04-01", receivedAt: "2026-04-01T14:00",
      summary: "Thông báo lịch tiêm vắc-xin sởi đợt 2", action: "air_within", airWithinDays: 2, itemIds: [],
    });
    expect(late.json.directive.timeliness).toMatchObject({ status: "overdue", plays: 0, zonesReached: 0, firstAiredAt: null, hoursToFirstAir: null });
    const overdue = await admin.req("GET", "/api/directives/overdue");
    expect(overdue.json.directives.map((d: { number: string }) => d.number)).toEqual(["45/TB-UBND"]);

    const sweep = () => sweepAlerts({ db: env.db, events: env.events, logger: silentLogger, clock, config: env.config });
    expect((await sweep()).raised).toBe(1);
    expect((await sweep()).raised).toBe(0); // once per document
    const alerts = await admin.req("GET", "/api/alerts?state=open");
    const alert = alerts.json.alerts.find((x: { kind: string }) => x.kind === "directive_overdue");
    expect(alert.messageVi).toBe("Văn bản 45/TB-UBND (Thông báo lịch tiêm vắc-xin sởi đợt 2) đã quá hạn phát (hạn 03/04/2026, quá 2 ngày) mà chưa được phát trên hệ thống truyền thanh.");

    // Linked to item Z, which aired on 3 April: no longer overdue (late), and the alert resolves.
    await admin.req("PATCH", `/api/directives/${late.json.directive.id}`, { itemIds: [itemZ] });
    const now = await admin.req("GET", `/api/directives/${late.json.directive.id}`);
    expect(now.json.directive.timeliness).toMatchObject({ status: "on_time", plays: 1, zonesReached: 1 });
    expect((await sweep()).resolved).toBe(1);
  });
});
