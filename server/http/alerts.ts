// Alerts: the list (open or all, newest first, paged by id), acknowledge (operators and
// above; audited; idempotent), and the webhook setting with a "send a test" action.
import type { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole, type AppEnv } from "../app.ts";
import { CAN } from "../auth/roles.ts";
import { AppError } from "../errors.ts";
import { zv } from "./validate.ts";
import { idParam } from "./common.ts";
import { acknowledgeAlert, listAlerts, webhookUrlOf } from "../alerts.ts";
import { saveWebhookUrl, sendTestWebhook, WebhookError } from "../alert-webhook.ts";
import type { ResourceDeps } from "./index.ts";

const listQuery = z.object({
  state: z.enum(["open", "all"]).default("open"),
  severity: z.enum(["warning", "critical"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.coerce.number().int().positive().optional(),
});

const settingsBody = z.object({
  webhookUrl: z.string().trim().max(2000).default(""),
});

const testBody = z.object({ webhookUrl: z.string().trim().min(1).max(2000).optional() });

/** A refused or failed webhook is the user's input to fix: 422 naming the field. */
async function refusalsAsAppErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof WebhookError) throw new AppError(422, "BAD_WEBHOOK_URL", e.messageVi, e.messageEn, { fields: [{ field: "webhookUrl", message: e.messageEn }] });
    throw e;
  }
}

export function alertsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, events, config, clock, logger } = deps;
  const admin = requireRole(...CAN.administer);
  const allowPrivate = config.ALERT_WEBHOOK_ALLOW_PRIVATE;

  api.get("/alerts", zv("query", listQuery), async (c) => c.json(await listAlerts(db, c.req.valid("query"))));

  api.post("/alerts/:id/ack", requireRole(...CAN.editContent), zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const r = await acknowledgeAlert({ db, events, logger, now: () => clock.now() }, id, currentUser(c).id);
    if (!r) throw new AppError(404, "NOT_FOUND", "Không tìm thấy cảnh báo.", "The alert was not found.");
    c.set("audit", { action: "alert.acknowledge", entity: "alert", entityId: id, detail: { alreadyAcknowledged: !r.changed } });
    return c.json({ ok: true, changed: r.changed });
  });

  api.get("/alerts/settings", admin, async (c) => c.json({ webhookUrl: await webhookUrlOf(db) }));

  api.put("/alerts/settings", admin, zv("json", settingsBody), async (c) => {
    const { webhookUrl } = c.req.valid("json");
    await refusalsAsAppErrors(() => saveWebhookUrl(db, webhookUrl, allowPrivate));
    // The URL may carry a chat bridge's token: the audit notes only its host.
    c.set("audit", { action: "alerts.settings", entity: "alertSetting", entityId: 1, detail: { webhookHost: webhookUrl ? new URL(webhookUrl).host : "" } });
    return c.json({ webhookUrl });
  });

  // Sends one test alert now (one attempt, no retry) and reports what the server answered.
  api.post("/alerts/webhook-test", admin, zv("json", testBody), async (c) => {
    const url = c.req.valid("json").webhookUrl ?? (await webhookUrlOf(db));
    if (!url) throw new AppError(422, "NO_WEBHOOK", "Chưa nhập địa chỉ webhook.", "No webhook address is set.", { fields: [{ field: "webhookUrl", message: "required" }] });
    const status = await refusalsAsAppErrors(() => sendTestWebhook({ db, now: () => clock.now(), allowPrivate }, url));
    c.set("audit", { action: "alerts.webhook-test", entity: "alertSetting", entityId: 1, detail: { status } });
    return c.json({ ok: true, status });
  });
}
