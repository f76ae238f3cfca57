// Administration: commune details (name, time zone), speaker zones and their outputs,
// topics, and a link to the queue health page.
import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useApp } from "../context.ts";
import { Dialog, ErrorBox, Field, Loading, Notice, PageHeader, TableWrap } from "../components/ui.tsx";
import { useLocale } from "../i18n/index.ts";
import { validate } from "../forms.ts";
import { useApiGet } from "../query.ts";
import type { Commune, Zone } from "../types.ts";
import { DocumentSettings } from "./DocumentSettings.tsx";
import { AlertSettings } from "../components/AlertSettings.tsx";
import { TtsKeySettings } from "../components/TtsKeySettings.tsx";
import { ApprovalSetting } from "./Approvals.tsx";

export function Settings() {
  const { zones, navigate } = useApp();
  const l = useLocale();
  const [editing, setEditing] = useState<Zone | "new" | null>(null);
  const commune = useApiGet<{ commune: Commune | null }>(["commune"], "/api/commune");
  return (
    <div data-testid="page-settings">
      <PageHeader title={l.t("nav.settings")}>
        <a
          className="btn"
          href="/queues"
          onClick={(e) => {
            e.preventDefault();
            navigate("/queues");
          }}
          data-testid="queues-link"
        >
          {l.t("nav.queues")}
        </a>
      </PageHeader>
      <ErrorBox error={commune.error} />
      {/* The form starts from the saved values, so it waits for them (F5 on /settings). */}
      {commune.data ? <CommuneForm key={commune.data.commune?.name ?? ""} saved={commune.data.commune} /> : <Loading />}
      <ApprovalSetting />
      <DocumentSettings />
      <AlertSettings />
      <TtsKeySettings />
      <section className="panel" aria-labelledby="zones-h">
        <div className="row gap align-center">
          <h2 id="zones-h" className="grow">
            {l.t("settings.zones")}
          </h2>
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="zone-new">
            <span aria-hidden="true">+</span> {l.t("settings.newZone")}
          </button>
        </div>
        <TableWrap label={l.t("settings.zones")}>
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
                  {z.workerGroup ? <span className="badge tone-muted" title={l.t("settings.workerGroup")}>@{z.workerGroup}</span> : null}
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
        </TableWrap>
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

function CommuneForm({ saved: stored }: { saved: Commune | null }) {
  const { api, reloadRefs } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const [name, setName] = useState(stored?.name ?? "");
  const [unitName, setUnitName] = useState(stored?.unitName ?? "");
  const [place, setPlace] = useState(stored?.place ?? "");
  const [timeZone, setTimeZone] = useState(stored?.timeZone ?? "Asia/Ho_Chi_Minh");
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<"saved" | "unchanged" | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    try {
      validate(l, [
        [l.t("settings.communeName"), name, { required: true, maxLength: 120 }],
        [l.t("settings.unitName"), unitName, { maxLength: 200 }],
        [l.t("settings.place"), place, { maxLength: 120 }],
        [l.t("settings.timeZone"), timeZone, { required: true, maxLength: 64 }],
      ]);
      const body = { name: name.trim(), unitName: unitName.trim(), place: place.trim(), timeZone: timeZone.trim() };
      // Nothing changed: nothing is written (no new audit row, no new updatedAt).
      if (stored && body.name === stored.name && body.unitName === stored.unitName && body.place === stored.place && body.timeZone === stored.timeZone) {
        setSaved("unchanged");
        return;
      }
      const r = await api.send<{ commune: Commune }>("PUT", "/api/commune", body);
      qc.setQueryData(["commune"], { commune: r.commune });
      await reloadRefs();
      setSaved("saved");
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="commune-h">
      <h2 id="commune-h">{l.t("settings.commune")}</h2>
      <form className="stack" onSubmit={submit} data-testid="commune-form" noValidate>
        <div className="grid2">
          <Field label={l.t("settings.communeName")}>
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="commune-name" />
          </Field>
          <Field label={l.t("settings.unitName")}>
            <input value={unitName} onChange={(e) => setUnitName(e.target.value)} data-testid="commune-unit" />
          </Field>
          <Field label={l.t("settings.place")}>
            <input value={place} onChange={(e) => setPlace(e.target.value)} data-testid="commune-place" />
          </Field>
          <Field label={l.t("settings.timeZone")} hint={l.t("settings.timeZoneHint")}>
            <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} data-testid="commune-tz" />
          </Field>
        </div>
        <ErrorBox error={error} />
        {saved ? <Notice testId="commune-saved">{l.t(saved === "saved" ? "common.saved" : "common.unchanged")}</Notice> : null}
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
  const [workerGroup, setWorkerGroup] = useState(zone?.workerGroup ?? "");
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      validate(l, [
        [l.t("settings.code"), code, { required: true, maxLength: 40, pattern: { re: /^[a-zA-Z0-9_-]+$/, hint: "settings.codeHint" } }],
        [l.t("settings.zoneName"), name, { required: true, maxLength: 120 }],
        [l.t("settings.village"), village, { maxLength: 120 }],
        [l.t("settings.dir"), outputKind === "file" ? dir : "", { maxLength: 120, pattern: { re: /^[a-zA-Z0-9_-]*$/, hint: "settings.codeHint" } }],
        [l.t("settings.workerGroup"), workerGroup.trim(), { required: outputKind === "alsa", maxLength: 40, pattern: { re: /^([a-z0-9][a-z0-9_-]*)?$/, hint: "settings.workerGroupHint" } }],
      ]);
    } catch (err) {
      return setError(err);
    }
    let outputConfig: Record<string, unknown>;
    try {
      outputConfig = outputKind === "file" ? { dir: dir || code } : (JSON.parse(json) as Record<string, unknown>);
    } catch {
      return setError(new Error(l.t("settings.badJson")));
    }
    try {
      const body = { code: code.trim(), name: name.trim(), village: village.trim(), outputKind, outputConfig, enabled, workerGroup: workerGroup.trim() || null };
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
      <form className="stack" onSubmit={submit} noValidate>
        <div className="grid2">
          <Field label={l.t("settings.code")} hint={l.t("settings.codeHint")}>
            <input value={code} onChange={(e) => setCode(e.target.value)} autoCapitalize="none" data-testid="zone-code" />
          </Field>
          <Field label={l.t("settings.zoneName")}>
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="zone-name" />
          </Field>
          <Field label={l.t("settings.village")}>
            <input value={village} onChange={(e) => setVillage(e.target.value)} data-testid="zone-village" />
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
            <input value={dir} onChange={(e) => setDir(e.target.value)} placeholder={code} data-testid="zone-dir" />
          </Field>
        ) : (
          <Field label={l.t("settings.config")} hint={l.t(outputKind === "icecast" ? "settings.icecastHint" : "settings.alsaHint")}>
            <textarea value={json} onChange={(e) => setJson(e.target.value)} rows={5} spellCheck={false} className="mono" />
          </Field>
        )}
        <Field label={l.t("settings.workerGroup")} hint={l.t(outputKind === "alsa" ? "settings.workerGroupAlsaHint" : "settings.workerGroupHint")}>
          <input value={workerGroup} onChange={(e) => setWorkerGroup(e.target.value)} autoCapitalize="none" placeholder={outputKind === "alsa" ? "" : l.t("settings.workerGroupAny")} data-testid="zone-worker-group" />
        </Field>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          {l.t("common.enabled")}
        </label>
        <ErrorBox error={error} testId="zone-error" />
        <div className="row gap end form-actions">
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
      validate(l, [
        [l.t("settings.code"), code, { required: true, maxLength: 40, pattern: { re: /^[a-z0-9_-]+$/, hint: "settings.categoryCodeHint" } }],
        [l.t("settings.nameVi"), nameVi, { required: true, maxLength: 120 }],
        [l.t("settings.nameEn"), nameEn, { maxLength: 120 }],
      ]);
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
      <form className="row gap align-end wrap" onSubmit={submit} noValidate data-testid="category-form">
        <Field label={l.t("settings.code")} hint={l.t("settings.categoryCodeHint")}>
          <input value={code} onChange={(e) => setCode(e.target.value)} autoCapitalize="none" className="narrow" data-testid="category-code" />
        </Field>
        <Field label={l.t("settings.nameVi")}>
          <input value={nameVi} onChange={(e) => setNameVi(e.target.value)} lang="vi" data-testid="category-name-vi" />
        </Field>
        <Field label={l.t("settings.nameEn")}>
          <input value={nameEn} onChange={(e) => setNameEn(e.target.value)} lang="en" />
        </Field>
        <button type="submit" className="btn" data-testid="category-add">
          <span aria-hidden="true">+</span> {l.t("settings.addCategory")}
        </button>
      </form>
      <ErrorBox error={error} testId="category-error" />
    </section>
  );
}
