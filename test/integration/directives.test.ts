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
import { ENGLISH, flat, pdftotextPages, xlsxSheets } from "../helpers/readers.ts";
import { createPgDatabase, pgTestUrl, type PgDatabase } from "../helpers/pg.ts";

const TZ = "Asia/Ho_Chi_Minh";
const at = (date: string, hhmm: string) => localToUtc(date, hhmm, TZ);
const clock = new OffsetClock(at("2026-04-05", "10:00"));
let env: TestEnv;
let admin: Client;
let viewer: Client;
let w: World;

/** Three zones, items X, Y, Z and campaign K carrying X and Y (X is linked both directly and through K, and must count once). */
interface World { zones: [number, number, number]; itemX: number; itemY: number; itemZ: number; campaignK: number }
async function createWorld(e: TestEnv): Promise<World> {
  const zones: number[] = [];
  for (const code of ["thon-dong", "thon-tay", "thon-nam"]) zones.push((await e.db.zone.create({ data: { code, name: `Cụm loa ${code}`, outputKind: "file" } })).id);
  const item = async (title: string) => (await e.db.item.create({ data: { title, kind: "tts", ttsText: title, status: "ready", durationMs: 60_000 } })).id;
  const itemX = await item("Tuyên truyền Chỉ thị về phòng, chống bão");
  const itemY = await item("Hướng dẫn chằng chống nhà cửa");
  const itemZ = await item("Thông báo lịch tiêm chủng");
  const campaignK = (await e.db.campaign.create({
    data: { name: "Phòng, chống bão", startDate: "2026-04-01", endDate: "2026-04-30", perDay: 1, items: { create: [{ itemId: itemX }, { itemId: itemY }] } },
  })).id;
  return { zones: zones as World["zones"], itemX, itemY, itemZ, campaignK };
}

/** One as-run row, as the playout writes it (settled later by the readers, through the one play definition). */
async function aired(e: TestEnv, zoneId: number, itemId: number, date: string, hhmm: string, status = "completed", durationMs = 60_000) {
  const start = at(date, hhmm);
  await e.db.asRun.create({
    data: { zoneId, itemId, localDate: date, scheduledStart: start, actualStart: start, actualEnd: new Date(start.getTime() + durationMs), durationMs, plannedMs: 60_000, status, source: "schedule" },
  });
}

/** Received day 1 (1 April 08:00); items linked to it air from day 3 on two of three zones, then on all zones on day 4. */
async function airScenario(e: TestEnv, x: World) {
  const [a, b, c] = x.zones;
  await aired(e, a, x.itemX, "2026-04-03", "05:30");
  await aired(e, b, x.itemX, "2026-04-03", "05:30");
  await aired(e, a, x.itemY, "2026-04-03", "17:00"); // through campaign K only
  await aired(e, b, x.itemX, "2026-04-03", "17:00", "interrupted", 20_000); // cut at a third: not a play
  await aired(e, a, x.itemZ, "2026-04-03", "17:00"); // another document's item
  for (const z of [a, b, c]) await aired(e, z, x.itemX, "2026-04-04", "05:30");
}

// By hand: first air 3 April 05:30 − 1 April 08:00 = 45.5 h; all zones when C first aired,
// 4 April 05:30 − 1 April 08:00 = 69.5 h; plays 3 on day 3 (X on A and B, Y on A; the cut X on
// B is no play) + 3 on day 4 = 6; zones 3; due 1 April + 3 days = 4 April → on time.
const STORM_BY_HAND = {
  status: "on_time", plays: 6, zonesReached: 3, zonesTotal: 3, targetMet: null,
  firstAiredAt: at("2026-04-03", "05:30").toISOString(), allZonesAt: at("2026-04-04", "05:30").toISOString(),
  hoursToFirstAir: 45.5, hoursToAllZones: 69.5,
};

beforeAll(async () => {
  env = await createTestEnv({ clock });
  admin = await signedIn(env, "admin");
  viewer = await signedIn(env, "viewer");
  w = await createWorld(env);
});
afterAll(async () => env?.cleanup());

const storm = {
  issuer: "Đảng ủy xã Kiến Minh", number: "12-CV/ĐU", issuedDate: "2026-03-31", receivedAt: "2026-04-01T08:00",
  summary: "Về tăng cường tuyên truyền phòng, chống bão số 3", action: "air_within", airWithinDays: 3,
};

describe("directive register API", () => {
  it("creates a document with links, computes its due date, and refuses bad input in Vietnamese first", async () => {
    const r = await admin.req("POST", "/api/directives", { ...storm, itemIds: [w.itemX], campaignIds: [w.campaignK] });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.directive).toMatchObject({ number: "12-CV/ĐU", receivedDate: "2026-04-01", dueDate: "2026-04-04", receivedAt: "2026-04-01T01:00:00.000Z" });
    expect(r.json.directive.items.map((i: { id: number }) => i.id)).toEqual([w.itemX]);
    expect(r.json.directive.campaigns.map((c: { id: number }) => c.id)).toEqual([w.campaignK]);
    // The item shows the document it carries out.
    expect((await viewer.req("GET", `/api/items/${w.itemX}`)).json.item.directives.map((d: { directive: { number: string } }) => d.directive.number)).toEqual(["12-CV/ĐU"]);

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
    await airScenario(env, w);
    const r = await admin.req("GET", "/api/directives");
    const storm12 = r.json.directives.find((d: { number: string }) => d.number === "12-CV/ĐU");
    expect(storm12.timeliness).toEqual(STORM_BY_HAND);

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
    await admin.req("PATCH", `/api/directives/${late.json.directive.id}`, { itemIds: [w.itemZ] });
    const now = await admin.req("GET", `/api/directives/${late.json.directive.id}`);
    expect(now.json.directive.timeliness).toMatchObject({ status: "on_time", plays: 1, zonesReached: 1 });
    expect((await sweep()).resolved).toBe(1);
  });

  it("the monthly report's section \"Tuyên truyền văn bản chỉ đạo\" counts on time / late / not yet and the median, in JSON, XLSX and PDF", async () => {
    // A third document, received 2 April 09:00, due 3 April, never aired; and one for information.
    const base = { issuer: "Đảng ủy xã Kiến Minh", issuedDate: "2026-04-02", receivedAt: "2026-04-02T09:00", itemIds: [] };
    expect((await admin.req("POST", "/api/directives", { ...base, number: "52-CV/ĐU", summary: "Về tuyên truyền phòng, chống dịch sốt xuất huyết", action: "air_within", airWithinDays: 1 })).status).toBe(201);
    expect((await admin.req("POST", "/api/directives", { ...base, number: "08-KH/ĐU", summary: "Kế hoạch tổ chức Đại hội Đoàn xã", action: "info" })).status).toBe(201);
    // By hand, as of 5 April 10:00: 12-CV/ĐU first aired after 45.5 h (all zones 69.5 h), 45/TB-UBND
    // (received 1 April 14:00) after 51 h on 3 April 17:00, both before their due dates; 52-CV/ĐU
    // nothing, due 3 April → overdue. Median time to first air (45.5 + 51) / 2 = 48.25 h.
    const r = await admin.req("GET", "/api/reports?period=month&value=2026-04");
    expect(r.status).toBe(200);
    const d = r.json.report.directives;
    expect({ ...d, rows: undefined }).toEqual({
      asOf: at("2026-04-05", "10:00").toISOString().slice(0, 16) + d.asOf.slice(16), rows: undefined,
      received: 4, toAir: 3, onTime: 2, late: 0, notYet: 1, overdue: 1, info: 1, medianHoursToFirstAir: 48.25, medianHoursToAllZones: 69.5,
    });
    expect(d.rows.map((x: { number: string; status: string; hoursToFirstAir: number | null; plays: number; zonesReached: number }) => [x.number, x.status, x.hoursToFirstAir, x.plays, x.zonesReached])).toEqual([
      ["12-CV/ĐU", "on_time", 45.5, 6, 3],
      ["45/TB-UBND", "on_time", 51, 1, 1],
      ["52-CV/ĐU", "overdue", null, 0, 0],
      ["08-KH/ĐU", "info", null, 0, 0],
    ]);

    const xlsx = await admin.req("GET", "/api/reports?period=month&value=2026-04&format=xlsx");
    const sheets = xlsxSheets(new Uint8Array(await xlsx.res.arrayBuffer()));
    const sheet = sheets.get("Tuyên truyền văn bản chỉ đạo")!;
    expect(sheet[1]).toContain("Từ khi nhận đến lần phát đầu (giờ)");
    expect(sheet.slice(2).map((row) => [row[1], row[7], row[10], row[11], row[12]])).toEqual([
      ["12-CV/ĐU", 45.5, 6, "3/3", "Đã tuyên truyền đúng hạn"],
      ["45/TB-UBND", 51, 1, "1/3", "Đã tuyên truyền đúng hạn"],
      ["52-CV/ĐU", null, 0, "0/3", "Chưa tuyên truyền, quá hạn"],
      ["08-KH/ĐU", null, 0, "0/3", "Để biết (không yêu cầu phát)"],
    ]);
    const summary = sheets.get("Tổng hợp")!;
    const cell = (label: string) => summary.find((row) => row[0] === label)?.[1];
    expect([cell("Văn bản chỉ đạo nhận trong kỳ"), cell("Văn bản đã tuyên truyền đúng hạn"), cell("Văn bản chưa tuyên truyền"), cell("Trong đó quá hạn"), cell("Thời gian trung vị từ khi nhận đến lần phát đầu")]).toEqual([4, 2, 1, 1, 48.25]);

    const pdf = await admin.req("GET", "/api/reports?period=month&value=2026-04&format=pdf");
    const text = flat(pdftotextPages(new Uint8Array(await pdf.res.arrayBuffer())));
    expect(text).toContain("Tuyên truyền văn bản chỉ đạo: trong kỳ tiếp nhận 4 văn bản (1 văn bản để biết, không yêu cầu phát); đã tuyên truyền đúng hạn 2 văn bản, trễ hạn 0 văn bản, chưa tuyên truyền 1 văn bản (trong đó 1 văn bản đã quá hạn); thời gian trung vị từ khi nhận đến lần phát đầu tiên là 48,3 giờ.");
    expect(text).toContain("7. Tuyên truyền văn bản chỉ đạo");
    // Its table: cells wrap in the narrow columns, so pdftotext interleaves their lines.
    expect(text.slice(text.indexOf("7. Tuyên truyền văn bản chỉ đạo"))).toMatch(/52-CV\/ ?ĐU.*?Chưa tuyên truyền,.*?quá hạn/);
    expect(text).not.toMatch(ENGLISH);
  });
});

// The same count on PostgreSQL (the coverage SQL runs on both), when a server answers.
const pgAdmin = await pgTestUrl();
describe.skipIf(!pgAdmin)("timeliness on PostgreSQL", () => {
  let pgEnv: TestEnv;
  let pgDb: PgDatabase;
  afterAll(async () => {
    await pgEnv?.cleanup();
    await pgDb?.drop();
  });
  it("equals the same values worked out by hand", async () => {
    pgDb = await createPgDatabase(pgAdmin!, "directives");
    pgEnv = await createTestEnv({ clock, env: { DATABASE_URL: pgDb.url } });
    const pgClient = await signedIn(pgEnv, "admin");
    const x = await createWorld(pgEnv);
    expect((await pgClient.req("POST", "/api/directives", { ...storm, itemIds: [x.itemX], campaignIds: [x.campaignK] })).status).toBe(201);
    await airScenario(pgEnv, x);
    const r = await pgClient.req("GET", "/api/directives");
    expect(r.json.directives[0].timeliness).toEqual(STORM_BY_HAND);
  });
});
