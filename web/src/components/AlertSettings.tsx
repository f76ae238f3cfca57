// Settings → where alerts are forwarded: the webhook URL (admins), and "send a test".
import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { useLocale } from "../i18n/index.ts";
import { validate } from "../forms.ts";
import { useApiGet } from "../query.ts";
import { ErrorBox, Field, Loading, Notice } from "./ui.tsx";

export function AlertSettings() {
  const q = useApiGet<{ webhookUrl: string }>(["alerts", "settings"], "/api/alerts/settings");
  const l = useLocale();
  return (
    <section className="panel" aria-labelledby="alert-settings-h" data-testid="alert-settings">
      <h2 id="alert-settings-h">{l.t("alerts.webhook")}</h2>
      <ErrorBox error={q.error} />
      {q.data ? <WebhookForm key={q.data.webhookUrl} saved={q.data.webhookUrl} /> : q.error ? null : <Loading />}
    </section>
  );
}

function WebhookForm({ saved }: { saved: string }) {
  const { api } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const [url, setUrl] = useState(saved);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const check = () => validate(l, [[l.t("alerts.webhookUrl"), url, { maxLength: 2000 }]]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      check();
      if (url.trim() === saved) return setNotice(l.t("common.unchanged"));
      const r = await api.send<{ webhookUrl: string }>("PUT", "/api/alerts/settings", { webhookUrl: url.trim() });
      qc.setQueryData(["alerts", "settings"], r);
      setNotice(l.t("common.saved"));
    } catch (err) {
      setError(err);
    }
  };
  const test = async () => {
    setError(null);
    setNotice(null);
    setBusy(true);
    try {
      check();
      const r = await api.send<{ status: number }>("POST", "/api/alerts/webhook-test", url.trim() ? { webhookUrl: url.trim() } : {});
      setNotice(l.t("alerts.webhookTestOk", { status: r.status }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" onSubmit={submit} data-testid="webhook-form" noValidate>
      <Field label={l.t("alerts.webhookUrl")} hint={l.t("alerts.webhookHint")}>
        <input type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" data-testid="webhook-url" />
      </Field>
      <ErrorBox error={error} />
      {notice ? <Notice testId="webhook-notice">{notice}</Notice> : null}
      <div className="row end gap wrap">
        <button type="button" className="btn" onClick={test} disabled={busy || !url.trim()} data-testid="webhook-test">
          {l.t("alerts.webhookTest")}
        </button>
        <button type="submit" className="btn primary" data-testid="webhook-save">
          {l.t("common.save")}
        </button>
      </div>
    </form>
  );
}
