// Forwards alerts to the commune's webhook (a chat-group bridge): a JSON POST per alert,
// from the outbox table AlertDelivery, retried with backoff; when every attempt failed the
// delivery is given up and a `webhook_failed` alert is raised (never itself forwarded).
//
// Outbound requests follow the project's address policy (audio/net-policy.ts): the host is
// resolved once, every address checked (private/loopback refused unless
// ALERT_WEBHOOK_ALLOW_PRIVATE allows it), and the socket dials exactly the checked address
// (no second lookup, so DNS rebinding cannot swap it). Redirects are not followed.
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { addressAllowed, type PrivateAllowance } from "../audio/net-policy.ts";
import type { Db } from "./db/client.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import { alertMessages, communeIso, parseAlertParams } from "./alert-messages.ts";
import { raiseAlert, resolveAlert, webhookUrlOf } from "./alerts.ts";

/** A refusal or failure, with the reason in Vietnamese and English. */
export class WebhookError extends Error {
  constructor(
    readonly code: "BAD_URL" | "PRIVATE_ADDRESS" | "UNRESOLVABLE" | "HTTP_STATUS" | "NETWORK" | "TIMEOUT",
    readonly messageVi: string,
    readonly messageEn: string,
  ) {
    super(messageEn);
    this.name = "WebhookError";
  }
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;
const systemResolve: Resolver = (h) => dns.promises.lookup(h, { all: true, verbatim: true });

export interface PostOptions {
  allowPrivate: PrivateAllowance;
  timeoutMs: number;
  resolve?: Resolver;
}

/** Parses and checks a webhook URL's form: http(s), a host, at most 2,000 characters. */
export function parseWebhookUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new WebhookError("BAD_URL", "Địa chỉ webhook không hợp lệ.", "The webhook address is not a valid URL.");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new WebhookError("BAD_URL", "Địa chỉ webhook phải bắt đầu bằng http:// hoặc https://.", "The webhook address must start with http:// or https://.");
  if (raw.length > 2000) throw new WebhookError("BAD_URL", "Địa chỉ webhook quá dài.", "The webhook address is too long.");
  return u;
}

/** Resolves the host once and refuses it if any address is outside the allowance. */
export async function checkWebhookHost(u: URL, opts: Pick<PostOptions, "allowPrivate" | "resolve">): Promise<Array<{ address: string; family: number }>> {
  const host = u.hostname.replace(/^\[|\]$/g, "");
  let addrs: Array<{ address: string; family: number }> = [];
  if (net.isIP(host)) addrs = [{ address: host, family: net.isIP(host) }];
  else addrs = await (opts.resolve ?? systemResolve)(host).catch(() => []);
  if (!addrs.length) throw new WebhookError("UNRESOLVABLE", `Không phân giải được tên máy chủ webhook "${host}".`, `Cannot resolve the webhook host "${host}".`);
  const bad = addrs.find((a) => !addressAllowed(a.address, opts.allowPrivate));
  if (bad) {
    throw new WebhookError(
      "PRIVATE_ADDRESS",
      `Địa chỉ webhook ${host} trỏ vào mạng nội bộ (${bad.address}); quản trị viên cần cho phép bằng ALERT_WEBHOOK_ALLOW_PRIVATE.`,
      `The webhook host ${host} points to a private or loopback address (${bad.address}); an administrator must allow it with ALERT_WEBHOOK_ALLOW_PRIVATE.`,
    );
  }
  return addrs;
}

/** One JSON POST to `raw`, pinned to the checked addresses; resolves with the 2xx status. */
export async function postJson(raw: string, body: unknown, opts: PostOptions): Promise<number> {
  const url = parseWebhookUrl(raw);
  const addrs = await checkWebhookHost(url, opts);
  const payload = Buffer.from(JSON.stringify(body));
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const lookup = (_h: string, o: { all?: boolean } | undefined, cb: (...a: unknown[]) => void) => (o?.all ? cb(null, addrs) : cb(null, addrs[0]!.address, addrs[0]!.family));
  return new Promise<number>((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(url, {
      method: "POST",
      agent: false,
      ...(net.isIP(host) ? {} : { lookup: lookup as unknown as typeof dns.lookup }),
      headers: { "content-type": "application/json; charset=utf-8", "content-length": String(payload.length), "user-agent": "LoaXa-alerts/1" },
    });
    // One deadline for the whole exchange: connect, send, status line.
    const timer = setTimeout(() => req.destroy(new WebhookError("TIMEOUT", "Máy chủ webhook không trả lời kịp.", "The webhook server did not answer in time.")), opts.timeoutMs);
    req.once("response", (res) => {
      clearTimeout(timer);
      res.resume(); // the answer's body is not needed
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve(status);
      else reject(new WebhookError("HTTP_STATUS", `Máy chủ webhook trả về HTTP ${status}.`, `The webhook server answered HTTP ${status}.`));
    });
    req.once("error", (e) => {
      clearTimeout(timer);
      reject(e instanceof WebhookError ? e : new WebhookError("NETWORK", `Không kết nối được máy chủ webhook (${e.message}).`, `The webhook server is unreachable (${e.message}).`));
    });
    req.end(payload);
  });
}

/** What the webhook receives for one alert. `at` is the alert's time in the commune's zone. */
export interface WebhookPayload {
  alertId: number;
  kind: string;
  severity: string;
  messageVi: string;
  messageEn: string;
  zone: string | null;
  zoneId: number | null;
  airingId: number | null;
  at: string;
  test?: true;
}

/**
 * Retry policy of a delivery: `backoffMs[i]` is the wait after failed attempt i+1; after
 * `attempts` failures the delivery is given up (~21 min in all by default, which rides
 * out a router restart or a chat bridge redeploy without flooding a dead server).
 */
export interface WebhookPolicy {
  attempts: number;
  backoffMs: readonly number[];
  timeoutMs: number;
  /** A claimed delivery whose process died is retried after this long. */
  leaseMs: number;
  batch: number;
}

export const WEBHOOK_POLICY: WebhookPolicy = {
  attempts: 6,
  backoffMs: [5_000, 15_000, 60_000, 300_000, 900_000],
  timeoutMs: 5_000,
  leaseMs: 60_000,
  batch: 20,
};

export interface DeliveryDeps {
  db: Db;
  events: EventHub;
  logger: Logger;
  now: () => Date;
  allowPrivate: PrivateAllowance;
  policy?: Partial<WebhookPolicy>;
  resolve?: Resolver;
}

export async function payloadOf(db: Db, alertId: number, timeZone: string): Promise<WebhookPayload | null> {
  const a = await db.alert.findUnique({ where: { id: alertId } });
  if (!a) return null;
  const params = parseAlertParams(a.params);
  const zoneName = typeof params.zone === "string" ? params.zone : a.zoneId ? ((await db.zone.findUnique({ where: { id: a.zoneId }, select: { name: true } }))?.name ?? null) : null;
  return { alertId: a.id, kind: a.kind, severity: a.severity, ...alertMessages(a.kind, params), zone: zoneName, zoneId: a.zoneId, airingId: a.airingId, at: communeIso(a.createdAt, timeZone) };
}

/**
 * Delivers due outbox rows in order (attempt, then success, retry later or give up),
 * stopping at the first failure.
 * Each row is first leased (nextAttemptAt moved past the lease) by a conditional update,
 * so two sweepers never post the same attempt; a sweeper that dies mid-post leaves a row
 * that becomes due again when the lease ends.
 */
export async function deliverDueWebhooks(deps: DeliveryDeps): Promise<{ delivered: number; retried: number; failed: number }> {
  const { db, logger } = deps;
  const policy = { ...WEBHOOK_POLICY, ...deps.policy };
  const now = deps.now();
  const due = await db.alertDelivery.findMany({ where: { status: "pending", nextAttemptAt: { lte: now } }, orderBy: { id: "asc" }, take: policy.batch });
  const out = { delivered: 0, retried: 0, failed: 0 };
  if (!due.length) return out;
  const url = await webhookUrlOf(db);
  const tz = (await db.commune.findUnique({ where: { id: 1 } }))?.timeZone ?? "Asia/Ho_Chi_Minh";
  for (const d of due) {
    const leased = await db.alertDelivery.updateMany({ where: { id: d.id, status: "pending", nextAttemptAt: d.nextAttemptAt }, data: { nextAttemptAt: new Date(now.getTime() + policy.leaseMs) } });
    if (!leased.count) continue;
    if (!url) {
      await db.alertDelivery.update({ where: { id: d.id }, data: { status: "skipped", lastError: "no webhook configured" } });
      continue;
    }
    const payload = await payloadOf(db, d.alertId, tz);
    if (!payload) continue; // the alert is gone (cascade removes the row too)
    const attempts = d.attempts + 1;
    try {
      await postJson(url, payload, { allowPrivate: deps.allowPrivate, timeoutMs: policy.timeoutMs, resolve: deps.resolve });
      await db.alertDelivery.update({ where: { id: d.id }, data: { status: "delivered", attempts, deliveredAt: deps.now(), lastError: "" } });
      out.delivered++;
      await resolveAlert({ db, events: deps.events, logger, now: deps.now }, "webhook_failed");
    } catch (err) {
      const e = err instanceof WebhookError ? err : new WebhookError("NETWORK", String(err), String(err));
      if (attempts >= policy.attempts) {
        await db.alertDelivery.update({ where: { id: d.id }, data: { status: "failed", attempts, lastError: e.messageEn } });
        out.failed++;
        logger.warn(`webhook delivery ${d.id} (alert ${d.alertId}) given up after ${attempts} attempts: ${e.messageEn}`);
        await raiseAlert({ db, events: deps.events, logger, now: deps.now }, { kind: "webhook_failed", severity: "warning", params: { attempts, detail: e.messageVi, detailEn: e.messageEn }, dedupeKey: "webhook_failed" });
      } else {
        const wait = policy.backoffMs[Math.min(attempts - 1, policy.backoffMs.length - 1)] ?? 60_000;
        await db.alertDelivery.update({ where: { id: d.id }, data: { attempts, lastError: e.messageEn, nextAttemptAt: new Date(deps.now().getTime() + wait) } });
        out.retried++;
        logger.info(`webhook delivery ${d.id} attempt ${attempts} failed (${e.messageEn}); next in ${Math.round(wait / 1000)} s`);
      }
      // A server that fails is asked once per pass: the rest wait for the next pass, so a
      // pass never spends more than one timeout on a dead server.
      break;
    }
  }
  return out;
}

/** Saves the webhook URL ("" turns forwarding off) after checking its form and address. */
export async function saveWebhookUrl(db: Db, webhookUrl: string, allowPrivate: PrivateAllowance, resolve?: Resolver): Promise<void> {
  if (webhookUrl) await checkWebhookHost(parseWebhookUrl(webhookUrl), { allowPrivate, resolve });
  await db.alertSetting.upsert({ where: { id: 1 }, update: { webhookUrl }, create: { id: 1, webhookUrl } });
}

/** Posts one test alert now (one attempt, no retry); resolves with the answer's status. */
export async function sendTestWebhook(deps: { db: Db; now: () => Date; allowPrivate: PrivateAllowance; resolve?: Resolver }, url: string): Promise<number> {
  const tz = (await deps.db.commune.findUnique({ where: { id: 1 } }))?.timeZone ?? "Asia/Ho_Chi_Minh";
  const payload: WebhookPayload = {
    alertId: 0,
    kind: "test",
    severity: "warning",
    messageVi: "Thử gửi cảnh báo từ Loa Xã: nếu nhóm nhận được tin này, webhook đã hoạt động.",
    messageEn: "Loa Xã test alert: if the group received this, the webhook works.",
    zone: null,
    zoneId: null,
    airingId: null,
    at: communeIso(deps.now(), tz),
    test: true,
  };
  return postJson(url, payload, { allowPrivate: deps.allowPrivate, timeoutMs: WEBHOOK_POLICY.timeoutMs, resolve: deps.resolve });
}

/**
 * Delivers due webhooks every `intervalMs` in a process that is not the scheduler (the API
 * role): when the scheduler is down, its scheduler_lost alert must still reach the chat
 * group. Rows are leased, so this and the scheduler's sweep never post the same attempt.
 */
export function startAlertDelivery(deps: DeliveryDeps & { intervalMs?: number }): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const pass = () => {
    if (running) return;
    running = deliverDueWebhooks(deps)
      .catch((err: unknown) => deps.logger.warn(`webhook delivery pass failed: ${(err as Error).message}`))
      .finally(() => (running = null));
  };
  const timer = setInterval(pass, deps.intervalMs ?? 5_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
