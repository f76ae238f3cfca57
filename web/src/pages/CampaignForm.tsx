// Create or edit a campaign: dates, plays per day / week, spacing, time windows, the key
// items and the zones it applies to.
import { useEffect, useState, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { DateField, Dialog, ErrorBox, Field, useAction } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { FormError, nameKey, problemsOf } from "../forms.ts";
import { addDays } from "../time.ts";
import type { Campaign, Item } from "../types.ts";
import { DuplicateWarning } from "./LibraryForms.tsx";
import { ItemChecklist, toggleId } from "../components/ItemChecklist.tsx";

export function CampaignForm({ campaign, items, others, onClose, onSaved }: { campaign: Campaign | null; items: Item[]; others: Campaign[]; onClose: () => void; onSaved: () => void }) {
  const { api, zones } = useApp();
  const l = useLocale();
  const [name, setName] = useState(campaign?.name ?? "");
  const [startDate, setStartDate] = useState(campaign?.startDate ?? l.today());
  const [endDate, setEndDate] = useState(campaign?.endDate ?? addDays(l.today(), 30));
  const [perDay, setPerDay] = useState(campaign?.perDay ? String(campaign.perDay) : "2");
  const [perWeek, setPerWeek] = useState(campaign?.perWeek ? String(campaign.perWeek) : "");
  const [minGap, setMinGap] = useState(String(campaign?.minGapMin ?? 0));
  const [maxPerSession, setMaxPerSession] = useState(String(campaign?.maxPerSession ?? 1));
  const [windows, setWindows] = useState((campaign?.windows ?? []).join(", "));
  const [itemIds, setItemIds] = useState<number[]>(campaign?.itemIds ?? []);
  const [allZones, setAllZones] = useState(campaign ? campaign.zoneIds === null : true);
  const [zoneIds, setZoneIds] = useState<number[]>(campaign?.zoneIds ?? []);
  const [enabled, setEnabled] = useState(campaign?.enabled ?? true);
  const { busy, error, setError, run } = useAction();


  const duplicate = others.find((c) => c.id !== campaign?.id && nameKey(c.name) === nameKey(name) && nameKey(name) !== "");

  // Warns, before saving, when the schedules cannot meet the target (POST /api/campaigns/feasibility).
  const [feasibility, setFeasibility] = useState<{ ok: boolean; problems: { code: string; messageVi: string; messageEn: string }[] } | null>(null);
  useEffect(() => {
    const win = windows.split(/[,;\s]+/).map((w) => w.trim()).filter(Boolean);
    const n = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v) : null);
    if (!itemIds.length || !startDate || !endDate || (!n(perDay) && !n(perWeek)) || win.some((w) => !/^\d{2}:\d{2}-\d{2}:\d{2}$/.test(w))) return setFeasibility(null);
    const body = { name: name.trim() || "-", startDate, endDate, perDay: n(perDay), perWeek: n(perWeek), minGapMin: n(minGap) ?? 0, maxPerSession: n(maxPerSession) ?? 1, windows: win, itemIds, zoneIds: allZones ? null : zoneIds, enabled: true };
    const t = setTimeout(() => {
      api.send<{ ok: boolean; problems: { code: string; messageVi: string; messageEn: string }[] }>("POST", "/api/campaigns/feasibility", body).then(setFeasibility, () => setFeasibility(null));
    }, 400);
    return () => clearTimeout(t);
  }, [api, name, startDate, endDate, perDay, perWeek, minGap, maxPerSession, windows, itemIds, allZones, zoneIds]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const win = windows.split(/[,;\s]+/).map((w) => w.trim()).filter(Boolean);
    const problems = problemsOf(l, [
      [l.t("campaign.name"), name, { required: true, maxLength: 200 }],
      [l.t("campaign.perDay"), perDay, { number: { min: 1, max: 48 } }],
      [l.t("campaign.perWeek"), perWeek, { number: { min: 1, max: 300 } }],
      [l.t("campaign.minGap"), minGap, { number: { min: 0, max: 1440 } }],
      [l.t("campaign.maxPerSession"), maxPerSession, { number: { min: 1, max: 10 } }],
    ]);
    if (!startDate) problems.push({ label: l.t("campaign.start"), message: l.t("form.dateInvalid") });
    if (!endDate) problems.push({ label: l.t("campaign.end"), message: l.t("form.dateInvalid") });
    if (win.some((w) => !/^\d{2}:\d{2}-\d{2}:\d{2}$/.test(w))) problems.push({ label: l.t("campaign.windows"), message: l.t("campaign.badWindows") });
    if (!itemIds.length) problems.push({ label: l.t("campaign.items"), message: l.t("campaign.pickItems") });
    if (problems.length) return setError(new FormError(problems));
    await run(async () => {
      const body = {
        name: name.trim(),
        startDate,
        endDate,
        perDay: perDay ? Number(perDay) : null,
        perWeek: perWeek ? Number(perWeek) : null,
        minGapMin: Number(minGap) || 0,
        maxPerSession: Number(maxPerSession) || 1,
        windows: win,
        itemIds,
        zoneIds: allZones ? null : zoneIds,
        enabled,
      };
      if (campaign) await api.send("PUT", `/api/campaigns/${campaign.id}`, body);
      else await api.send("POST", "/api/campaigns", body);
      onSaved();
    });
  };

  return (
    <Dialog title={campaign ? l.t("campaign.edit") : l.t("campaign.new")} onClose={onClose} testId="campaign-dialog" wide>
      <form onSubmit={submit} className="stack" noValidate>
        <Field label={l.t("campaign.name")}>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="campaign-name" />
        </Field>
        <DuplicateWarning what="campaign" name={duplicate?.name} />
        <div className="grid2">
          <DateField label={l.t("campaign.start")} value={startDate} onChange={setStartDate} required testId="campaign-start" />
          <DateField label={l.t("campaign.end")} value={endDate} onChange={setEndDate} required testId="campaign-end" />
        </div>
        <div className="grid4">
          <Field label={l.t("campaign.perDay")}>
            <input inputMode="numeric" value={perDay} onChange={(e) => setPerDay(e.target.value)} data-testid="campaign-per-day" />
          </Field>
          <Field label={l.t("campaign.perWeek")}>
            <input inputMode="numeric" value={perWeek} onChange={(e) => setPerWeek(e.target.value)} />
          </Field>
          <Field label={l.t("campaign.minGap")}>
            <input inputMode="numeric" value={minGap} onChange={(e) => setMinGap(e.target.value)} />
          </Field>
          <Field label={l.t("campaign.maxPerSession")}>
            <input inputMode="numeric" value={maxPerSession} onChange={(e) => setMaxPerSession(e.target.value)} />
          </Field>
        </div>
        <Field label={l.t("campaign.windows")} hint={l.t("campaign.windowsHint")}>
          <input value={windows} onChange={(e) => setWindows(e.target.value)} placeholder={l.t("campaign.windowsPlaceholder")} />
        </Field>
        <ItemChecklist legend={l.t("campaign.items")} items={items} selected={itemIds} onChange={setItemIds} testIdPrefix="campaign-item" />
        <fieldset className="checks">
          <legend>{l.t("common.zones")}</legend>
          <label className="check">
            <input type="checkbox" checked={allZones} onChange={(e) => setAllZones(e.target.checked)} />
            {l.t("campaign.allZones")}
          </label>
          {!allZones
            ? zones.map((z) => (
                <label key={z.id} className="check">
                  <input type="checkbox" checked={zoneIds.includes(z.id)} onChange={() => setZoneIds(toggleId(zoneIds, z.id))} />
                  {z.name}
                </label>
              ))
            : null}
        </fieldset>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          {l.t("common.enabled")}
        </label>
        {feasibility ? (
          <div className={feasibility.problems.length ? "notice strong-notice" : "muted small"} role="status" data-testid="campaign-feasibility">
            {feasibility.problems.length ? (
              <>
                <strong>{l.t("campaign.feasibility")}</strong>
                <ul>
                  {feasibility.problems.map((p) => (
                    <li key={p.code}>{l.pick(p.messageVi, p.messageEn)}</li>
                  ))}
                </ul>
              </>
            ) : (
              l.t("campaign.feasibilityOk")
            )}
          </div>
        ) : null}
        <ErrorBox error={error} testId="campaign-error" />
        <div className="row gap end form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {l.t("common.cancel")}
          </button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="campaign-save">
            {busy ? l.t("common.working") : l.t("common.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
