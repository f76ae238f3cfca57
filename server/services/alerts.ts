// Alerts for the HTTP layer: the list, acknowledging one, and the webhook setting with a
// test send. Raising and delivering alerts is server/alerts.ts and server/alert-webhook.ts.
import type { z } from "zod";
import { AppError } from "../errors.ts";
import { acknowledgeAlert, listAlerts, webhookUrlOf } from "../alerts.ts";
import { saveWebhookUrl, sendTestWebhook, WebhookError } from "../alert-webhook.ts";
import type { alertListQuery } from "../contract/alerts.ts";
import type { Deps } from "./deps.ts";

/** A refused or failed webhook is the user's input to fix: 422 naming the field. */
async function refusalsAsAppErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof WebhookError) throw new AppError(422, "BAD_WEBHOOK_URL", e.messageVi, e.messageEn, { fields: [{ field: "webhookUrl", message: e.messageEn }] });
    throw e;
  }
}

export const alertList = ({ db }: Pick<Deps, "db">, q: z.output<typeof alertListQuery>) => listAlerts(db, q);

/** Idempotent: `changed` is false when it was already acknowledged. */
export async function acknowledge({ db, events, logger, clock }: Pick<Deps, "db" | "events" | "logger" | "clock">, id: number, userId: number) {
  const r = await acknowledgeAlert({ db, events, logger, now: () => clock.now() }, id, userId);
  if (!r) throw new AppError(404, "NOT_FOUND", "Không tìm thấy cảnh báo.", "The alert was not found.");
  return r;
}

export const webhookSetting = ({ db }: Pick<Deps, "db">) => webhookUrlOf(db);

export const saveWebhook = ({ db, config }: Pick<Deps, "db" | "config">, webhookUrl: string) =>
  refusalsAsAppErrors(() => saveWebhookUrl(db, webhookUrl, config.ALERT_WEBHOOK_ALLOW_PRIVATE));

/** One test alert now (one attempt, no retry) to `url` or the saved address; the HTTP status it got. */
export async function testWebhook({ db, clock, config }: Pick<Deps, "db" | "clock" | "config">, url: string | undefined) {
  const to = url ?? (await webhookUrlOf(db));
  if (!to) throw new AppError(422, "NO_WEBHOOK", "Chưa nhập địa chỉ webhook.", "No webhook address is set.", { fields: [{ field: "webhookUrl", message: "required" }] });
  return refusalsAsAppErrors(() => sendTestWebhook({ db, now: () => clock.now(), allowPrivate: config.ALERT_WEBHOOK_ALLOW_PRIVATE }, to));
}
