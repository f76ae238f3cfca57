// "Phát khẩn cấp": choose the bulletin (or type its text: spoken and aired in one step,
// server/emergency-text.ts) and the zones, then confirm in a second step.
// Jingles (any program's intro or outro) are not bulletins and are not offered.
import { useState, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { Dialog, ErrorBox, Field, useAction } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { FormError, parseDecimal, problemsOf } from "../forms.ts";
import { useApiGet, useApiGetAll } from "../query.ts";
import type { Item, Program } from "../types.ts";

export function EmergencyDialog({ onClose, onStarted }: { onClose: () => void; onStarted: () => void }) {
  const { api, zones } = useApp();
  const l = useLocale();
  const itemsQ = useApiGetAll<"items", Item>(["items", { status: "ready" }], "/api/items?status=ready", "items");
  const programsQ = useApiGet<{ programs: Program[] }>(["programs"], "/api/programs");
  const jingles = new Set((programsQ.data?.programs ?? []).flatMap((p) => [p.introItemId, p.outroItemId]).filter((id): id is number => id !== null));
  const items = { data: programsQ.data ? itemsQ.data?.items.filter((i) => i.kind !== "relay" && !jingles.has(i.id)) : undefined, error: itemsQ.error ?? programsQ.error };
  const enabledZones = zones.filter((z) => z.enabled);
  const [mode, setMode] = useState<"item" | "text">("item");
  const [text, setText] = useState("");
  const [itemId, setItemId] = useState<number | "">("");
  const [zoneIds, setZoneIds] = useState<number[]>(() => enabledZones.map((z) => z.id));
  const [repeat, setRepeat] = useState("");
  const [hours, setHours] = useState("");
  const [step, setStep] = useState<"form" | "confirm">("form");
  const { busy, error, setError, run } = useAction();

  // Emergency bulletins first, then priority, then the rest.
  const rank = { emergency: 0, priority: 1, normal: 2 } as const;
  const sorted = [...(items.data ?? [])].sort((a, b) => rank[a.priority] - rank[b.priority] || b.id - a.id);
  const chosen = sorted.find((i) => i.id === itemId);

  const toggleZone = (id: number) => setZoneIds((z) => (z.includes(id) ? z.filter((x) => x !== id) : [...z, id]));

  const next = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const problems = problemsOf(l, [
      [l.t("emergency.repeat"), repeat, { number: { min: 5, max: 1440 } }],
      [l.t("emergency.forHours"), repeat ? hours : "", { number: { min: 1, max: 72, decimal: true } }],
    ]);
    if (mode === "item" && !chosen) problems.unshift({ label: l.t("emergency.item"), message: l.t("emergency.pickItem") });
    if (mode === "text" && !text.trim()) problems.unshift({ label: l.t("emergency.text"), message: l.t("form.required") });
    if (mode === "text" && text.trim().length > 5000) problems.unshift({ label: l.t("emergency.text"), message: l.t("form.maxLength", { n: 5000 }) });
    if (!zoneIds.length) problems.push({ label: l.t("emergency.zones"), message: l.t("emergency.pickZones") });
    if (problems.length) return setError(new FormError(problems));
    setStep("confirm");
  };

  const start = async () => {
    const ok = await run(async () => {
      const repeatEveryMin = repeat ? Number(repeat) : null;
      const until = repeatEveryMin && hours ? new Date(Date.now() + (parseDecimal(hours) ?? 0) * 3_600_000).toISOString() : null;
      if (mode === "text") await api.send("POST", "/api/emergencies/text", { text: text.trim(), zoneIds, repeatEveryMin, until });
      else await api.send("POST", "/api/emergencies", { itemId, zoneIds, repeatEveryMin, until });
      onStarted();
    });
    if (!ok) setStep("form");
  };

  return (
    <Dialog title={l.t("emergency.title")} onClose={onClose} testId="emergency-dialog" danger>
      {step === "form" ? (
        <form onSubmit={next} className="stack" noValidate>
          <p className="muted">{l.t("emergency.intro")}</p>
          <div className="row gap wrap" role="radiogroup" aria-label={l.t("emergency.source")}>
            <label className="check">
              <input type="radio" name="emergency-mode" checked={mode === "item"} onChange={() => setMode("item")} data-testid="emergency-mode-item" />
              {l.t("emergency.fromLibrary")}
            </label>
            <label className="check">
              <input type="radio" name="emergency-mode" checked={mode === "text"} onChange={() => setMode("text")} data-testid="emergency-mode-text" />
              {l.t("emergency.fromText")}
            </label>
          </div>
          {mode === "text" ? (
            <Field label={l.t("emergency.text")} hint={l.t("emergency.textHint", { n: text.trim().length })}>
              <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} data-testid="emergency-text" />
            </Field>
          ) : (
          <Field label={l.t("emergency.item")}>
            <select value={itemId} onChange={(e) => setItemId(e.target.value ? Number(e.target.value) : "")} data-testid="emergency-item">
              <option value="">{l.t("common.choose")}</option>
              {sorted.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.priority === "emergency" ? "⚠ " : ""}
                  {i.title} ({l.duration(i.durationMs)})
                </option>
              ))}
            </select>
          </Field>
          )}
          <fieldset className="checks">
            <legend>{l.t("emergency.zones")}</legend>
            <button type="button" className="btn link" onClick={() => setZoneIds(zoneIds.length === enabledZones.length ? [] : enabledZones.map((z) => z.id))} data-testid="emergency-toggle-all">
              {zoneIds.length === enabledZones.length ? l.t("common.selectNone") : l.t("common.selectAll")}
            </button>
            {enabledZones.map((z) => (
              <label key={z.id} className="check">
                <input type="checkbox" checked={zoneIds.includes(z.id)} onChange={() => toggleZone(z.id)} data-testid={`emergency-zone-${z.code}`} />
                {z.name}
                {z.village ? <span className="muted"> — {z.village}</span> : null}
              </label>
            ))}
          </fieldset>
          <div className="grid2">
            <Field label={l.t("emergency.repeat")} hint={l.t("emergency.repeatHint")}>
              <input inputMode="numeric" value={repeat} onChange={(e) => setRepeat(e.target.value)} data-testid="emergency-repeat" />
            </Field>
            <Field label={l.t("emergency.forHours")}>
              <input inputMode="decimal" value={hours} disabled={!repeat} onChange={(e) => setHours(e.target.value)} data-testid="emergency-hours" />
            </Field>
          </div>
          <ErrorBox error={error ?? items.error} />
          <div className="row gap end form-actions">
            <button type="button" className="btn" onClick={onClose}>
              {l.t("common.cancel")}
            </button>
            <button type="submit" className="btn danger" data-testid="emergency-next">
              {l.t("emergency.next")}
            </button>
          </div>
        </form>
      ) : (
        <div className="stack">
          <p className="confirm-text" data-testid="emergency-confirm-text">
            {l.t("emergency.confirmText", { item: mode === "text" ? `${text.trim().slice(0, 80)}${text.trim().length > 80 ? "…" : ""}` : chosen?.title ?? "", count: zoneIds.length })}
          </p>
          <ul>
            {enabledZones.filter((z) => zoneIds.includes(z.id)).map((z) => (
              <li key={z.id}>{z.name}</li>
            ))}
          </ul>
          {repeat ? <p>{l.t("emergency.repeatSummary", { min: repeat, hours: hours || "—" })}</p> : null}
          <div className="row gap end form-actions">
            <button type="button" className="btn" onClick={() => setStep("form")}>
              {l.t("common.back")}
            </button>
            <button type="button" className="btn danger big" onClick={start} disabled={busy} data-testid="emergency-confirm" autoFocus>
              {busy ? l.t(mode === "text" ? "emergency.speaking" : "common.working") : l.t("emergency.confirm")}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
