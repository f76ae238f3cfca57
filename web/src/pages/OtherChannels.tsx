// "Số liệu các kênh khác": the month's figures of the unit's other channels (directive
// documents, fanpage, items sent to the city broadcaster, portal), entered here and printed
// in the monthly report as their own section ("do đơn vị nhập").
import { useEffect, useState, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { ErrorBox, Field, Notice, useAction } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet } from "../query.ts";

const FIELDS = [
  ["directiveDocs", "directiveNote", "channels.directiveDocs"],
  ["fanpagePosts", "fanpageNote", "channels.fanpagePosts"],
  ["radioItemsSent", "radioNote", "channels.radioItemsSent"],
  ["tvItemsSent", "tvNote", "channels.tvItemsSent"],
  ["portalArticles", "portalNote", "channels.portalArticles"],
] as const;
type Values = Record<(typeof FIELDS)[number][0] | (typeof FIELDS)[number][1], string>;
const empty = (): Values => Object.fromEntries(FIELDS.flatMap(([n, t]) => [[n, "0"], [t, ""]])) as Values;

export function OtherChannels({ canEdit }: { canEdit: boolean }) {
  const { api } = useApp();
  const l = useLocale();
  const [month, setMonth] = useState(l.today().slice(0, 7));
  const [values, setValues] = useState<Values>(empty);
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const data = useApiGet<{ entered: boolean; channels: Record<string, string | number> }>(["report-channels", month], `/api/reports/channels/${month}`);
  useEffect(() => {
    if (!data.data) return;
    const v = empty();
    for (const [n, t] of FIELDS) {
      v[n] = String(data.data.channels[n] ?? 0);
      v[t] = String(data.data.channels[t] ?? "");
    }
    setValues(v);
  }, [data.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    void run(async () => {
      const body = Object.fromEntries(FIELDS.flatMap(([n, t]) => [[n, Number(values[n]) || 0], [t, values[t]]]));
      await api.send("PUT", `/api/reports/channels/${month}`, body);
      setSaved(month);
    });
  };

  return (
    <section className="panel" aria-labelledby="channels-h" data-testid="other-channels">
      <h2 id="channels-h">{l.t("channels.title")}</h2>
      <p className="muted">{l.t("channels.intro")}</p>
      <form onSubmit={submit} className="stack">
        <Field label={l.t("channels.month")}>
          <input type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} data-testid="channels-month" />
        </Field>
        {data.data && !data.data.entered ? <p className="muted small">{l.t("channels.notEntered")}</p> : null}
        {FIELDS.map(([n, t, label]) => (
          <div className="grid2" key={n}>
            <Field label={l.t(label as MessageKey)}>
              <input type="number" min={0} max={1000000} value={values[n]} disabled={!canEdit} onChange={(e) => setValues({ ...values, [n]: e.target.value })} data-testid={`channels-${n}`} />
            </Field>
            <Field label={l.t("channels.note")}>
              <input value={values[t]} maxLength={500} disabled={!canEdit} onChange={(e) => setValues({ ...values, [t]: e.target.value })} />
            </Field>
          </div>
        ))}
        <ErrorBox error={error ?? data.error} />
        {saved ? <Notice testId="channels-saved">{l.t("channels.saved", { month: saved.replace(/^(\d{4})-(\d{2})$/, "$2/$1") })}</Notice> : null}
        {canEdit ? (
          <div className="row gap end">
            <button type="submit" className="btn primary" disabled={busy} data-testid="channels-save">
              {busy ? l.t("common.working") : l.t("channels.save")}
            </button>
          </div>
        ) : null}
      </form>
    </section>
  );
}
