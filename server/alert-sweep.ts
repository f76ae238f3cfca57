// The alert sweep, run by the scheduler role every few seconds. It reads the database
// only, so no alert depends on an event being delivered or a worker surviving:
//  - every airing that ended failed / interrupted / missed gets one alert, keyed
//    `airing:<id>:<status>` (a later status gets its own; the key makes repeats no-ops);
//  - an airing alert whose airing went on to air after all (a resumed or re-claimed
//    airing) is marked resolved;
//  - every AiringDropout row (recorded by playout) gets one alert, keyed `dropout:<id>`;
//  - every directive document past its due date with nothing aired gets one alert, resolved
//    once it airs (server/directives/overdue.ts);
//  - due webhook deliveries are posted (server/alert-webhook.ts).
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import { communeTime, type AlertParams } from "./alert-messages.ts";
import { raiseAlert, resolveAlert, type AlertDeps, type AlertSeverity } from "./alerts.ts";
import { deliverDueWebhooks, type WebhookPolicy } from "./alert-webhook.ts";
import { sweepDirectiveAlerts } from "./directives/overdue.ts";

/** How far back the sweep looks (an older outcome is history, not news). */
export const SWEEP_LOOKBACK_MS = 48 * 3_600_000;
/** How often the scheduler runs the sweep (6-field node-cron: every 5 seconds). */
export const ALERT_SWEEP_CRON = "*/5 * * * * *";

const OUTCOMES: Record<string, { kind: string; severity: AlertSeverity }> = {
  failed: { kind: "airing_failed", severity: "critical" },
  interrupted: { kind: "airing_interrupted", severity: "critical" },
  missed: { kind: "airing_missed", severity: "critical" },
};
const ON_AIR_OR_AIRED = new Set(["airing", "aired"]);

export interface AlertSweepDeps {
  db: Db;
  events: EventHub;
  logger: Logger;
  clock: { now(): Date };
  config: Pick<Config, "ALERT_WEBHOOK_ALLOW_PRIVATE">;
  webhookPolicy?: Partial<WebhookPolicy>;
}

export interface SweepResult {
  raised: number;
  resolved: number;
  webhooks: { delivered: number; retried: number; failed: number };
}

/** One sweep (what each scheduler run does); a single call is safe to repeat. */
export async function sweepAlerts(deps: AlertSweepDeps): Promise<SweepResult> {
  const { db, logger } = deps;
  const now = deps.clock.now();
  const since = new Date(now.getTime() - SWEEP_LOOKBACK_MS);
  const tz = (await db.commune.findUnique({ where: { id: 1 } }))?.timeZone ?? "Asia/Ho_Chi_Minh";
  const ad: AlertDeps = { db, events: deps.events, logger, now: () => deps.clock.now() };
  let raised = 0;
  let resolved = 0;

  // Airings that ended badly, and the alerts they already have (resolved ones included:
  // their key carries a "#<id>" suffix once resolved).
  const airings = await db.airing.findMany({
    where: { status: { in: Object.keys(OUTCOMES) }, scheduledStart: { gte: since } },
    select: { id: true, status: true, statusReason: true, scheduledStart: true, zoneId: true, zone: { select: { name: true } } },
  });
  const rows = await db.airingDropout.findMany({ where: { createdAt: { gte: since } }, orderBy: { id: "asc" } });
  const keys = await existingKeys(db, [...airings.map((a) => a.id), ...rows.map((r) => r.airingId)]);
  for (const a of airings) {
    const key = `airing:${a.id}:${a.status}`;
    if (keys.has(key)) continue;
    const o = OUTCOMES[a.status]!;
    const params: AlertParams = { zone: a.zone.name, at: communeTime(a.scheduledStart, tz) };
    if (a.statusReason) params.reason = a.statusReason;
    if ((await raiseAlert(ad, { kind: o.kind, severity: o.severity, params, dedupeKey: key, zoneId: a.zoneId, airingId: a.id })) !== null) raised++;
  }
  if (rows.length) {
    const zones = new Map((await db.zone.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.zoneId))] } }, select: { id: true, name: true } })).map((z) => [z.id, z.name]));
    for (const r of rows) {
      const key = `dropout:${r.id}`;
      if (keys.has(key)) continue;
      const params: AlertParams = { zone: zones.get(r.zoneId) ?? "", at: communeTime(r.startedAt, tz, true) };
      if (r.endedAt) params.seconds = Math.max(1, Math.round((r.endedAt.getTime() - r.startedAt.getTime()) / 1000));
      if (r.reason) params.reason = r.reason;
      if ((await raiseAlert(ad, { kind: "airing_dropout", severity: "warning", params, dedupeKey: key, zoneId: r.zoneId, airingId: r.airingId })) !== null) raised++;
    }
  }

  // An airing alert is resolved when the airing went on to air (re-claimed or resumed).
  const open = await db.alert.findMany({ where: { resolvedAt: null, airingId: { not: null }, kind: { in: Object.values(OUTCOMES).map((o) => o.kind) } }, select: { dedupeKey: true, airingId: true } });
  if (open.length) {
    const status = new Map((await db.airing.findMany({ where: { id: { in: open.map((x) => x.airingId!) } }, select: { id: true, status: true } })).map((x) => [x.id, x.status]));
    for (const x of open) {
      if (ON_AIR_OR_AIRED.has(status.get(x.airingId!) ?? "")) {
        await resolveAlert(ad, x.dedupeKey);
        resolved++;
      }
    }
  }

  const directives = await sweepDirectiveAlerts(ad, now);
  raised += directives.raised;
  resolved += directives.resolved;

  const webhooks = await deliverDueWebhooks({ db, events: deps.events, logger, now: () => deps.clock.now(), allowPrivate: deps.config.ALERT_WEBHOOK_ALLOW_PRIVATE, policy: deps.webhookPolicy });
  return { raised, resolved, webhooks };
}

/** Dedupe keys (without the "#<id>" of resolved rows) of alerts about these airings. */
async function existingKeys(db: Db, airingIds: number[]): Promise<Set<string>> {
  if (!airingIds.length) return new Set();
  const rows = await db.alert.findMany({ where: { airingId: { in: [...new Set(airingIds)] } }, select: { dedupeKey: true } });
  return new Set(rows.map((r) => r.dedupeKey.replace(/#\d+$/, "")));
}

/**
 * The sweep as the scheduler schedules it: never two passes at once, and a failed pass
 * is logged (the next one retries everything, since all state is in the database).
 */
export function createAlertSweep(deps: AlertSweepDeps): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => {
    if (running) return running;
    running = sweepAlerts(deps)
      .then((r) => {
        if (r.raised || r.resolved || r.webhooks.delivered || r.webhooks.failed) deps.logger.info(`alert sweep: ${JSON.stringify(r)}`);
      })
      .catch((err: unknown) => deps.logger.error("alert sweep failed", err))
      .finally(() => {
        running = null;
      });
    return running;
  };
}
