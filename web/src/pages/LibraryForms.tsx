// The three ways to add an item: upload audio files (dropped or chosen, several at once,
// each with its own progress bar), type text for TTS (with a preview player once
// synthesised) and a relay of an external stream.
import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { useApp, useLiveEvents } from "../context.ts";
import { DateField, Dialog, ErrorBox, Field, ProgressBar, StatusBadge, useAction } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { nameKey, parseDecimal, validate, type Check } from "../forms.ts";
import { useApiGetAll } from "../query.ts";
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

/** espeak-ng (offline) first; the cloud voices need the service's key on the server, and fall back to espeak-ng. */
export const VOICES = ["vi", "vi-vn-x-central", "vi-vn-x-south", "fpt:banmai", "fpt:leminh", "fpt:myan", "fpt:lannhi", "viettel:hn-quynhanh", "viettel:hue-maingoc", "viettel:hcm-diemmy"] as const;

/** The voice and reading speed of a spoken item (percent of normal speed). */
export function VoiceFields({ voice, onVoice, rate, onRate, testId }: { voice: string; onVoice: (v: string) => void; rate: number; onRate: (n: number) => void; testId?: string }) {
  const l = useLocale();
  return (
    <div className="grid2">
      <Field label={l.t("tts.voice")}>
        <select value={voice} onChange={(e) => onVoice(e.target.value)} data-testid={testId ? `${testId}-voice` : undefined}>
          {VOICES.map((v) => (
            <option key={v} value={v}>
              {l.t(`voice.${v}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={l.t("tts.rate", { n: rate })}>
        <input type="range" min={50} max={200} step={5} value={rate} onChange={(e) => onRate(Number(e.target.value))} data-testid={testId ? `${testId}-rate` : undefined} />
      </Field>
    </div>
  );
}

/** Titles of the items in the library, to warn about a second item of the same name. */
export function useDuplicateTitle(title: string, selfId?: number): Item | undefined {
  const all = useApiGetAll<"items", Item>(["items", "all"], "/api/items", "items");
  const k = nameKey(title);
  return k ? all.data?.items.find((i) => i.id !== selfId && nameKey(i.title) === k) : undefined;
}

export function DuplicateWarning({ what, name }: { what: "item" | "program" | "campaign"; name: string | undefined }) {
  const l = useLocale();
  if (!name) return null;
  return (
    <p className="warn-box" role="status" data-testid="duplicate-warning">
      {l.t(`duplicate.${what}`, { name })}
    </p>
  );
}

export function MetaFields({ meta, onChange, selfId, hideTitle }: { meta: Meta; onChange: (m: Meta) => void; selfId?: number; hideTitle?: boolean }) {
  const { categories } = useApp();
  const l = useLocale();
  const set = <K extends keyof Meta>(k: K, v: Meta[K]) => onChange({ ...meta, [k]: v });
  const dup = useDuplicateTitle(hideTitle ? "" : meta.title, selfId);
  return (
    <>
      {hideTitle ? null : (
        <>
          <Field label={l.t("item.title")}>
            <input value={meta.title} onChange={(e) => set("title", e.target.value)} data-testid="item-title" />
          </Field>
          <DuplicateWarning what="item" name={dup?.title} />
        </>
      )}
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
          <input value={meta.sourceRef} onChange={(e) => set("sourceRef", e.target.value)} />
        </Field>
        <DateField label={l.t("item.validFrom")} value={meta.validFrom} onChange={(v) => set("validFrom", v)} />
        <DateField label={l.t("item.validTo")} value={meta.validTo} onChange={(v) => set("validTo", v)} />
      </div>
    </>
  );
}

const ACCEPT = ".mp3,.wav,.ogg,.oga,.opus,.flac,.m4a,.aac,.mp4,audio/*";

interface Pending {
  file: File;
  title: string;
  progress: number | null;
  state: "waiting" | "uploading" | "done" | "failed";
  error?: unknown;
  item?: Item;
}

const titleOf = (f: File) => f.name.replace(/\.[^.]+$/, "");

/** Several files at once: dropped on the box or chosen; one request per file, in turn. */
export function UploadDialog({ onClose, onDone, onUploaded }: { onClose: () => void; onDone: (items: Item[]) => void; onUploaded: () => void }) {
  const { api } = useApp();
  const l = useLocale();
  const [files, setFiles] = useState<Pending[]>([]);
  const [meta, setMeta] = useState<Meta>(emptyMeta);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const update = (i: number, p: Partial<Pending>) => setFiles((fs) => fs.map((f, j) => (j === i ? { ...f, ...p } : f)));
  const add = (list: FileList | null) => {
    if (!list?.length) return;
    setError(null);
    setFiles((fs) => [...fs.filter((f) => f.state !== "done"), ...Array.from(list).map((file) => ({ file, title: titleOf(file), progress: null, state: "waiting" as const }))]);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const todo = files.map((f, i) => ({ f, i })).filter(({ f }) => f.state !== "done");
    if (!todo.length) return setError(new Error(l.t("upload.noFile")));
    try {
      validate(l, todo.map(({ f }): Check => [l.t("upload.fileTitle", { file: f.file.name }), f.title, { maxLength: 300 }]));
    } catch (err) {
      return setError(err);
    }
    setError(null);
    setBusy(true);
    const done: Item[] = files.filter((f) => f.item).map((f) => f.item!);
    let failed = 0;
    for (const { f, i } of todo) {
      const form = new FormData();
      form.append("file", f.file);
      const m = metaBody({ ...meta, title: f.title.trim() || titleOf(f.file) });
      for (const [k, v] of Object.entries(m)) if (v !== null && v !== "") form.append(k, String(v));
      update(i, { state: "uploading", progress: 0, error: undefined });
      try {
        const r = await api.upload<{ item: Item }>("/api/items/upload", form, (p) => update(i, { progress: p }));
        update(i, { state: "done", progress: 100, item: r.item });
        done.push(r.item);
        onUploaded();
      } catch (err) {
        failed++;
        update(i, { state: "failed", progress: null, error: err });
      }
    }
    setBusy(false);
    if (!failed) onDone(done);
  };

  return (
    <Dialog title={l.t("upload.title")} onClose={onClose} testId="upload-dialog" wide>
      <form onSubmit={submit} className="stack" noValidate>
        <div className={`dropzone ${over ? "over" : ""}`} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop} data-testid="upload-drop">
          <p className="strong">{l.t("upload.drop")}</p>
          <button type="button" className="btn" onClick={() => input.current?.click()}>
            {l.t("upload.choose")}
          </button>
          <input ref={input} type="file" accept={ACCEPT} multiple className="sr-only" tabIndex={-1} aria-label={l.t("upload.file")} data-testid="upload-file" onChange={(e) => { add(e.target.files); e.target.value = ""; }} />
          <p className="field-hint">{l.t("upload.hint")}</p>
        </div>
        {files.length ? (
          <ul className="plain stack upload-list" data-testid="upload-list">
            {files.map((f, i) => (
              <li key={`${f.file.name}-${i}`} className="upload-row" data-testid={`upload-row-${i}`} data-state={f.state}>
                <Field label={l.t("upload.fileTitle", { file: f.file.name })}>
                  <input value={f.title} disabled={f.state === "uploading" || f.state === "done"} onChange={(e) => update(i, { title: e.target.value })} data-testid={`upload-title-${i}`} />
                </Field>
                {f.progress !== null ? <ProgressBar value={f.progress} label={l.t("upload.progressOf", { file: f.file.name })} testId={`upload-progress-${i}`} /> : null}
                {f.state === "done" ? <span className="badge tone-ok">{l.t("upload.fileDone")}</span> : null}
                {f.state === "waiting" && !busy ? (
                  <button type="button" className="btn small" onClick={() => setFiles(files.filter((_, j) => j !== i))} data-testid={`upload-remove-${i}`}>
                    {l.t("upload.remove")}
                  </button>
                ) : null}
                {f.error ? <ErrorBox error={f.error} testId="upload-error" /> : null}
              </li>
            ))}
          </ul>
        ) : null}
        <MetaFields meta={meta} onChange={setMeta} hideTitle />
        <ErrorBox error={error} testId="upload-form-error" />
        <div className="row gap end form-actions">
          <button type="button" className="btn" onClick={onClose}>
            {l.t("common.cancel")}
          </button>
          <button type="submit" className="btn primary" disabled={busy} data-testid="upload-submit">
            {busy ? l.t("upload.uploading") : l.t("upload.submitN", { n: files.filter((f) => f.state !== "done").length })}
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
  const [voice, setVoice] = useState<string>("vi");
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
      validate(l, [
        [l.t("item.title"), meta.title, { required: true, maxLength: 300 }],
        [l.t("tts.text"), text, { required: true, maxLength: 20000 }],
      ]);
      const r = await api.send<{ item: Item }>("POST", "/api/items", { kind: "tts", ...metaBody(meta), text, voice, rate });
      setCreated(r.item);
      onCreated();
    });
  };

  return (
    <Dialog title={l.t("tts.title")} onClose={onClose} testId="tts-dialog" wide>
      {!created ? (
        <form onSubmit={submit} className="stack" noValidate>
          <MetaFields meta={meta} onChange={setMeta} />
          <Field label={l.t("tts.text")} hint={l.t("tts.textHint", { n: text.length })}>
            <textarea value={text} onChange={(e) => setText(e.target.value)} rows={7} lang="vi" data-testid="tts-text" />
          </Field>
          <VoiceFields voice={voice} onVoice={setVoice} rate={rate} onRate={setRate} testId="tts" />
          <ErrorBox error={error} testId="tts-error" />
          <div className="row gap end form-actions">
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
      validate(l, [
        [l.t("item.title"), meta.title, { required: true, maxLength: 300 }],
        [l.t("relay.url"), url, { required: true, url: true }],
        [l.t("relay.minutes"), minutes, { required: true, number: { min: 1, max: 360, decimal: true } }],
      ]);
      await api.send("POST", "/api/items", { kind: "relay", ...metaBody(meta), url: url.trim(), durationSec: Math.round((parseDecimal(minutes) ?? 0) * 60) });
      onDone();
    });
  };
  return (
    <Dialog title={l.t("relay.title")} onClose={onClose} testId="relay-dialog" wide>
      <form onSubmit={submit} className="stack" noValidate>
        <MetaFields meta={meta} onChange={setMeta} />
        <div className="grid2">
          <Field label={l.t("relay.url")} hint={l.t("relay.urlHint")}>
            <input type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder={l.t("relay.urlPlaceholder")} data-testid="relay-url" />
          </Field>
          <Field label={l.t("relay.minutes")}>
            <input inputMode="decimal" value={minutes} onChange={(e) => setMinutes(e.target.value)} data-testid="relay-minutes" />
          </Field>
        </div>
        <ErrorBox error={error} testId="relay-error" />
        <div className="row gap end form-actions">
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
