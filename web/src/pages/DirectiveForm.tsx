// Register or edit a directive document: issuer, number, dates, summary, what must be done
// with it, the items and campaigns that carry it out, and its file (PDF/DOCX).
import { useState, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { DateField, Dialog, ErrorBox, Field, ProgressBar, useAction } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet, useApiGetAll } from "../query.ts";
import { FormError, problemsOf, type Check } from "../forms.ts";
import type { Campaign, Directive, DirectiveAction, Item } from "../types.ts";
import { ItemChecklist, toggleId } from "../components/ItemChecklist.tsx";

const ACTIONS: DirectiveAction[] = ["air_within", "key_content", "info"];

/** "YYYY-MM-DDTHH:MM" of an instant in the commune time zone (what the API takes). */
const localInput = (l: ReturnType<typeof useLocale>, iso: string) => {
  const [d, m, y] = l.date(iso).split("/");
  return `${y}-${m}-${d}T${l.time(iso)}`;
};

export function DirectiveForm({ directive, onClose, onSaved }: { directive: Directive | null; onClose: () => void; onSaved: () => void }) {
  const { api, categories } = useApp();
  const l = useLocale();
  const items = useApiGetAll<"items", Item>(["items", "all"], "/api/items", "items").data?.items ?? [];
  const campaigns = useApiGet<{ campaigns: Campaign[] }>(["campaigns", "list"], "/api/campaigns").data?.campaigns ?? [];
  const [issuer, setIssuer] = useState(directive?.issuer ?? "");
  const [number, setNumber] = useState(directive?.number ?? "");
  const [issuedDate, setIssuedDate] = useState(directive?.issuedDate ?? l.today());
  const [receivedAt, setReceivedAt] = useState(directive ? localInput(l, directive.receivedAt) : `${l.today()}T${l.time(new Date())}`);
  const [summary, setSummary] = useState(directive?.summary ?? "");
  const [categoryId, setCategoryId] = useState(directive?.category?.id ? String(directive.category.id) : "");
  const [action, setAction] = useState<DirectiveAction>(directive?.action ?? "air_within");
  const [days, setDays] = useState(directive?.airWithinDays != null ? String(directive.airWithinDays) : "3");
  const [target, setTarget] = useState(directive?.targetPlays ? String(directive.targetPlays) : "");
  const [dueDate, setDueDate] = useState(directive?.dueDate ?? "");
  const [note, setNote] = useState(directive?.note ?? "");
  const [itemIds, setItemIds] = useState<number[]>(directive?.items.map((i) => i.id) ?? []);
  const [campaignIds, setCampaignIds] = useState<number[]>(directive?.campaigns.map((c) => c.id) ?? []);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const { busy, error, setError, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems = problemsOf(l, [
      [l.t("directive.issuer"), issuer, { required: true, maxLength: 200 }],
      [l.t("directive.number"), number, { required: true, maxLength: 60 }],
      [l.t("directive.summary"), summary, { required: true, maxLength: 2000 }],
      ...(action === "air_within" ? [[l.t("directive.airWithinDays"), days, { required: true, number: { min: 0, max: 365 } }] satisfies Check] : []),
      ...(action === "key_content" ? [[l.t("directive.targetPlays"), target, { required: true, number: { min: 1, max: 1_000_000 } }] satisfies Check] : []),
    ]);
    if (!issuedDate) problems.push({ label: l.t("directive.issuedDate"), message: l.t("form.dateInvalid") });
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(receivedAt)) problems.push({ label: l.t("directive.receivedAt"), message: l.t("form.dateInvalid") });
    if (action === "key_content" && !dueDate) problems.push({ label: l.t("directive.dueDate"), message: l.t("form.dateInvalid") });
    if (problems.length) return setError(new FormError(problems));
    await run(async () => {
      const body = {
        issuer: issuer.trim(), number: number.trim(), issuedDate, receivedAt, summary: summary.trim(), note: note.trim(),
        categoryId: categoryId ? Number(categoryId) : null, action,
        airWithinDays: action === "air_within" ? Number(days) : null,
        targetPlays: action === "key_content" ? Number(target) : null,
        dueDate: action === "key_content" ? dueDate : null,
        itemIds, campaignIds,
      };
      const saved = directive
        ? await api.send<{ directive: Directive }>("PATCH", `/api/directives/${directive.id}`, body)
        : await api.send<{ directive: Directive }>("POST", "/api/directives", body);
      if (file) {
        const form = new FormData();
        form.append("file", file);
        await api.upload(`/api/directives/${saved.directive.id}/attachment`, form, setProgress);
      }
      onSaved();
    });
  };

  return (
    <Dialog title={directive ? l.t("directive.edit") : l.t("directive.new")} onClose={onClose} testId="directive-dialog" wide>
      <form onSubmit={submit} className="stack" noValidate>
        <div className="grid2">
          <Field label={l.t("directive.number")} hint={l.t("directive.numberHint")}>
            <input value={number} onChange={(e) => setNumber(e.target.value)} data-testid="directive-number" />
          </Field>
          <Field label={l.t("directive.issuer")}>
            <input value={issuer} onChange={(e) => setIssuer(e.target.value)} data-testid="directive-issuer" />
          </Field>
        </div>
        <div className="grid2">
          <DateField label={l.t("directive.issuedDate")} value={issuedDate} onChange={setIssuedDate} required testId="directive-issued" />
          <Field label={l.t("directive.receivedAt")}>
            <input type="datetime-local" value={receivedAt} onChange={(e) => setReceivedAt(e.target.value)} data-testid="directive-received" />
          </Field>
        </div>
        <Field label={l.t("directive.summary")}>
          <textarea rows={3} value={summary} onChange={(e) => setSummary(e.target.value)} data-testid="directive-summary" />
        </Field>
        <div className="grid2">
          <Field label={l.t("directive.action")}>
            <select value={action} onChange={(e) => setAction(e.target.value as DirectiveAction)} data-testid="directive-action">
              {ACTIONS.map((a) => <option key={a} value={a}>{l.t(`directive.action.${a}` as MessageKey)}</option>)}
            </select>
          </Field>
          <Field label={l.t("field.categoryId")}>
            <select value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">—</option>
              {categories.map((c) => <option key={c.id} value={c.id}>{l.pick(c.nameVi, c.nameEn)}</option>)}
            </select>
          </Field>
        </div>
        {action === "air_within" ? (
          <Field label={l.t("directive.airWithinDays")}>
            <input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} data-testid="directive-days" />
          </Field>
        ) : null}
        {action === "key_content" ? (
          <div className="grid2">
            <Field label={l.t("directive.targetPlays")}>
              <input inputMode="numeric" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="directive-target" />
            </Field>
            <DateField label={l.t("directive.dueDate")} value={dueDate} onChange={setDueDate} required testId="directive-due" />
          </div>
        ) : null}
        <ItemChecklist legend={l.t("directive.items")} items={items} selected={itemIds} onChange={setItemIds} testIdPrefix="directive-item" />
        {campaigns.length ? (
          <fieldset className="checks">
            <legend>{l.t("directive.campaigns")}</legend>
            {campaigns.map((c) => (
              <label key={c.id} className="check">
                <input type="checkbox" checked={campaignIds.includes(c.id)} onChange={() => setCampaignIds(toggleId(campaignIds, c.id))} data-testid={`directive-campaign-${c.id}`} />
                {c.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        <Field label={l.t("directive.attachment")} hint={directive?.attachment?.name}>
          <input type="file" accept=".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="directive-file" />
        </Field>
        {progress !== null ? <ProgressBar value={progress} label={l.t("directive.attachment")} /> : null}
        <Field label={l.t("directive.note")}>
          <input value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <ErrorBox error={error} testId="directive-error" />
        <div className="row gap end wrap">
          <button type="button" className="btn" onClick={onClose}>{l.t("common.cancel")}</button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="directive-save">{l.t("common.save")}</button>
        </div>
      </form>
    </Dialog>
  );
}
