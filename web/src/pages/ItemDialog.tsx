// One item: players for the original and the normalised audio, loudness, edit, retry and
// archive.
import { useEffect, useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { Dialog, ErrorBox, Field, Loading, PriorityBadge, StatusBadge, useAction, useConfirm } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { parseDecimal, validate, type Check } from "../forms.ts";
import { useApiGet } from "../query.ts";
import type { Item } from "../types.ts";
import { MetaFields, VoiceFields, metaBody, splitReason, type Meta } from "./LibraryForms.tsx";

interface ItemFull extends Item {
  originalAsset: { durationMs: number; codec: string; sampleRate: number; channels: number; sizeBytes: number } | null;
  canonicalAsset: { loudnessI: number | null; truePeak: number | null; durationMs: number } | null;
}

export function ItemDialog({ id, onClose, onChanged }: { id: number; onClose: () => void; onChanged: () => void }) {
  const { api, can } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const itemQ = useApiGet<{ item: ItemFull }>(["item", id], `/api/items/${id}`);
  const item = { data: itemQ.data?.item, error: itemQ.error, reload: () => void qc.invalidateQueries({ queryKey: ["item", id] }) };
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = useConfirm();
  const i = item.data;

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      item.reload();
      onChanged();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Dialog title={i?.title ?? l.t("common.item")} onClose={onClose} testId="item-dialog" wide>
      {!i ? <Loading /> : null}
      <ErrorBox error={item.error ?? error} />
      {i && !editing ? (
        <div className="stack">
          <dl className="facts">
            <div>
              <dt>{l.t("item.kind")}</dt>
              <dd>{l.t(`kind.${i.kind}` as MessageKey)}</dd>
            </div>
            <div>
              <dt>{l.t("common.status")}</dt>
              <dd>
                <StatusBadge status={i.status} testId="item-status" item />
              </dd>
            </div>
            <div>
              <dt>{l.t("item.priority")}</dt>
              <dd>
                <PriorityBadge priority={i.priority} />
              </dd>
            </div>
            <div>
              <dt>{l.t("common.duration")}</dt>
              <dd>{i.durationMs ? l.duration(i.durationMs) : "—"}</dd>
            </div>
            <div>
              <dt>{l.t("item.category")}</dt>
              <dd>{i.category ? l.pick(i.category.nameVi, i.category.nameEn) : "—"}</dd>
            </div>
            {i.sourceRef ? (
              <div>
                <dt>{l.t("item.sourceRef")}</dt>
                <dd>{i.sourceRef}</dd>
              </div>
            ) : null}
            {i.directives?.length ? (
              <div data-testid="item-directives">
                <dt>{l.t("item.directives")}</dt>
                <dd>{i.directives.map((d) => d.directive.number).join(", ")}</dd>
              </div>
            ) : null}
            {i.validFrom || i.validTo ? (
              <div>
                <dt>{l.t("item.validity")}</dt>
                <dd>
                  {l.localDate(i.validFrom) || "…"} – {l.localDate(i.validTo) || "…"}
                </dd>
              </div>
            ) : null}
            {i.canonicalAsset?.loudnessI != null ? (
              <div>
                <dt>{l.t("item.loudness")}</dt>
                <dd>
                  {l.t("item.loudnessValue", { lufs: l.num(i.canonicalAsset.loudnessI, 1), peak: i.canonicalAsset.truePeak != null ? l.num(i.canonicalAsset.truePeak, 1) : "—" })}
                </dd>
              </div>
            ) : null}
          </dl>
          {i.status === "failed" && i.statusReason ? <p className="error-box">{l.pick(...splitReason(i.statusReason))}</p> : null}
          {i.kind === "tts" && i.ttsText ? (
            <blockquote className="tts-text" lang="vi">
              {i.ttsText}
            </blockquote>
          ) : null}
          {i.kind === "relay" ? (
            <p>
              {l.t("relay.url")}: <code>{i.relayUrl}</code>
            </p>
          ) : null}
          <div className="players">
            {i.originalAssetId ? (
              <Field label={l.t("item.original")}>
                <audio controls preload="none" src={`/api/items/${i.id}/audio?variant=original`} aria-label={l.t("item.original")} data-testid="player-original" />
              </Field>
            ) : null}
            {i.canonicalAssetId ? (
              <Field label={l.t("item.canonical")}>
                <audio controls preload="none" src={`/api/items/${i.id}/audio?variant=canonical&v=${i.canonicalAssetId}`} aria-label={l.t("item.canonical")} data-testid="player-canonical" />
              </Field>
            ) : null}
          </div>
          {can.editContent ? (
            <div className="row gap end">
              {i.status === "failed" ? (
                <button type="button" className="btn" onClick={() => act(() => api.send("POST", `/api/items/${i.id}/retry`))} data-testid="item-retry">
                  <span aria-hidden="true">↻</span> {l.t("item.retry")}
                </button>
              ) : null}
              <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="item-edit">
                {l.t("common.edit")}
              </button>
              <button
                type="button"
                className="btn danger-outline"
                data-testid="item-archive"
                onClick={async () => {
                  if (await confirm.ask({ title: l.t("item.archive"), message: l.t("item.archiveConfirm", { title: i.title }), confirm: l.t("item.archive"), danger: true })) void act(() => api.send("DELETE", `/api/items/${i.id}`)).then(onClose);
                }}
              >
                {l.t("item.archive")}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {i && editing ? (
        <ItemEditForm
          item={i}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            item.reload();
            onChanged();
          }}
        />
      ) : null}
      {confirm.element}
    </Dialog>
  );
}

function ItemEditForm({ item, onCancel, onSaved }: { item: Item; onCancel: () => void; onSaved: () => void }) {
  const { api } = useApp();
  const l = useLocale();
  const [meta, setMeta] = useState<Meta>({ title: item.title, categoryId: item.categoryId ?? "", priority: item.priority, sourceRef: item.sourceRef, validFrom: item.validFrom ?? "", validTo: item.validTo ?? "" });
  const [text, setText] = useState(item.ttsText ?? "");
  const [voice, setVoice] = useState(item.ttsVoice ?? "vi");
  const [rate, setRate] = useState(item.ttsRate ?? 100);
  const [url, setUrl] = useState(item.relayUrl ?? "");
  // Typed with a decimal comma, as the commune writes numbers.
  const [minutes, setMinutes] = useState(String(Math.round(item.durationMs / 600) / 100).replace(".", ","));
  const { busy, error, setError, run } = useAction();
  useEffect(() => setError(null), [meta]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const checks: Check[] = [[l.t("item.title"), meta.title, { required: true, maxLength: 300 }]];
      if (item.kind === "tts") checks.push([l.t("tts.text"), text, { required: true, maxLength: 20000 }]);
      if (item.kind === "relay") checks.push([l.t("relay.url"), url, { required: true, url: true }], [l.t("relay.minutes"), minutes, { required: true, number: { min: 1, max: 360, decimal: true } }]);
      validate(l, checks);
      const body: Record<string, unknown> = metaBody(meta);
      // Send only what changed: any TTS change re-synthesises the item.
      if (item.kind === "tts") {
        if (text !== item.ttsText) body.text = text;
        if (voice !== (item.ttsVoice ?? "vi")) body.voice = voice;
        if (rate !== (item.ttsRate ?? 100)) body.rate = rate;
      }
      if (item.kind === "relay") Object.assign(body, { url, durationSec: Math.round((parseDecimal(minutes) ?? 0) * 60) });
      await api.send("PATCH", `/api/items/${item.id}`, body);
      onSaved();
    });
  };
  return (
    <form onSubmit={submit} className="stack" data-testid="item-edit-form" noValidate>
      <MetaFields meta={meta} onChange={setMeta} selfId={item.id} />
      {item.kind === "tts" ? (
        <>
          <Field label={l.t("tts.text")}>
            <textarea value={text} onChange={(e) => setText(e.target.value)} rows={6} lang="vi" />
          </Field>
          <VoiceFields voice={voice} onVoice={setVoice} rate={rate} onRate={setRate} />
        </>
      ) : null}
      {item.kind === "relay" ? (
        <div className="grid2">
          <Field label={l.t("relay.url")}>
            <input type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} />
          </Field>
          <Field label={l.t("relay.minutes")}>
            <input inputMode="decimal" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
          </Field>
        </div>
      ) : null}
      <ErrorBox error={error} />
      <div className="row gap end form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          {l.t("common.cancel")}
        </button>
        <button type="submit" className="btn primary" disabled={busy} data-testid="item-save">
          {l.t("common.save")}
        </button>
      </div>
    </form>
  );
}
