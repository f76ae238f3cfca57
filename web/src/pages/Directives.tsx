// The directive register (sổ văn bản chỉ đạo): each document with what aired for it — time
// from receipt to first airing and to every zone, plays, zones reached — counted by the
// server from the as-run log. Cards, not a table, so it reads on a 390 px phone.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { qs } from "../api.ts";
import { useApp } from "../context.ts";
import { ErrorBox, Field, Loading, PageHeader, useConfirm } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet, useApiGetAll } from "../query.ts";
import type { Directive, DirectiveStatus } from "../types.ts";
import { DirectiveForm } from "./DirectiveForm.tsx";

const TONE: Record<DirectiveStatus, string> = { on_time: "tone-ok", late: "tone-warn", pending: "tone-info", overdue: "tone-bad", info: "tone-muted" };

export function Directives() {
  const { api, can } = useApp();
  const l = useLocale();
  const qc = useQueryClient();
  const [q, setQ] = useState("");
  const [month, setMonth] = useState("");
  const list = useApiGetAll<"directives", Directive>(["directives", q, month], "/api/directives" + qs({ q: q.trim() || undefined, month: month || undefined }), "directives");
  const [editing, setEditing] = useState<Directive | "new" | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const confirm = useConfirm();
  const refresh = () => void qc.invalidateQueries({ queryKey: ["directives"] });

  const archive = async (d: Directive) => {
    if (!(await confirm.ask({ title: l.t("directive.archive"), message: l.t("directive.archiveConfirm", { number: d.number }), confirm: l.t("directive.archive") }))) return;
    setActionError(null);
    await api.send("DELETE", `/api/directives/${d.id}`).catch(setActionError);
    refresh();
  };

  // The attachment read aloud: TTS items linked to the document (POST /api/directives/:id/items).
  const [notice, setNotice] = useState("");
  const readAloud = async (d: Directive) => {
    setActionError(null);
    setNotice("");
    try {
      const r = await api.send<{ parts: number; items: { title: string }[] }>("POST", `/api/directives/${d.id}/items`, { voice: "vi" });
      setNotice(l.t("directive.readMade", { n: r.parts, number: d.number }));
      refresh();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <div data-testid="page-directives">
      <PageHeader title={l.t("nav.directives")}>
        {can.editContent ? (
          <button type="button" className="btn primary" onClick={() => setEditing("new")} data-testid="directive-new">
            <span aria-hidden="true">+</span> {l.t("directive.new")}
          </button>
        ) : null}
      </PageHeader>
      <p className="muted">{l.t("directive.intro")}</p>
      <div className="filters row wrap gap">
        <Field label={l.t("directive.search")} className="wide">
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} data-testid="directive-search" />
        </Field>
        <Field label={l.t("directive.month")}>
          <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} data-testid="directive-month" />
        </Field>
      </div>
      <ErrorBox error={list.error ?? actionError} />
      {notice ? <p className="notice" role="status" data-testid="directive-notice">{notice}</p> : null}
      {!list.data ? <Loading /> : null}
      {list.data && !list.data.directives.length ? <p className="muted">{l.t("directive.empty")}</p> : null}
      <ul className="plain doc-list" data-testid="directive-list">
        {list.data?.directives.map((d) => (
          <li key={d.id}>
            <DirectiveCard d={d} onEdit={can.editContent ? () => setEditing(d) : undefined} onArchive={can.editContent ? () => archive(d) : undefined} onRead={can.editContent ? () => void readAloud(d) : undefined} />
          </li>
        ))}
      </ul>
      {editing !== null ? <DirectiveForm directive={editing === "new" ? null : editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); refresh(); }} /> : null}
      {confirm.element}
    </div>
  );
}

export function DirectiveCard({ d, onEdit, onArchive, onRead }: { d: Directive; onEdit?: () => void; onArchive?: () => void; onRead?: () => void }) {
  const l = useLocale();
  const t = d.timeliness;
  return (
    <article className="doc-card" data-testid={`directive-${d.id}`} data-status={t?.status}>
      <header className="row wrap gap">
        <strong className="grow">{d.number}</strong>
        {t ? <span className={`badge ${TONE[t.status]}`} data-testid={`directive-status-${d.id}`}>{l.t(`directive.status.${t.status}` as MessageKey)}</span> : null}
      </header>
      <p>{d.summary}</p>
      <p className="muted small">
        {d.issuer} · {l.t("directive.received", { time: l.dateTime(d.receivedAt) })}
        {d.dueDate ? ` · ${l.t("directive.due", { date: l.localDate(d.dueDate) })}` : ""}
      </p>
      {t && t.status !== "info" ? (
        <ul className="plain small" data-testid={`directive-timeliness-${d.id}`}>
          <li>{t.firstAiredAt ? l.t("directive.firstAir", { time: l.dateTime(t.firstAiredAt), hours: l.num(t.hoursToFirstAir ?? 0, 1) }) : l.t(`directive.status.${t.status}` as MessageKey)}</li>
          <li>{t.allZonesAt ? l.t("directive.allZones", { time: l.dateTime(t.allZonesAt), hours: l.num(t.hoursToAllZones ?? 0, 1) }) : l.t("directive.notAllZones", { reached: t.zonesReached, total: t.zonesTotal })}</li>
          <li>
            {l.t("directive.plays", { n: l.num(t.plays) })}
            {d.targetPlays ? ` (${l.t("directive.target", { n: l.num(d.targetPlays) })})` : ""}
          </li>
        </ul>
      ) : null}
      {d.items.length || d.campaigns.length ? (
        <p className="small">{[...d.items.map((i) => i.title), ...d.campaigns.map((c) => c.name)].join(" · ")}</p>
      ) : null}
      <div className="row wrap gap">
        {d.attachment ? (
          <a className="btn small" href={`/api/directives/${d.id}/attachment`} download={d.attachment.name} data-testid={`directive-download-${d.id}`}>
            {l.t("directive.download")}: {d.attachment.name}
          </a>
        ) : null}
        {d.attachment && onRead ? <button type="button" className="btn small" onClick={onRead} data-testid={`directive-read-${d.id}`}>{l.t("directive.readAloud")}</button> : null}
        {onEdit ? <button type="button" className="btn small" onClick={onEdit} data-testid={`directive-edit-${d.id}`}>{l.t("common.edit")}</button> : null}
        {onArchive ? <button type="button" className="btn small" onClick={onArchive} data-testid={`directive-archive-${d.id}`}>{l.t("directive.archive")}</button> : null}
      </div>
    </article>
  );
}

/** The dashboard's head: documents past their due date with nothing aired. */
export function OverdueDirectives() {
  const { navigate } = useApp();
  const l = useLocale();
  const q = useApiGet<{ directives: Directive[] }>(["directives", "overdue"], "/api/directives/overdue", { refetchInterval: 60_000 });
  const list = q.data?.directives ?? [];
  if (!list.length) return null;
  return (
    <section className="panel alert-panel" aria-labelledby="overdue-h" data-testid="overdue-directives">
      <h2 id="overdue-h">{l.t("directive.overdueTitle", { n: list.length })}</h2>
      <ul className="plain stack">
        {list.slice(0, 5).map((d) => (
          <li key={d.id}>
            <a href="/directives" onClick={(e) => { e.preventDefault(); navigate("/directives"); }}>
              <strong>{d.number}</strong>
            </a>{" "}
            — {d.summary} <span className="muted small">({l.t("directive.due", { date: l.localDate(d.dueDate) })})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
