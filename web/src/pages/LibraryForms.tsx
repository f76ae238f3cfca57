// The three ways to add an item: upload audio (with a progress bar), type text for TTS
// (with a preview player once synthesised) and a relay of an external stream.
import { useState, type FormEvent } from "react";
import { useApp, useLiveEvents } from "../context.ts";
import { DateField, Dialog, ErrorBox, Field, ProgressBar, StatusBadge, useAction } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import type { Item, Priority } from "../types.ts";

export interface Meta {
  title: string;
  categoryId: number | "";
  priority: Priority;
  sourceRef: string;
  validFrom: string;
  validTo: string;
}

export const emptyMeta = (): Meta => ({ title: "", categoryId: "", priority: "normal", sourceRef: "", validFrom: "", validTo: "" });

export const metaBody = (m: Meta) => ({
  title: m.title.trim(),
  categoryId: m.categoryId === "" ? null : m.categoryId,
  priority: m.priority,
  sourceRef: m.sourceRef.trim(),
  validFrom: m.validFrom || null,
  validTo: m.validTo || null,
});

export const VOICES = ["vi", "vi-vn-x-central", "vi-vn-x-south"] as const;

export function MetaFields({ meta, onChange, titleRequired = true }: { meta: Meta; onChange: (m: Meta) => void; titleRequired?: boolean }) {
  const { categories } = useApp();
  const l = useLocale();
  const set = <K extends keyof Meta>(k: K, v: Meta[K]) => onChange({ ...meta, [k]: v });
  return (
    <>
      <Field label={l.t("item.title")}>
        <input value={meta.title} onChange={(e) => set("title", e.target.value)} required={titleRequired} maxLength={300} data-testid="item-title" />
      </Field>
      <div className="grid2">
        <Field label={l.t("item.category")}>
          <select value={meta.categoryId} onChange={(e) => set("categoryId", e.target.value ? Number(e.target.value) : "")} data-testid="item-category">
            <option value="">{l.t("item.noCategory")}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {l.pick(c.nameVi, c.nameEn)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l.t("item.priority")}>
          <select value={meta.priority} onChange={(e) => set("priority", e.target.value as Priority)} data-testid="item-priority">
            <option value="normal">{l.t("priority.normal")}</option>
            <option value="priority">{l.t("priority.priority")}</option>
            <option value="emergency">{l.t("priority.emergency")}</option>
          </select>
        </Field>
      </div>
      <div className="grid3">
        <Field label={l.t("item.sourceRef")} hint={l.t("item.sourceRefHint")}>
          <input value={meta.sourceRef} onChange={(e) => set("sourceRef", e.target.value)} maxLength={120} />
        </Field>
        <DateField label={l.t("item.validFrom")} value={meta.validFrom} onChange={(v) => set("validFrom", v)} />
        <DateField label={l.t("item.validTo")} value={meta.validTo} onChange={(v) => set("validTo", v)} />
      </div>
    </>
  );
}

const ACCEPT = ".mp3,.wav,.ogg,.oga,.opus,.flac,.m4a,.aac,audio/*";

export function UploadDialog({ onClose, onDone }: { onClose: () => void; onDone: (item: Item) => void }) {
  const { api } = useApp();
  const l = useLocale();
  const [file, setFile] = useState<File | null>(null);
  const [meta, setMeta] = useState<Meta>(emptyMeta);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setError(new Error(l.t("upload.noFile")));
    setError(null);
    const form = new FormData();
    form.append("file", file);
    const m = metaBody({ ...meta, title: meta.title || file.name.replace(/\.[^.]+$/, "") });
    for (const [k, v] of Object.entries(m)) if (v !== null && v !== "") form.append(k, String(v));
    setProgress(0);
    try {
      const r = await api.upload<{ item: Item }>("/api/items/upload", form, setProgress);
      onDone(r.item);
    } catch (err) {
      setError(err);
      setProgress(null);
    }
  };
  return (
    <Dialog title={l.t("upload.title")} onClose={onClose} testId="upload-dialog" wide>
      <form onSubmit={submit} className="stack">
        <Field label={l.t("upload.file")} hint={l.t("upload.hint")}>
          <input
            type="file"
            accept={ACCEPT}
            required
            data-testid="upload-file"
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              setFile(f);
              if (f && !meta.title) setMeta({ ...meta, title: f.name.replace(/\.[^.]+$/, "") });
            }}
          />
        </Field>
        <MetaFields meta={meta} onChange={setMeta} titleRequired={false} />
        {progress !== null ? <ProgressBar value={progress} label={l.t("upload.progress")} testId="upload-progress" /> : null}
        <ErrorBox error={error} testId="upload-error" />
        <div className="row gap end">
          <button type="button" className="btn" onClick={onClose}>
            {l.t("common.cancel")}
          </button>
          <button type="submit" className="btn primary" disabled={progress !== null} data-testid="upload-submit">
            {progress !== null ? l.t("upload.uploading") : l.t("upload.submit")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function TtsDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { api } = useApp();
  const l = useLocale();
  const [meta, setMeta] = useState<Meta>(emptyMeta);
  const [text, setText] = useState("");
  const [voice, setVoice] = useState<(typeof VOICES)[number]>("vi");
  const [rate, setRate] = useState(100);
  const { busy, error, run } = useAction();
  const [created, setCreated] = useState<Item | null>(null);

  useLiveEvents((e) => {
    if (created && (e.type === "item.status" || e.type === "item.progress") && Number(e.itemId) === created.id) {
      api.get<{ item: Item }>(`/api/items/${created.id}`).then((r) => setCreated(r.item), () => {});
    }
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const r = await api.send<{ item: Item }>("POST", "/api/items", { kind: "tts", ...metaBody(meta), text, voice, rate });
      setCreated(r.item);
      onCreated();
    });
  };

  return (
    <Dialog title={l.t("tts.title")} onClose={onClose} testId="tts-dialog" wide>
      {!created ? (
        <form onSubmit={submit} className="stack">
          <MetaFields meta={meta} onChange={setMeta} />
          <Field label={l.t("tts.text")} hint={l.t("tts.textHint", { n: text.length })}>
            <textarea value={text} onChange={(e) => setText(e.target.value)} rows={7} required maxLength={20000} lang="vi" data-testid="tts-text" />
          </Field>
          <div className="grid2">
            <Field label={l.t("tts.voice")}>
              <select value={voice} onChange={(e) => setVoice(e.target.value as (typeof VOICES)[number])} data-testid="tts-voice">
                {VOICES.map((v) => (
                  <option key={v} value={v}>
                    {l.t(`voice.${v}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={l.t("tts.rate", { n: rate })}>
              <input type="range" min={50} max={200} step={5} value={rate} onChange={(e) => setRate(Number(e.target.value))} data-testid="tts-rate" />
            </Field>
          </div>
          <ErrorBox error={error} testId="tts-error" />
          <div className="row gap end">
            <button type="button" className="btn" onClick={onClose}>
              {l.t("common.cancel")}
            </button>
            <button type="submit" className="btn primary" disabled={busy} data-testid="tts-submit">
              {busy ? l.t("common.working") : l.t("tts.submit")}
            </button>
          </div>
        </form>
      ) : (
        <div className="stack" data-testid="tts-preview">
          <p>
            <strong>{created.title}</strong> <StatusBadge status={created.status} testId="tts-status" item />
          </p>
          {created.status === "ready" ? (
            <Field label={l.t("tts.preview")}>
              <audio controls preload="none" src={`/api/items/${created.id}/audio?variant=canonical&v=${created.canonicalAssetId ?? 0}`} aria-label={l.t("tts.preview")} data-testid="tts-player" />
            </Field>
          ) : created.status === "failed" ? (
            <p className="error-box">{l.pick(...splitReason(created.statusReason))}</p>
          ) : (
            <>
              <ProgressBar value={created.progress} label={l.t("item.processing")} />
              <p className="muted">{l.t("tts.waiting")}</p>
            </>
          )}
          <div className="row end">
            <button type="button" className="btn primary" onClick={onClose} data-testid="tts-close">
              {l.t("common.done")}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

export function RelayDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { api } = useApp();
  const l = useLocale();
  const [meta, setMeta] = useState<Meta>(emptyMeta);
  const [url, setUrl] = useState("");
  const [minutes, setMinutes] = useState("30");
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await api.send("POST", "/api/items", { kind: "relay", ...metaBody(meta), url: url.trim(), durationSec: Math.round(Number(minutes) * 60) });
      onDone();
    });
  };
  return (
    <Dialog title={l.t("relay.title")} onClose={onClose} testId="relay-dialog" wide>
      <form onSubmit={submit} className="stack">
        <MetaFields meta={meta} onChange={setMeta} />
        <div className="grid2">
          <Field label={l.t("relay.url")} hint={l.t("relay.urlHint")}>
            <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder={l.t("relay.urlPlaceholder")} data-testid="relay-url" />
          </Field>
          <Field label={l.t("relay.minutes")}>
            <input type="number" min={1} max={360} step="any" value={minutes} onChange={(e) => setMinutes(e.target.value)} required data-testid="relay-minutes" />
          </Field>
        </div>
        <ErrorBox error={error} testId="relay-error" />
        <div className="row gap end">
          <button type="button" className="btn" onClick={onClose}>
            {l.t("common.cancel")}
          </button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="relay-submit">
            {busy ? l.t("common.working") : l.t("relay.submit")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** statusReason is stored as "vi / en". */
export function splitReason(reason: string): [string, string] {
  const i = reason.indexOf(" / ");
  return i < 0 ? [reason, reason] : [reason.slice(0, i), reason.slice(i + 3)];
}
