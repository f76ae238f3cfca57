// Alerts: the list (open or all, newest first, paged by id), acknowledge (operators and
// above; audited; idempotent), and the webhook setting with a "send a test" action.
import type { Hono } from "hono";
import { currentUser, requireRole, type AppEnv } from "./context.ts";
import { CAN } from "../auth/roles.ts";
import { zv } from "./validate.ts";
import { idParam } from "./common.ts";
import { alertListQuery, alertSettingsBody, webhookTestBody } from "../contract/alerts.ts";
import { acknowledge, alertList, saveWebhook, testWebhook, webhookSetting } from "../services/alerts.ts";
import type { ResourceDeps } from "./index.ts";

export function alertsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const admin = requireRole(...CAN.administer);

  api.get("/alerts", zv("query", alertListQuery), async (c) => c.json(await alertList(deps, c.req.valid("query"))));

  api.post("/alerts/:id/ack", requireRole(...CAN.editContent), zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const r = await acknowledge(deps, id, currentUser(c).id);
    c.set("audit", { action: "alert.acknowledge", entity: "alert", entityId: id, detail: { alreadyAcknowledged: !r.changed } });
    return c.json({ ok: true, changed: r.changed });
  });

  api.get("/alerts/settings", admin, async (c) => c.json({ webhookUrl: await webhookSetting(deps) }));

  api.put("/alerts/settings", admin, zv("json", alertSettingsBody), async (c) => {
    const { webhookUrl } = c.req.valid("json");
    await saveWebhook(deps, webhookUrl);
    // The URL may carry a chat bridge's token: the audit notes only its host.
    c.set("audit", { action: "alerts.settings", entity: "alertSetting", entityId: 1, detail: { webhookHost: webhookUrl ? new URL(webhookUrl).host : "" } });
    return c.json({ webhookUrl });
  });

  api.post("/alerts/webhook-test", admin, zv("json", webhookTestBody), async (c) => {
    const status = await testWebhook(deps, c.req.valid("json").webhookUrl);
    c.set("audit", { action: "alerts.webhook-test", entity: "alertSetting", entityId: 1, detail: { status } });
    return c.json({ ok: true, status });
  });
}
