// Content approval (issue #15, biên tập → duyệt → phát), through the real planner on an
// injected clock: an unapproved item is withheld (its run-down line says why, the render
// raises an alert), approval makes the next session carry it, an edit after approval
// withdraws it; an emergency may air it unapproved, flagged for review; viewers and the
// Party committee's supervisors get 403 on every mutation; the audit log has each step.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OffsetClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { createRenderHandler } from "../../worker/render.ts";
import { createStorage } from "../../server/storage.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

const clock = new OffsetClock("2026-11-30T00:00:00.000Z"); // Monday 07:00 in Hà Nội
let env: TestEnv;
let admin: Client, editor: Client, leader: Client, viewer: Client, supervisor: Client;
let zone = 0, program = 0, jingle = 0;
// A local "station": relay items are checked against a live stream when saved.
const station = http.createServer((_req, res) => res.writeHead(200, { "content-type": "audio/mpeg" }).end(Buffer.alloc(1024, 0xff)));
let stream = "";

beforeAll(async () => {
  await new Promise<void>((r) => station.listen(0, "127.0.0.1", r));
  stream = `http://127.0.0.1:${(station.address() as AddressInfo).port}`;
  env = await createTestEnv({ clock, env: { PLAN_HORIZON_HOURS: "30", RELAY_ALLOW_PRIVATE: "1" } });
  const clients = await Promise.all(["admin", "editor", "leader", "viewer", "supervisor"].map((r) => signedIn(env, r)));
  [admin, editor, leader, viewer, supervisor] = clients as [Client, Client, Client, Client, Client];
  zone = (await env.db.zone.create({ data: { code: "a", name: "Cụm loa thôn Đông", outputKind: "file" } })).id;
  // Made before approval is switched on: approved as it is made.
  const relay = await admin.req("POST", "/api/items", { kind: "relay", title: "Tiếp sóng VOV", url: `${stream}/vov`, durationSec: 60 });
  expect(relay.status, JSON.stringify(relay.json)).toBe(201);
  jingle = relay.json.item.id;
  program = (await admin.req("POST", "/api/programs", { name: "Chương trình sáng", itemIds: [jingle], gapMs: 1000 })).json.program.id;
  expect((await admin.req("POST", "/api/schedules", { name: "Sáng", programId: program, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6, 7], startTime: "17:00", maxDurationSec: 1800, zoneIds: [zone] })).status).toBe(201);
});
afterAll(async () => {
  station.close();
  await env?.cleanup();
});

/** The run-down of the next session (today 17:00 on zone A), as the planner wrote it. */
async function nextRundown() {
  const a = await env.db.airing.findFirstOrThrow({ where: { zoneId: zone, status: { in: ["planned", "ready"] } }, orderBy: { scheduledStart: "asc" }, include: { lines: { orderBy: { position: "asc" } } } });
  return { airing: a, lines: a.lines.map((l) => ({ itemId: l.itemId, reason: l.reason, bumped: l.bumped, reasonVi: l.reasonVi })) };
}

describe("content approval", () => {
  let news = 0;
  it("switching approval on is the administrator's, and audited", async () => {
    expect((await leader.req("PUT", "/api/settings/approval", { required: true })).status).toBe(403);
    expect((await admin.req("PUT", "/api/settings/approval", { required: true })).json).toEqual({ required: true });
  });

  it("withholds an unapproved item: the run-down line says why and the render raises an alert", async () => {
    const r = await editor.req("POST", "/api/items", { kind: "relay", title: "Thông báo lịch tiêm chủng", url: `${stream}/tin`, durationSec: 30 });
    news = r.json.item.id;
    expect(r.json.item.approval).toBe("pending");
    await editor.req("PUT", `/api/programs/${program}`, { name: "Chương trình sáng", itemIds: [jingle, news], gapMs: 1000 });
    const { airing, lines } = await nextRundown();
    expect(lines).toEqual([
      { itemId: jingle, reason: "program", bumped: false, reasonVi: expect.any(String) },
      { itemId: news, reason: "unapproved", bumped: true, reasonVi: "Không phát: tin bài chưa được lãnh đạo duyệt" },
    ]);
    const render = createRenderHandler({ db: env.db, storage: createStorage(env.dir), config: env.config, events: env.events, logger: silentLogger });
    await render({ airingId: airing.id, hash: "stale" }, { signal: new AbortController().signal } as never);
    const alerts = (await viewer.req("GET", "/api/alerts?state=open")).json.alerts.filter((x: { kind: string }) => x.kind === "content_withheld");
    expect(alerts.map((x: { messageVi: string }) => x.messageVi)).toEqual([
      'Buổi phát lúc 17:00 30/11/2026 (Chương trình sáng) phát thiếu 1 tin bài chưa được lãnh đạo duyệt: "Thông báo lịch tiêm chủng".',
    ]);
    expect((await viewer.req("GET", "/api/approvals")).json.items.map((i: { id: number }) => i.id)).toEqual([news]);
  });

  it("a rejection needs a comment; approval makes the next session carry it; an edit withdraws it", async () => {
    expect((await editor.req("POST", `/api/items/${news}/approval`, { decision: "approve" })).status).toBe(403);
    const noComment = await leader.req("POST", `/api/items/${news}/approval`, { decision: "reject" });
    expect(noComment.status).toBe(422);
    expect(noComment.json.error.messageVi).toBe("Từ chối duyệt cần ghi rõ lý do.");
    expect((await leader.req("POST", `/api/items/${news}/approval`, { decision: "reject", comment: "Sai ngày tiêm, sửa lại." })).json.item.approval).toBe("rejected");
    expect((await nextRundown()).lines[1]).toMatchObject({ reason: "unapproved", reasonVi: "Không phát: tin bài bị lãnh đạo từ chối duyệt" });

    expect((await leader.req("POST", `/api/items/${news}/approval`, { decision: "approve" })).json.item.approval).toBe("approved");
    // The item is approved; adding it to the program is a change of the program, which waits too.
    expect((await nextRundown()).lines.map((l) => [l.itemId, l.reason, l.bumped, l.reasonVi])).toEqual([
      [jingle, "program", false, expect.any(String)],
      [news, "unapproved", true, "Không phát: thay đổi chương trình chưa được lãnh đạo duyệt"],
    ]);
    expect((await leader.req("GET", "/api/approvals")).json.programs).toEqual([
      expect.objectContaining({ id: program, name: "Chương trình sáng", approval: "pending", everApproved: true, entries: [{ itemId: jingle, title: "Tiếp sóng VOV", added: false }, { itemId: news, title: "Thông báo lịch tiêm chủng", added: true }] }),
    ]);
    expect((await editor.req("POST", `/api/programs/${program}/approval`, { decision: "approve" })).status).toBe(403);
    expect((await leader.req("POST", `/api/programs/${program}/approval`, { decision: "approve" })).json.program.approval).toBe("approved");
    expect((await nextRundown()).lines.map((l) => [l.itemId, l.reason, l.bumped])).toEqual([[jingle, "program", false], [news, "program", false]]);

    const edited = await editor.req("PATCH", `/api/items/${news}`, { url: `${stream}/tin-moi` });
    expect(edited.json.item.approval).toBe("pending");
    expect((await nextRundown()).lines.map((l) => [l.itemId, l.reason, l.bumped])).toEqual([[jingle, "program", false], [news, "unapproved", true]]);
  });

  it("an emergency airs an unapproved item, flagged until a leader reviews it", async () => {
    const e = await admin.req("POST", "/api/emergencies", { itemId: news, zoneIds: [zone] });
    expect(e.status, JSON.stringify(e.json)).toBe(201);
    expect(e.json.emergency.unapproved).toBe(true);
    const queue = (await supervisor.req("GET", "/api/approvals")).json;
    expect(queue.emergencies.map((x: { id: number }) => x.id)).toEqual([e.json.emergency.id]);
    expect((await admin.req("POST", `/api/emergencies/${e.json.emergency.id}/cancel`)).status).toBe(200);
    expect((await leader.req("POST", `/api/emergencies/${e.json.emergency.id}/review`)).status).toBe(200);
    expect((await leader.req("GET", "/api/approvals")).json.emergencies).toEqual([]);
  });

  it("the audit log shows each step", async () => {
    const rows = await env.db.auditLog.findMany({ where: { OR: [{ entity: "item", entityId: String(news) }, { action: { in: ["settings.approval", "emergency.start", "emergency.review"] } }] }, orderBy: { id: "asc" }, include: { user: { select: { role: true } } } });
    expect(rows.map((r) => [r.action, r.user?.role])).toEqual([
      ["settings.approval", "admin"],
      ["item.create", "editor"],
      ["approval.reject", "leader"],
      ["approval.approve", "leader"],
      ["item.update", "editor"],
      ["emergency.start", "admin"],
      ["emergency.review", "leader"],
    ]);
    expect(JSON.parse(rows[2]!.detail)).toEqual({ from: "pending", to: "rejected", comment: "Sai ngày tiêm, sửa lại." });
    expect(JSON.parse(rows[4]!.detail).approval).toBe("approved → pending");
    expect(JSON.parse(rows[5]!.detail).unapproved).toBe(true);
  });
});

describe("program approval", () => {
  let evening = 0;
  it("a program never approved airs none of its own entries, and says so; approval puts them on air", async () => {
    const made = await editor.req("POST", "/api/programs", { name: "Chương trình chiều", itemIds: [jingle], gapMs: 1000 });
    evening = made.json.program.id;
    expect(made.json.program.approval).toBe("pending");
    await admin.req("POST", "/api/schedules", { name: "Chiều", programId: evening, kind: "recurring", daysOfWeek: [1, 2, 3, 4, 5, 6, 7], startTime: "18:30", maxDurationSec: 1800, zoneIds: [zone] });
    const session = async () => {
      const a = await env.db.airing.findFirstOrThrow({ where: { zoneId: zone, programId: evening, status: { in: ["planned", "ready"] } }, orderBy: { scheduledStart: "asc" }, include: { lines: { orderBy: { position: "asc" } } } });
      return { airing: a, lines: a.lines.map((l) => [l.itemId, l.reason, l.bumped, l.reasonVi]) };
    };
    const held = await session();
    expect(held.lines).toEqual([[jingle, "unapproved", true, "Không phát: thay đổi chương trình chưa được lãnh đạo duyệt"]]);
    const render = createRenderHandler({ db: env.db, storage: createStorage(env.dir), config: env.config, events: env.events, logger: silentLogger });
    await render({ airingId: held.airing.id, hash: "stale" }, { signal: new AbortController().signal } as never);
    const alerts = (await viewer.req("GET", "/api/alerts?state=open")).json.alerts.filter((x: { kind: string; messageVi: string }) => x.kind === "content_withheld" && x.messageVi.includes("Chương trình chiều"));
    expect(alerts).toHaveLength(1);

    const rejected = await leader.req("POST", `/api/programs/${evening}/approval`, { decision: "reject", comment: "Thiếu bản tin thời sự." });
    expect(rejected.json.program).toMatchObject({ approval: "rejected", approvalNote: "Thiếu bản tin thời sự." });
    expect((await session()).lines).toEqual([[jingle, "unapproved", true, "Không phát: thay đổi chương trình bị lãnh đạo từ chối duyệt"]]);
    expect((await leader.req("POST", `/api/programs/${evening}/approval`, { decision: "approve" })).json.program.approval).toBe("approved");
    expect((await session()).lines.map((l) => l.slice(0, 3))).toEqual([[jingle, "program", false]]);
  });

  it("a change waits for approval while the approved arrangement keeps airing; a save that changes nothing needs none", async () => {
    const other = (await admin.req("POST", "/api/items", { kind: "relay", title: "Tiếp sóng Đài tỉnh", url: `${stream}/tinh`, durationSec: 45 })).json.item.id;
    await leader.req("POST", `/api/items/${other}/approval`, { decision: "approve" });
    const unchanged = await editor.req("PUT", `/api/programs/${evening}`, { name: "Chương trình chiều (đổi tên)", itemIds: [jingle], gapMs: 2000 });
    expect(unchanged.json.program.approval).toBe("approved");
    const changed = await editor.req("PUT", `/api/programs/${evening}`, { name: "Chương trình chiều", itemIds: [other, jingle], gapMs: 1000 });
    expect(changed.json.program.approval).toBe("pending");
    const a = await env.db.airing.findFirstOrThrow({ where: { zoneId: zone, programId: evening, status: { in: ["planned", "ready"] } }, orderBy: { scheduledStart: "asc" }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(a.lines.map((l) => [l.itemId, l.reason, l.bumped])).toEqual([[jingle, "program", false], [other, "unapproved", true]]);
    await leader.req("POST", `/api/programs/${evening}/approval`, { decision: "approve" });
    const b = await env.db.airing.findFirstOrThrow({ where: { zoneId: zone, programId: evening, status: { in: ["planned", "ready"] } }, orderBy: { scheduledStart: "asc" }, include: { lines: { orderBy: { position: "asc" } } } });
    expect(b.lines.map((l) => [l.itemId, l.reason, l.bumped])).toEqual([[other, "program", false], [jingle, "program", false]]);
    const audit = await env.db.auditLog.findMany({ where: { entity: "program", entityId: String(evening), action: { startsWith: "approval." } }, orderBy: { id: "asc" }, include: { user: { select: { role: true } } } });
    expect(audit.map((r) => [r.action, r.user?.role])).toEqual([["approval.reject", "leader"], ["approval.approve", "leader"], ["approval.approve", "leader"]]);
  });
});

describe("read-only roles", () => {
  it("a viewer and the supervisor get 403 on every mutating API route, and may read the register, reports and as-run log", async () => {
    const mutations = env.app.routes
      // Not mutations: signing in and out and one's own password; the campaign feasibility check
      // (POST for its body, it changes nothing; read-only users may ask it, see report-inputs.test.ts).
      .filter((r) => ["POST", "PUT", "PATCH", "DELETE"].includes(r.method) && r.path.startsWith("/api/") && !r.path.startsWith("/api/auth/") && r.path !== "/api/campaigns/feasibility")
      .map((r) => [r.method, r.path.replace(/:month/g, "2026-11").replace(/:format/g, "pdf").replace(/:\w+/g, "1")] as const);
    const unique = [...new Map(mutations.map((m) => [m.join(" "), m])).values()];
    expect(unique.length).toBeGreaterThan(30);
    for (const client of [viewer, supervisor]) {
      for (const [method, url] of unique) {
        const r = await client.req(method, url, {});
        expect(r.status, `${method} ${url}`).toBe(403);
        expect(r.json.error.messageVi, `${method} ${url}`).toBe("Bạn không có quyền thực hiện thao tác này.");
      }
    }
    for (const url of ["/api/directives", "/api/reports?period=month&value=2026-11", "/api/asrun", "/api/approvals"]) {
      expect((await supervisor.req("GET", url)).status, url).toBe(200);
    }
  });
});
