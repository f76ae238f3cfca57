// Administration: commune details (name, time zone), speaker zones and their outputs,
// topics, and a link to the job queues.
import { useState, type FormEvent } from "react";
import { useApp } from "../context.ts";
import { Dialog, ErrorBox, Field, Notice, PageHeader } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import type { Zone } from "../types.ts";
import { DocumentSettings } from "./DocumentSettings.tsx";

export function Settings() {
  const { zones } = useApp();
  const l = useLocale();
  const [editing, setEditing] = useState<Zone | "new" | null>(null);
  return (
    <div data-testid="page-settings">
      <PageHeader title={l.t("nav.settings")}>
        <a className="btn" href="/admin/queues" target="_blank" rel="noopener" data-testid="queues-link">
          {l.t("nav.queues")} <span aria-hidden="true">↗</span>
          <span className="sr-only">{l.t("nav.newTab")}</span>
        </a>
      </PageHeader>
      <CommuneForm />
      <DocumentSettings />
      <section className="panel" aria-labelledby="zones-h">
        <div className="row gap align-center">
          <h2 id="zones-h" className="grow">
            {l.t("settings.zones")}
          </h2>
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="zone-new">
            <span aria-hidden="true">+</span> {l.t("settings.newZone")}
          </button>
        </div>
        <table className="table" data-testid="zones-table">
          <thead>
            <tr>
              <th scope="col">{l.t("settings.code")}</th>
              <th scope="col">{l.t("settings.zoneName")}</th>
              <th scope="col">{l.t("settings.village")}</th>
              <th scope="col">{l.t("settings.output")}</th>
              <th scope="col">{l.t("common.status")}</th>
              <th scope="col">{l.t("common.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {zones.map((z) => (
              <tr key={z.id} data-testid={`zone-row-${z.code}`} className={z.enabled ? "" : "disabled-row"}>
                <td>
                  <code>{z.code}</code>
                </td>
                <td>{z.name}</td>
                <td>{z.village}</td>
                <td className="small">
                  {l.t(`output.${z.outputKind}`)} <code>{outputSummary(z)}</code>
                </td>
                <td>{z.enabled ? <span className="badge tone-ok">{l.t("common.enabled")}</span> : <span className="badge tone-muted">{l.t("common.disabled")}</span>}</td>
                <td>
                  <button type="button" className="btn small" onClick={() => setEditing(z)} data-testid={`zone-edit-${z.code}`}>
                    {l.t("common.edit")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <CategoryForm />
      {editing !== null ? <ZoneDialog zone={editing === "new" ? null : editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function outputSummary(z: Zone): string {
  const c = z.outputConfig;
  if (z.outputKind === "file") return String(c.dir ?? "");
  if (z.outputKind === "icecast") return `${String(c.host ?? "")}:${String(c.port ?? "")}${String(c.mount ?? "")}`;
  return String(c.device ?? "");
}

function CommuneForm() {
  const { api, commune, reloadRefs } = useApp();
  const l = useLocale();
  const [name, setName] = useState(commune?.name ?? "");
  const [unitName, setUnitName] = useState(commune?.unitName ?? "");
  const [place, setPlace] = useState(commune?.place ?? "");
  const [timeZone, setTimeZone] = useState(commune?.timeZone ?? "Asia/Ho_Chi_Minh");
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api.send("PUT", "/api/commune", { name, unitName, place, timeZone });
      await reloadRefs();
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="commune-h">
      <h2 id="commune-h">{l.t("settings.commune")}</h2>
      <form className="stack" onSubmit={submit} data-testid="commune-form">
        <div className="grid2">
          <Field label={l.t("settings.communeName")}>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} data-testid="commune-name" />
          </Field>
          <Field label={l.t("settings.unitName")}>
            <input value={unitName} onChange={(e) => setUnitName(e.target.value)} maxLength={200} />
          </Field>
          <Field label={l.t("settings.place")}>
            <input value={place} onChange={(e) => setPlace(e.target.value)} maxLength={120} />
          </Field>
          <Field label={l.t("settings.timeZone")} hint={l.t("settings.timeZoneHint")}>
            <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} required />
          </Field>
        </div>
        <ErrorBox error={error} />
        {saved ? <Notice>{l.t("common.saved")}</Notice> : null}
        <div className="row end">
          <button type="submit" className="btn primary" data-testid="commune-save">
            {l.t("common.save")}
          </button>
        </div>
      </form>
    </section>
  );
}

function ZoneDialog({ zone, onClose }: { zone: Zone | null; onClose: () => void }) {
  const { api, reloadRefs } = useApp();
  const l = useLocale();
  const [code, setCode] = useState(zone?.code ?? "");
  const [name, setName] = useState(zone?.name ?? "");
  const [village, setVillage] = useState(zone?.village ?? "");
  const [outputKind, setOutputKind] = useState<Zone["outputKind"]>(zone?.outputKind ?? "file");
  const [dir, setDir] = useState(zone?.outputKind === "file" ? String(zone.outputConfig.dir ?? "") : "");
  const [json, setJson] = useState(zone && zone.outputKind !== "file" ? JSON.stringify(zone.outputConfig, null, 2) : "{}");
  const [enabled, setEnabled] = useState(zone?.enabled ?? true);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    let outputConfig: Record<string, unknown>;
    try {
      outputConfig = outputKind === "file" ? { dir: dir || code } : (JSON.parse(json) as Record<string, unknown>);
    } catch {
      return setError(new Error(l.t("settings.badJson")));
    }
    try {
      const body = { code: code.trim(), name: name.trim(), village: village.trim(), outputKind, outputConfig, enabled };
      if (zone) await api.send("PUT", `/api/zones/${zone.id}`, body);
      else await api.send("POST", "/api/zones", body);
      await reloadRefs();
      onClose();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Dialog title={zone ? l.t("settings.editZone") : l.t("settings.newZone")} onClose={onClose} testId="zone-dialog">
      <form className="stack" onSubmit={submit}>
        <div className="grid2">
          <Field label={l.t("settings.code")} hint={l.t("settings.codeHint")}>
            <input value={code} onChange={(e) => setCode(e.target.value)} required pattern="[a-zA-Z0-9_\-]+" maxLength={40} data-testid="zone-code" />
          </Field>
          <Field label={l.t("settings.zoneName")}>
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} data-testid="zone-name" />
          </Field>
          <Field label={l.t("settings.village")}>
            <input value={village} onChange={(e) => setVillage(e.target.value)} maxLength={120} data-testid="zone-village" />
          </Field>
          <Field label={l.t("settings.output")}>
            <select value={outputKind} onChange={(e) => setOutputKind(e.target.value as Zone["outputKind"])} data-testid="zone-output">
              {(["file", "icecast", "alsa"] as const).map((k) => (
                <option key={k} value={k}>
                  {l.t(`output.${k}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {outputKind === "file" ? (
          <Field label={l.t("settings.dir")} hint={l.t("settings.dirHint")}>
            <input value={dir} onChange={(e) => setDir(e.target.value)} pattern="[a-zA-Z0-9_\-]*" placeholder={code} data-testid="zone-dir" />
          </Field>
        ) : (
          <Field label={l.t("settings.config")} hint={l.t(outputKind === "icecast" ? "settings.icecastHint" : "settings.alsaHint")}>
            <textarea value={json} onChange={(e) => setJson(e.target.value)} rows={5} spellCheck={false} className="mono" />
          </Field>
        )}
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          {l.t("common.enabled")}
        </label>
        <ErrorBox error={error} testId="zone-error" />
        <div className="row gap end">
          <button type="button" className="btn" onClick={onClose}>
            {l.t("common.cancel")}
          </button>
          <button type="submit" className="btn primary" data-testid="zone-save">
            {l.t("common.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function CategoryForm() {
  const { api, categories, reloadRefs } = useApp();
  const l = useLocale();
  const [code, setCode] = useState("");
  const [nameVi, setNameVi] = useState("");
  const [nameEn, setNameEn] = useState("");
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.send("POST", "/api/categories", { code: code.trim(), nameVi: nameVi.trim(), nameEn: nameEn.trim() || nameVi.trim() });
      setCode("");
      setNameVi("");
      setNameEn("");
      await reloadRefs();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="cat-h">
      <h2 id="cat-h">{l.t("settings.categories")}</h2>
      <ul className="tags">
        {categories.map((c) => (
          <li key={c.id} className={c.builtin ? "builtin" : ""} title={c.builtin ? l.t("settings.builtin") : undefined}>
            {l.pick(c.nameVi, c.nameEn)}
          </li>
        ))}
      </ul>
      <form className="row gap align-end wrap" onSubmit={submit}>
        <Field label={l.t("settings.code")}>
          <input value={code} onChange={(e) => setCode(e.target.value)} required pattern="[a-z0-9_\-]+" maxLength={40} className="narrow" />
        </Field>
        <Field label={l.t("settings.nameVi")}>
          <input value={nameVi} onChange={(e) => setNameVi(e.target.value)} required maxLength={120} lang="vi" />
        </Field>
        <Field label={l.t("settings.nameEn")}>
          <input value={nameEn} onChange={(e) => setNameEn(e.target.value)} maxLength={120} lang="en" />
        </Field>
        <button type="submit" className="btn">
          <span aria-hidden="true">+</span> {l.t("settings.addCategory")}
        </button>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}
