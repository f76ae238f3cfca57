// Official-document settings (Decree 30/2020): the issuer abbreviation of "Số: …/BC-…",
// the signer's title and name, "Nơi nhận", the log book keeper and the duty roster that
// names the person on duty for each scheduled session.
import { useEffect, useState, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { ErrorBox, Field, Notice, useAction } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { useApiGet } from "../query.ts";

interface Shift { days: number[]; from: string; to: string; name: string }
interface DocSettings { issuerCode: string; preparerTitle: string; preparerName: string; signerTitle: string; signerName: string; recipients: string[]; dutyRoster: Shift[] }

const rosterText = (r: Shift[]) => r.map((s) => `${s.days.join(",")}, ${s.from}-${s.to}, ${s.name}`).join("\n");

/** "1-5, 04:00-12:00, Name" or "6,7, 22:00-06:00, Name" → a shift; null when malformed. */
function parseShift(line: string): Shift | null {
  const m = /^\s*([1-7](?:\s*[-,]\s*[1-7])*)\s*,\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*,\s*(.+?)\s*$/.exec(line);
  if (!m) return null;
  const days = new Set<number>();
  for (const part of m[1]!.split(",").map((p) => p.trim())) {
    const [a, b] = part.split("-").map((x) => Number(x.trim()));
    for (let d = a!; d <= (b ?? a!); d++) days.add(d);
  }
  return { days: [...days].sort(), from: m[2]!, to: m[3]!, name: m[4]! };
}

export function DocumentSettings() {
  const { api } = useApp();
  const l = useLocale();
  const q = useApiGet<{ settings: DocSettings }>(["document-settings"], "/api/settings/documents");
  const data = { data: q.data?.settings, error: q.error };
  const [form, setForm] = useState({ issuerCode: "", signerTitle: "", signerName: "", preparerName: "", recipients: "", roster: "" });
  const [saved, setSaved] = useState(false);
  const { busy, error, setError, run } = useAction();
  useEffect(() => {
    const s = data.data;
    if (s) setForm({ issuerCode: s.issuerCode, signerTitle: s.signerTitle, signerName: s.signerName, preparerName: s.preparerName, recipients: s.recipients.join("\n"), roster: rosterText(s.dutyRoster) });
  }, [data.data]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const lines = form.roster.split("\n").filter((x) => x.trim());
    const bad = lines.find((x) => !parseShift(x));
    if (bad) return setError(new Error(l.t("docs.badRoster", { line: bad })));
    void run(async () => {
      await api.send("PUT", "/api/settings/documents", {
        issuerCode: form.issuerCode, signerTitle: form.signerTitle || "GIÁM ĐỐC", signerName: form.signerName, preparerName: form.preparerName,
        preparerTitle: data.data?.preparerTitle || "NGƯỜI LẬP BIỂU", recipients: form.recipients.split("\n").map((x) => x.trim()).filter(Boolean), dutyRoster: lines.map((x) => parseShift(x)!),
      });
      setSaved(true);
    });
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  return (
    <section className="panel" aria-labelledby="docs-h" data-testid="document-settings">
      <h2 id="docs-h">{l.t("docs.title")}</h2>
      <form onSubmit={submit} className="stack">
        <div className="grid2">
          <Field label={l.t("docs.issuerCode")}>
            <input value={form.issuerCode} onChange={set("issuerCode")} maxLength={40} placeholder="TTDVSNC" data-testid="docs-issuer" />
          </Field>
          <Field label={l.t("docs.preparerName")}>
            <input value={form.preparerName} onChange={set("preparerName")} maxLength={120} />
          </Field>
          <Field label={l.t("docs.signerTitle")} hint={l.t("docs.signerTitleHint")}>
            <textarea rows={2} value={form.signerTitle} onChange={set("signerTitle")} maxLength={200} data-testid="docs-signer-title" />
          </Field>
          <Field label={l.t("docs.signerName")}>
            <input value={form.signerName} onChange={set("signerName")} maxLength={120} data-testid="docs-signer-name" />
          </Field>
        </div>
        <Field label={l.t("docs.recipients")}>
          <textarea rows={3} value={form.recipients} onChange={set("recipients")} />
        </Field>
        <Field label={l.t("docs.roster")} hint={l.t("docs.rosterHint")}>
          <textarea rows={3} value={form.roster} onChange={set("roster")} data-testid="docs-roster" />
        </Field>
        <ErrorBox error={error ?? data.error} />
        {saved ? <Notice>{l.t("docs.saved")}</Notice> : null}
        <div className="row gap end">
          <button type="submit" className="btn primary" disabled={busy} data-testid="docs-save">
            {busy ? l.t("common.working") : l.t("docs.save")}
          </button>
        </div>
      </form>
    </section>
  );
}
