// Alerts: what an operator must know about (an airing that failed, was interrupted or
// missed, a dropout, an output or Redis that stays down, a lost worker). Any process may
// raise one; the row is the truth, the SSE event `alert.raised` tells open browsers, and
// when a webhook is configured a delivery row is written in the same statement (an
// outbox, delivered by the scheduler's alert sweep: server/alert-sweep.ts), so nothing is
// lost if a process restarts or Redis is down.
//
// Dedupe: `dedupeKey` is unique. Raising a key that is already open returns null. Resolving
// frees the key (the resolved row keeps "<key>#<id>"), so the next episode of the same
// condition ("redis_down" tonight, again next week) is a new alert.
// Open = neither acknowledged nor resolved.
import { isUniqueViolation, type Db } from "./db/client.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import { alertMessages, communeTime, parseAlertParams, type AlertParams } from "./alert-messages.ts";

export type AlertSeverity = "warning" | "critical";

export interface AlertDeps {
  db: Db;
  events: EventHub;
  logger?: Logger;
  /** Time source (tests inject a clock); default the system time. */
  now?: () => Date;
}

export interface AlertInput {
  kind: string;
  severity: AlertSeverity;
  params: AlertParams;
  dedupeKey: string;
  zoneId?: number | null;
  airingId?: number | null;
}

/** Kinds never forwarded to the webhook: a failing webhook must not feed itself. */
const NOT_WEBHOOKED = new Set(["webhook_failed"]);


/** The configured webhook URL ("" when none). */
export async function webhookUrlOf(db: Db): Promise<string> {
  return (await db.alertSetting.findUnique({ where: { id: 1 } }))?.webhookUrl ?? "";
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Times given as ISO instants ("at": "2026-11-30T22:30:00.000Z") read as commune time. */
async function normalizeParams(db: Db, params: AlertParams): Promise<AlertParams> {
  const isoKeys = Object.keys(params).filter((k) => typeof params[k] === "string" && ISO_INSTANT.test(params[k] as string));
  if (!isoKeys.length) return params;
  const tz = (await db.commune.findUnique({ where: { id: 1 }, select: { timeZone: true } }))?.timeZone ?? "Asia/Ho_Chi_Minh";
  const out = { ...params };
  for (const k of isoKeys) out[k] = communeTime(new Date(params[k] as string), tz);
  return out;
}

/** Raises an alert once per open dedupeKey; returns its id, or null when deduplicated. */
export async function raiseAlert(deps: AlertDeps, a: AlertInput): Promise<number | null> {
  const { db, events, logger } = deps;
  const now = deps.now?.() ?? new Date();
  if (await db.alert.findUnique({ where: { dedupeKey: a.dedupeKey }, select: { id: true } })) return null;
  const params = await normalizeParams(db, a.params ?? {});
  const webhook = !NOT_WEBHOOKED.has(a.kind) && (await webhookUrlOf(db)) !== "";
  let id: number;
  try {
    const row = await db.alert.create({
      data: {
        kind: a.kind,
        severity: a.severity,
        params: JSON.stringify(params),
        dedupeKey: a.dedupeKey,
        zoneId: a.zoneId ?? null,
        airingId: a.airingId ?? null,
        createdAt: now,
        // The outbox row is written by the same statement as the alert.
        ...(webhook ? { deliveries: { create: { nextAttemptAt: now, createdAt: now } } } : {}),
      },
      select: { id: true },
    });
    id = row.id;
  } catch (err) {
    if (isUniqueViolation(err)) return null; // raised concurrently by another process
    throw err;
  }
  const { messageVi, messageEn } = alertMessages(a.kind, params);
  logger?.warn(`alert ${a.kind} (${a.severity}): ${messageEn}`);
  events.publish("alert.raised", { alertId: id, kind: a.kind, severity: a.severity, zoneId: a.zoneId ?? null, airingId: a.airingId ?? null, messageVi, messageEn });
  return id;
}

/** A zone's output could not be opened by air time + grace (the playout's sink gave up). */
export async function raiseOutputDown(deps: AlertDeps, a: { airingId: number; zoneId: number; reason: string }): Promise<void> {
  const zone = await deps.db.zone.findUnique({ where: { id: a.zoneId }, select: { name: true } });
  const at = (deps.now?.() ?? new Date()).toISOString();
  await raiseAlert(deps, { kind: "output_down", severity: "critical", params: { zone: zone?.name ?? String(a.zoneId), at, detail: a.reason.slice(0, 200) }, dedupeKey: `output_down:${a.zoneId}:${a.airingId}`, zoneId: a.zoneId, airingId: a.airingId });
}

/** Marks the open alert with this key resolved (no-op when there is none). */
export async function resolveAlert(deps: AlertDeps, dedupeKey: string): Promise<void> {
  const { db, events } = deps;
  const open = await db.alert.findUnique({ where: { dedupeKey }, select: { id: true, resolvedAt: true } });
  if (!open || open.resolvedAt) return;
  const now = deps.now?.() ?? new Date();
  const n = await db.alert.updateMany({ where: { id: open.id, resolvedAt: null }, data: { resolvedAt: now, dedupeKey: `${dedupeKey}#${open.id}` } });
  if (n.count) {
    deps.logger?.info(`alert resolved: ${dedupeKey}`);
    events.publish("alert.resolved", { alertId: open.id });
  }
}

/** Acknowledges an alert (idempotent: a second call changes nothing). Null when not found. */
export async function acknowledgeAlert(deps: AlertDeps, id: number, userId: number): Promise<{ changed: boolean } | null> {
  const { db, events } = deps;
  const row = await db.alert.findUnique({ where: { id }, select: { id: true, acknowledgedAt: true } });
  if (!row) return null;
  if (row.acknowledgedAt) return { changed: false };
  const n = await db.alert.updateMany({ where: { id, acknowledgedAt: null }, data: { acknowledgedAt: deps.now?.() ?? new Date(), acknowledgedById: userId } });
  if (n.count) events.publish("alert.acknowledged", { alertId: id });
  return { changed: n.count > 0 };
}

export interface AlertView {
  id: number;
  kind: string;
  severity: AlertSeverity;
  messageVi: string;
  messageEn: string;
  params: AlertParams;
  zoneId: number | null;
  airingId: number | null;
  createdAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: { id: number; displayName: string; username: string } | null;
}

const OPEN = { acknowledgedAt: null, resolvedAt: null } as const;

/** A page of alerts, newest first; `cursor` is the last id of the previous page. */
export async function listAlerts(db: Db, q: { state: "open" | "all"; limit: number; cursor?: number; severity?: AlertSeverity }): Promise<{ alerts: AlertView[]; openCount: number; nextCursor: number | null }> {
  const where = {
    ...(q.state === "open" ? OPEN : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.cursor ? { id: { lt: q.cursor } } : {}),
  };
  const [rows, openCount] = await Promise.all([
    db.alert.findMany({ where, orderBy: { id: "desc" }, take: q.limit + 1 }),
    db.alert.count({ where: { ...OPEN, ...(q.severity ? { severity: q.severity } : {}) } }),
  ]);
  const page = rows.slice(0, q.limit);
  const userIds = [...new Set(page.map((r) => r.acknowledgedById).filter((x): x is number => x !== null))];
  const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true, username: true } }) : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return {
    alerts: page.map((r) => toView(r, r.acknowledgedById === null ? null : (byId.get(r.acknowledgedById) ?? null))),
    openCount,
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

type AlertRecord = Awaited<ReturnType<Db["alert"]["findMany"]>>[number];

export function toView(r: AlertRecord, by: AlertView["acknowledgedBy"] = null): AlertView {
  const params = parseAlertParams(r.params);
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity === "critical" ? "critical" : "warning",
    ...alertMessages(r.kind, params),
    params,
    zoneId: r.zoneId,
    airingId: r.airingId,
    createdAt: r.createdAt.toISOString(),
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: by,
  };
}
