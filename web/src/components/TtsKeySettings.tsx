// Settings → cloud voices (FPT.AI, Viettel AI): the administrator sets or clears a service's
// key. The server never sends a key back; the page shows where the key in use comes from and
// its last four characters.
import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { useLocale } from "../i18n/index.ts";
import { validate } from "../forms.ts";
import { useApiGet } from "../query.ts";
import { ErrorBox, Field, Loading, Notice } from "./ui.tsx";

interface KeyStatus {
  provider: "fpt" | "viettel";
  source: "settings" | "env" | null;
  hint: string;
  updatedAt: string | null;
}
const NAMES = { fpt: "FPT.AI", viettel: "Viettel AI" } as const;
const QUERY = ["settings", "tts"];

export function TtsKeySettings() {
  const q = useApiGet<{ providers: KeyStatus[] }>(QUERY, "/api/settings/tts");
  const l = useLocale();
  return (
    <section className="panel" aria-labelledby="tts-keys-h" data-testid="tts-key-settings">
      <h2 id="tts-keys-h">{l.t("ttsKeys.title")}</h2>
      <p className="muted">{l.t("ttsKeys.intro")}</p>
      <ErrorBox error={q.error} />
      {q.data ? q.data.providers.map((p) => <KeyForm key={`${p.provider}-${p.hint}`} status={p} />) : q.error ? null : <Loading />}
    </section>
  );
}

function KeyForm({ status }: { status: KeyStatus }) {
  const { api } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const save = async (value: string) => {
    setError(null);
    setNotice(null);
    try {
      validate(l, [[l.t("ttsKeys.key", { name: NAMES[status.provider] }), value, { maxLength: 512 }]]);
      const r = await api.send<{ providers: KeyStatus[] }>("PUT", `/api/settings/tts/${status.provider}`, { key: value.trim() });
      qc.setQueryData(QUERY, r);
      setKey("");
      setNotice(value ? l.t("common.saved") : l.t("ttsKeys.cleared"));
    } catch (err) {
      setError(err);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (key.trim()) void save(key);
  };
  const where = status.source === "settings" ? l.t("ttsKeys.fromSettings", { hint: status.hint }) : status.source === "env" ? l.t("ttsKeys.fromEnv", { hint: status.hint }) : l.t("ttsKeys.none");
  return (
    <form className="stack" onSubmit={submit} data-testid={`tts-key-${status.provider}`} noValidate>
      <Field label={l.t("ttsKeys.key", { name: NAMES[status.provider] })} hint={where}>
        <input type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} data-testid={`tts-key-input-${status.provider}`} />
      </Field>
      <ErrorBox error={error} />
      {notice ? <Notice testId={`tts-key-notice-${status.provider}`}>{notice}</Notice> : null}
      <div className="row end gap wrap">
        {status.source === "settings" ? (
          <button type="button" className="btn" onClick={() => void save("")} data-testid={`tts-key-clear-${status.provider}`}>
            {l.t("ttsKeys.clear")}
          </button>
        ) : null}
        <button type="submit" className="btn primary" disabled={!key.trim()} data-testid={`tts-key-save-${status.provider}`}>
          {l.t("common.save")}
        </button>
      </div>
    </form>
  );
}
