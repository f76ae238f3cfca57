// A TTS item read from an administrative document (DOCX or PDF): the server extracts the
// text, leaves out the heading and signature blocks by the documented rule, and splits a
// long document into parts. The editor sees what will be read before it airs.
import { useState, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { Dialog, ErrorBox, Field, ProgressBar, useAction } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { validate } from "../forms.ts";
import type { Item } from "../types.ts";
import { MetaFields, VoiceFields, emptyMeta, metaBody, type Meta } from "./LibraryForms.tsx";

interface Made {
  items: Item[];
  parts: number;
  chars: number;
  skipped: string[];
}

export function DocumentItemDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { api } = useApp();
  const l = useLocale();
  const [file, setFile] = useState<File | null>(null);
  const [meta, setMeta] = useState<Meta>(emptyMeta);
  const [voice, setVoice] = useState<string>("vi");
  const [rate, setRate] = useState(100);
  const [progress, setProgress] = useState<number | null>(null);
  const [made, setMade] = useState<Made | null>(null);
  const { busy, error, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      if (!file) throw new Error(l.t("docItem.noFile"));
      validate(l, [[l.t("item.title"), meta.title, { maxLength: 280 }]]);
      const form = new FormData();
      for (const [k, v] of Object.entries({ ...metaBody(meta), voice, rate })) if (v !== null && v !== "") form.append(k, String(v));
      form.append("file", file);
      try {
        setMade(await api.upload<Made>("/api/items/document", form, setProgress));
      } finally {
        setProgress(null);
      }
      onCreated();
    });
  };

  return (
    <Dialog title={l.t("docItem.title")} onClose={onClose} testId="doc-item-dialog" wide>
      {!made ? (
        <form onSubmit={submit} className="stack" noValidate>
          <Field label={l.t("docItem.file")} hint={l.t("docItem.hint")}>
            <input type="file" accept=".docx,.pdf,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="doc-item-file" />
          </Field>
          <MetaFields meta={meta} onChange={setMeta} />
          <p className="field-hint">{l.t("docItem.titleHint")}</p>
          <VoiceFields voice={voice} onVoice={setVoice} rate={rate} onRate={setRate} testId="doc-item" />
          {progress !== null ? <ProgressBar value={progress} label={l.t("upload.progress")} /> : null}
          <ErrorBox error={error} testId="doc-item-error" />
          <div className="row gap end form-actions">
            <button type="button" className="btn" onClick={onClose}>
              {l.t("common.cancel")}
            </button>
            <button type="submit" className="btn primary" disabled={busy} data-testid="doc-item-submit">
              {busy ? l.t("common.working") : l.t("docItem.submit")}
            </button>
          </div>
        </form>
      ) : (
        <div className="stack" data-testid="doc-item-result">
          <p>{l.t("docItem.made", { n: made.parts, chars: made.chars, skipped: made.skipped.length })}</p>
          <ul className="plain stack">
            {made.items.map((it) => (
              <li key={it.id} data-testid={`doc-item-part-${it.id}`}>
                <strong>{it.title}</strong>
                <span className="muted small block" lang="vi">
                  {(it.ttsText ?? "").slice(0, 240)}
                  {(it.ttsText ?? "").length > 240 ? "…" : ""}
                </span>
              </li>
            ))}
          </ul>
          {made.skipped.length ? (
            <details>
              <summary>{l.t("docItem.skipped", { n: made.skipped.length })}</summary>
              <ul className="small muted" lang="vi">
                {made.skipped.map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ul>
            </details>
          ) : null}
          <div className="row end">
            <button type="button" className="btn primary" onClick={onClose} data-testid="doc-item-close">
              {l.t("common.done")}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
