// Alerts: raise / dedupe / resolve, the list and acknowledge API (audited, idempotent), the
// DB-driven sweep over airing outcomes, and the webhook outbox against a real local HTTP
// receiver (retry after a 500, give up → webhook_failed, never forwarded in a loop).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import type { LiveEvent } from "../../server/events.ts";
import { raiseAlert, resolveAlert } from "../../server/alerts.ts";
import { sweepAlerts, type AlertSweepDeps } from "../../server/alert-sweep.ts";
import { startScheduler } from "../../server/scheduler.ts";
import { checkWebhookHost, startAlertDelivery, WebhookError } from "../../server/alert-webhook.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
let admin: Client;
let op: Client;
let zoneId: number;
const T0 = new Date("2026-12-01T00:00:00.000Z"); // 07:00 in Hà Nội
const clock = new ManualClock(T0);
const events: LiveEvent[] = [];

// A webhook receiver: answers with the next status of `script` (then 200), records bodies.
const received: Array<{ status: number; body: any }> = [];
let script: number[] = [];
const receiver = http.createServer((req, res) => {
  let data = "";
  req.on("data", (c) => (data += c));
  req.on("end", () => {
    const status = script.length ? script.shift()! : 200;
    received.push({ status, body: JSON.parse(data) });
    res.writeHead(status).end();
  });
});
let hookUrl = "";

const deps = () => ({ db: env.db, events: env.events, logger: silentLogger, now: () => clock.now() });
const sweepDeps = (): AlertSweepDeps => ({ db: env.db, events: env.events, logger: silentLogger, clock, config: env.config, webhookPolicy: { attempts: 3, backoffMs: [5_000, 30_000] } });

beforeAll(async () => {
  env = await createTestEnv({ clock, env: { ALERT_WEBHOOK_ALLOW_PRIVATE: "1" } });
  env.events.subscribe((e) => events.push(e));
  admin = await signedIn(env, "admin");
  op = await signedIn(env, "operator");
  zoneId = (await env.db.zone.create({ data: { code: "dong", name: "Cụm loa thôn Đông", outputKind: "file" } })).id;
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  receiver.close();
  await env?.cleanup();
});

describe("raiseAlert / resolveAlert", () => {
  it("raises once per open key, publishes alert.raised, and a resolved key can be raised again", async () => {
    const a = { kind: "redis_down", severity: "critical" as const, params: { at: "07:00 01/12/2026" }, dedupeKey: "redis_down" };
    const id = await raiseAlert(deps(), a);
    expect(id).toBeGreaterThan(0);
    expect(await raiseAlert(deps(), a)).toBeNull();
    expect(await env.db.alert.count({ where: { kind: "redis_down" } })).toBe(1);
    const ev = events.filter((e) => e.type === "alert.raised" && e.alertId === id);
    expect(ev).toHaveLength(1);
    expect(ev[0]!.messageVi).toBe("Mất kết nối Redis (hàng đợi công việc) từ 07:00 01/12/2026; các buổi phát sắp tới có thể không được chuẩn bị.");

    // A time given as an ISO instant is stored as commune time.
    const iso = (await raiseAlert(deps(), { kind: "output_down", severity: "critical", params: { zone: "Cụm loa thôn Tây", at: "2026-11-30T22:30:00.000Z" }, dedupeKey: "iso-at" }))!;
    expect(JSON.parse((await env.db.alert.findUniqueOrThrow({ where: { id: iso } })).params).at).toBe("05:30 01/12/2026");
    await env.db.alert.update({ where: { id: iso }, data: { acknowledgedAt: clock.now() } });

    clock.advance(60_000);
    await resolveAlert(deps(), "redis_down");
    const row = await env.db.alert.findUniqueOrThrow({ where: { id: id! } });
    expect(row.resolvedAt?.toISOString()).toBe(clock.now().toISOString());
    await resolveAlert(deps(), "redis_down"); // nothing open: a no-op
    const again = await raiseAlert(deps(), a);
    expect(again).not.toBeNull();
    expect(again).not.toBe(id);
    await resolveAlert(deps(), "redis_down");
  });
});

describe("alerts API", () => {
  it("lists open alerts with both messages, pages by cursor, and acknowledges (audited, idempotent)", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await raiseAlert(deps(), { kind: "airing_missed", severity: "critical", params: { zone: "Cụm loa thôn Đông", at: `05:3${i} 01/12/2026` }, dedupeKey: `api-${i}`, zoneId }))!);
    const first = await op.req("GET", "/api/alerts?state=open&limit=2");
    expect(first.status).toBe(200);
    expect(first.json.openCount).toBe(3);
    expect(first.json.alerts.map((a: any) => a.id)).toEqual([ids[2], ids[1]]);
    expect(first.json.alerts[0].messageVi).toBe("Buổi phát lúc 05:32 01/12/2026 tại Cụm loa thôn Đông đã bị lỡ, không được phát.");
    expect(first.json.alerts[0].messageEn).toBe("The session at 05:32 01/12/2026 on Cụm loa thôn Đông was missed and did not air.");
    const second = await op.req("GET", `/api/alerts?state=open&limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.alerts.map((a: any) => a.id)).toEqual([ids[0]]);
    expect(second.json.nextCursor).toBeNull();

    const viewer = await signedIn(env, "viewer");
    expect((await viewer.req("POST", `/api/alerts/${ids[0]}/ack`)).status).toBe(403);
    const ack = await op.req("POST", `/api/alerts/${ids[0]}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.json.changed).toBe(true);
    expect(events.some((e) => e.type === "alert.acknowledged" && e.alertId === ids[0])).toBe(true);
    const again = await op.req("POST", `/api/alerts/${ids[0]}/ack`);
    expect(again.status).toBe(200);
    expect(again.json.changed).toBe(false);
    const audit = await env.db.auditLog.findMany({ where: { entity: "alert", entityId: String(ids[0]) }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, JSON.parse(a.detail).alreadyAcknowledged])).toEqual([["alert.acknowledge", false], ["alert.acknowledge", true]]);

    const open = await op.req("GET", "/api/alerts?state=open&limit=50");
    expect(open.json.openCount).toBe(2);
    expect(open.json.alerts.map((a: any) => a.id)).not.toContain(ids[0]);
    const all = await op.req("GET", "/api/alerts?state=all&limit=50");
    const acked = all.json.alerts.find((a: any) => a.id === ids[0]);
    expect(acked.acknowledgedAt).toBe(clock.now().toISOString());
    expect(acked.acknowledgedBy.username).toMatch(/^operator-/);
    for (const id of ids.slice(1)) await op.req("POST", `/api/alerts/${id}/ack`);
  });

  it("refuses bad input with bilingual errors", async () => {
    for (const url of ["/api/alerts?state=closed", "/api/alerts?limit=0", "/api/alerts?cursor=abc"]) {
      const r = await op.req("GET", url);
      expect(r.status, url).toBe(422);
      expect(r.json.error.messageVi).toMatch(/^Dữ liệu không hợp lệ/);
      expect(r.json.error.messageEn).toMatch(/^Invalid input/);
    }
    const r = await op.req("POST", "/api/alerts/999999/ack");
    expect(r.status).toBe(404);
    expect(r.json.error.messageVi).toBe("Không tìm thấy cảnh báo.");
    const bad = await admin.req("PUT", "/api/alerts/settings", { webhookUrl: "ftp://example.org/x" });
    expect(bad.status).toBe(422);
    expect(bad.json.error.messageVi).toBe("Địa chỉ webhook phải bắt đầu bằng http:// hoặc https://.");
    expect((await op.req("PUT", "/api/alerts/settings", { webhookUrl: hookUrl })).status).toBe(403);
  });

  it("refuses a private webhook address unless allowed (the project's address policy)", async () => {
    await expect(checkWebhookHost(new URL("http://127.0.0.1:9/x"), { allowPrivate: false })).rejects.toMatchObject({ code: "PRIVATE_ADDRESS" });
    await expect(checkWebhookHost(new URL("http://rebind.example/x"), { allowPrivate: false, resolve: async () => [{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.5", family: 4 }] })).rejects.toBeInstanceOf(WebhookError);
    expect(await checkWebhookHost(new URL("http://127.0.0.1:9/x"), { allowPrivate: ["127.0.0.1"] })).toEqual([{ address: "127.0.0.1", family: 4 }]);
  });
});

describe("alert sweep", () => {
  it("raises one alert per failed, interrupted or missed airing and per dropout, exactly once, and resolves one that aired after all", async () => {
    const mk = (minutes: number, status: string, statusReason = "") =>
      env.db.airing.create({ data: { zoneId, source: "schedule", localDate: "2026-12-01", scheduledStart: new Date(T0.getTime() - minutes * 60_000), maxDurationMs: 60_000, status, statusReason } });
    const failed = await mk(30, "failed", "sink error: ECONNREFUSED");
    const interrupted = await mk(20, "interrupted");
    const missed = await mk(10, "missed");
    await mk(5, "aired");
    await mk(-60, "planned");
    const r1 = await sweepAlerts(sweepDeps());
    expect(r1.raised).toBe(3);
    const rows = await env.db.alert.findMany({ where: { airingId: { not: null } }, orderBy: { id: "asc" } });
    expect(rows.map((a) => [a.kind, a.dedupeKey, a.severity])).toEqual([
      ["airing_failed", `airing:${failed.id}:failed`, "critical"],
      ["airing_interrupted", `airing:${interrupted.id}:interrupted`, "critical"],
      ["airing_missed", `airing:${missed.id}:missed`, "critical"],
    ]);
    const list = await op.req("GET", "/api/alerts?state=open&limit=10");
    const f = list.json.alerts.find((a: any) => a.airingId === failed.id);
    // 06:30 Hà Nội time; the reason rendered through the reason catalogue.
    expect(f.messageVi).toBe("Buổi phát lúc 06:30 01/12/2026 tại Cụm loa thôn Đông bị lỗi, không phát được (Lỗi thiết bị phát (đầu ra)).");
    expect(f.messageEn).toBe("The session at 06:30 01/12/2026 on Cụm loa thôn Đông failed and did not air (Output device error).");

    // Repeated sweeps, acknowledged or not, raise nothing more.
    await op.req("POST", `/api/alerts/${rows[0]!.id}/ack`);
    expect((await sweepAlerts(sweepDeps())).raised).toBe(0);
    expect((await sweepAlerts(sweepDeps())).raised).toBe(0);
    expect(await env.db.alert.count({ where: { airingId: { not: null } } })).toBe(3);

    // The interrupted airing was resumed and aired: its alert is resolved, never re-raised.
    await env.db.airing.update({ where: { id: interrupted.id }, data: { status: "aired" } });
    expect((await sweepAlerts(sweepDeps())).resolved).toBe(1);
    expect((await env.db.alert.findFirstOrThrow({ where: { airingId: interrupted.id } })).resolvedAt).not.toBeNull();
    expect((await sweepAlerts(sweepDeps())).raised).toBe(0);

    // A dropout recorded by playout: one warning, with its length and commune time.
    const aired = await env.db.airing.findFirstOrThrow({ where: { status: "aired", zoneId } });
    const drop = await env.db.airingDropout.create({ data: { airingId: aired.id, zoneId, startedAt: new Date(T0.getTime() - 4 * 60_000 + 7_000), endedAt: new Date(T0.getTime() - 4 * 60_000 + 27_000), reason: "icecast connection lost" } });
    expect((await sweepAlerts(sweepDeps())).raised).toBe(1);
    expect((await sweepAlerts(sweepDeps())).raised).toBe(0);
    const da = await env.db.alert.findUniqueOrThrow({ where: { dedupeKey: `dropout:${drop.id}` } });
    expect([da.kind, da.severity, da.airingId]).toEqual(["airing_dropout", "warning", aired.id]);
    const dv = (await op.req("GET", "/api/alerts?state=open&limit=10")).json.alerts.find((a: any) => a.id === da.id);
    expect(dv.messageVi).toBe("Mất tín hiệu phát 20 giây tại Cụm loa thôn Đông lúc 06:56:07 01/12/2026; phần này không đến được loa.");
    for (const a of await env.db.alert.findMany({ where: { acknowledgedAt: null } })) await op.req("POST", `/api/alerts/${a.id}/ack`);
  });
});

describe("webhook", () => {
  it("delivers each alert as a JSON POST, retrying after the receiver first answers 500", async () => {
    const put = await admin.req("PUT", "/api/alerts/settings", { webhookUrl: hookUrl });
    expect(put.status).toBe(200);
    expect((await admin.req("GET", "/api/alerts/settings")).json.webhookUrl).toBe(hookUrl);
    received.length = 0;
    script = [500];
    const id = (await raiseAlert(deps(), { kind: "output_down", severity: "critical", params: { zone: "Cụm loa thôn Đông" }, dedupeKey: "output:dong", zoneId }))!;
    expect(await env.db.alertDelivery.count({ where: { alertId: id } })).toBe(1);

    const r1 = await sweepAlerts(sweepDeps());
    expect(r1.webhooks).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(received.map((x) => x.status)).toEqual([500]);
    // Not due yet: no request before the backoff has passed.
    clock.advance(4_000);
    await sweepAlerts(sweepDeps());
    expect(received).toHaveLength(1);
    clock.advance(1_000);
    const r2 = await sweepAlerts(sweepDeps());
    expect(r2.webhooks.delivered).toBe(1);
    expect(received.map((x) => x.status)).toEqual([500, 200]);
    const body = received[1]!.body;
    expect(body).toEqual({
      alertId: id,
      kind: "output_down",
      severity: "critical",
      messageVi: "Mất kết nối đầu ra âm thanh của Cụm loa thôn Đông; loa không nhận được tín hiệu.",
      messageEn: "The audio output of Cụm loa thôn Đông is down; the speakers receive nothing.",
      zone: "Cụm loa thôn Đông",
      zoneId,
      airingId: null,
      at: expect.stringMatching(/^2026-12-01T07:0\d:\d\d\+07:00$/),
    });
    const d = await env.db.alertDelivery.findFirstOrThrow({ where: { alertId: id } });
    expect([d.status, d.attempts]).toEqual(["delivered", 2]);
    await sweepAlerts(sweepDeps());
    expect(received).toHaveLength(2);
  });

  it("gives up after the last attempt and raises webhook_failed, which is not itself forwarded", async () => {
    received.length = 0;
    script = [500, 503, 500];
    const id = (await raiseAlert(deps(), { kind: "worker_lost", severity: "warning", params: { worker: "may-1" }, dedupeKey: "worker:may-1" }))!;
    await sweepAlerts(sweepDeps());
    clock.advance(5_000);
    await sweepAlerts(sweepDeps());
    clock.advance(30_000);
    const r = await sweepAlerts(sweepDeps());
    expect(r.webhooks.failed).toBe(1);
    expect(received.map((x) => [x.status, x.body.alertId])).toEqual([[500, id], [503, id], [500, id]]);
    const failed = await env.db.alert.findUniqueOrThrow({ where: { dedupeKey: "webhook_failed" } });
    expect(failed.severity).toBe("warning");
    expect(await env.db.alertDelivery.count({ where: { alertId: failed.id } })).toBe(0);
    const view = (await op.req("GET", "/api/alerts?state=open&limit=5")).json.alerts.find((a: any) => a.id === failed.id);
    expect(view.messageVi).toBe("Không gửi được cảnh báo tới địa chỉ webhook sau 3 lần thử (Máy chủ webhook trả về HTTP 500.); hãy kiểm tra địa chỉ trong phần Cài đặt.");
    clock.advance(600_000);
    await sweepAlerts(sweepDeps());
    expect(received).toHaveLength(3);

    // The next successful delivery resolves webhook_failed.
    await raiseAlert(deps(), { kind: "zone_unserved", severity: "critical", params: { zone: "Cụm loa thôn Đông" }, dedupeKey: "unserved:dong", zoneId });
    await sweepAlerts(sweepDeps());
    expect(received.at(-1)!.body.kind).toBe("zone_unserved");
    expect((await env.db.alert.findUniqueOrThrow({ where: { id: failed.id } })).resolvedAt).not.toBeNull();
  });

  it("also leaves from a process that is not the scheduler (the API role's delivery loop)", async () => {
    received.length = 0;
    script = [];
    const loop = startAlertDelivery({ db: env.db, events: env.events, logger: silentLogger, now: () => clock.now(), allowPrivate: true, intervalMs: 100 });
    try {
      const id = (await raiseAlert(deps(), { kind: "scheduler_lost", severity: "critical", params: {}, dedupeKey: "scheduler_lost" }))!;
      for (let i = 0; i < 200 && !received.length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(received.map((x) => [x.body.alertId, x.body.kind])).toEqual([[id, "scheduler_lost"]]);
    } finally {
      await loop.stop();
    }
  });

  it("sends a test alert on request", async () => {
    received.length = 0;
    const r = await admin.req("POST", "/api/alerts/webhook-test", {});
    expect(r.status).toBe(200);
    expect(received.at(-1)!.body).toMatchObject({ kind: "test", test: true, messageVi: expect.stringContaining("webhook đã hoạt động") });
    script = [404];
    const bad = await admin.req("POST", "/api/alerts/webhook-test", {});
    expect(bad.status).toBe(422);
    expect(bad.json.error.messageVi).toBe("Máy chủ webhook trả về HTTP 404.");
  });
});

describe("the scheduler role", () => {
  it("runs the sweep on its own: a missed airing written to the database becomes an alert", async () => {
    const scheduler = await startScheduler({ db: env.db, config: env.config, queues: env.queues, events: env.events, logger: silentLogger, clock });
    try {
      const a = await env.db.airing.create({ data: { zoneId, source: "schedule", localDate: "2026-12-01", scheduledStart: new Date(T0.getTime() - 2 * 60_000), maxDurationMs: 60_000, status: "missed", statusReason: "Hệ thống không hoạt động lúc đến giờ phát" } });
      // The sweep runs every 5 s of real time; wait for its outcome (generously, never timed).
      let row = null;
      for (let i = 0; i < 120 && !row; i++) {
        row = await env.db.alert.findUnique({ where: { dedupeKey: `airing:${a.id}:missed` } });
        if (!row) await new Promise((r) => setTimeout(r, 250));
      }
      expect(row?.kind).toBe("airing_missed");
      expect(events.some((e) => e.type === "alert.raised" && e.alertId === row!.id)).toBe(true);
    } finally {
      await scheduler.stop();
    }
  });
});
