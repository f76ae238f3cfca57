// Library of items: search and filters, live processing progress (patched into the query
// cache by live events), and the add dialogs.
import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { qs } from "../api.ts";
import { useApp } from "../context.ts";
import { ErrorBox, Field, Loading, LoadMore, PageHeader, PriorityBadge, ProgressBar, StatusBadge, TableWrap } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import type { Item } from "../types.ts";
import { usePagedList } from "../query.ts";
import { RelayDialog, TtsDialog, UploadDialog, splitReason } from "./LibraryForms.tsx";
import { ItemDialog } from "./ItemDialog.tsx";
import { DocumentItemDialog } from "./DocumentItemDialog.tsx";

interface Filters {
  q: string;
  categoryId: string;
  priority: string;
  status: string;
  kind: string;
}

export function Library() {
  const { can, categories } = useApp();
  const l = useLocale();
  const [filters, setFilters] = useState<Filters>({ q: "", categoryId: "", priority: "", status: "", kind: "" });
  const [q, setQ] = useState("");
  const [dialog, setDialog] = useState<"upload" | "tts" | "document" | "relay" | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [notice, setNotice] = useState("");

  // Search as the user types, without a request per keystroke.
  useEffect(() => {
    const t = setTimeout(() => setFilters((f) => (f.q === q ? f : { ...f, q })), 300);
    return () => clearTimeout(t);
  }, [q]);

  const qc = useQueryClient();
  const items = usePagedList<"items", Item>(["items", filters], "/api/items" + qs({ ...filters }), "items", 100, {
    // While anything is still processing, poll as well (the live stream may be down).
    refetchInterval: (rows) => (rows?.some((i) => i.status === "queued" || i.status === "processing") ? 3000 : false),
  });
  const reload = () => void qc.invalidateQueries({ queryKey: ["items"] });

  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [k]: e.target.value });

  return (
    <div data-testid="page-library">
      <PageHeader title={l.t("nav.library")}>
        {can.editContent ? (
          <>
            <button type="button" className="btn primary" onClick={() => setDialog("upload")} data-testid="upload-open">
              <span aria-hidden="true">⤒</span> {l.t("library.upload")}
            </button>
            <button type="button" className="btn primary" onClick={() => setDialog("tts")} data-testid="tts-open">
              <span aria-hidden="true">✎</span> {l.t("library.tts")}
            </button>
            <button type="button" className="btn" onClick={() => setDialog("document")} data-testid="doc-item-open">
              <span aria-hidden="true">▤</span> {l.t("library.document")}
            </button>
            <button type="button" className="btn" onClick={() => setDialog("relay")} data-testid="relay-open">
              <span aria-hidden="true">⇄</span> {l.t("library.relay")}
            </button>
          </>
        ) : null}
      </PageHeader>
      {notice ? (
        <p className="notice" role="status" data-testid="library-notice">
          {notice}
        </p>
      ) : null}
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field label={l.t("library.search")} className="wide">
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={l.t("library.searchHint")} data-testid="library-search" />
        </Field>
        <Field label={l.t("item.category")}>
          <select value={filters.categoryId} onChange={set("categoryId")} data-testid="filter-category">
            <option value="">{l.t("common.all")}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {l.pick(c.nameVi, c.nameEn)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l.t("item.priority")}>
          <select value={filters.priority} onChange={set("priority")} data-testid="filter-priority">
            <option value="">{l.t("common.all")}</option>
            {(["normal", "priority", "emergency"] as const).map((p) => (
              <option key={p} value={p}>
                {l.t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l.t("common.status")}>
          <select value={filters.status} onChange={set("status")} data-testid="filter-status">
            <option value="">{l.t("common.all")}</option>
            {(["queued", "processing", "ready", "failed"] as const).map((s) => (
              <option key={s} value={s}>
                {l.t(`status.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l.t("item.kind")}>
          <select value={filters.kind} onChange={set("kind")} data-testid="filter-kind">
            <option value="">{l.t("common.all")}</option>
            {(["audio", "tts", "relay"] as const).map((k) => (
              <option key={k} value={k}>
                {l.t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <ErrorBox error={items.error} />
      {!items.data && items.loading ? <Loading /> : null}
      {items.data && !items.data.length ? <p className="muted">{l.t("library.empty")}</p> : null}
      {items.data?.length ? (
        <TableWrap label={l.t("nav.library")}>
        <table className="table" data-testid="items-table">
          <thead>
            <tr>
              <th scope="col">{l.t("item.title")}</th>
              <th scope="col">{l.t("item.kind")}</th>
              <th scope="col">{l.t("item.category")}</th>
              <th scope="col">{l.t("item.priority")}</th>
              <th scope="col">{l.t("common.duration")}</th>
              <th scope="col">{l.t("common.status")}</th>
            </tr>
          </thead>
          <tbody>
            {items.data.map((i) => (
              <tr key={i.id} data-testid={`item-row-${i.id}`} data-title={i.title} data-status={i.status}>
                <td>
                  <button type="button" className="btn link strong" onClick={() => setOpenId(i.id)} data-testid={`item-open-${i.id}`}>
                    {i.title}
                  </button>
                  {i.sourceRef ? <span className="muted small block">{i.sourceRef}</span> : null}
                </td>
                <td>{l.t(`kind.${i.kind}` as MessageKey)}</td>
                <td className="small">{i.category ? l.pick(i.category.nameVi, i.category.nameEn) : "—"}</td>
                <td>
                  <PriorityBadge priority={i.priority} />
                </td>
                <td>{i.durationMs ? l.duration(i.durationMs) : "—"}</td>
                <td>
                  <StatusBadge status={i.status} item />
                  {i.status === "processing" || i.status === "queued" ? <ProgressBar value={i.progress} label={l.t("item.processing")} /> : null}
                  {i.status === "failed" && i.statusReason ? <span className="bad small block">{l.pick(...splitReason(i.statusReason))}</span> : null}
                  {i.status === "ready" && i.statusReason ? <span className="muted small block" data-testid={`item-note-${i.id}`}>{l.pick(...splitReason(i.statusReason))}</span> : null}
                  {i.approval && i.approval !== "approved" ? (
                    <span className={`badge ${i.approval === "rejected" ? "tone-bad" : "tone-warn"}`} data-testid={`item-approval-${i.id}`}>{l.t(`approval.status.${i.approval}` as MessageKey)}</span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </TableWrap>
      ) : null}
      {items.data?.length ? <LoadMore shown={items.data.length} hasMore={items.hasMore} loading={items.loadingMore} onMore={() => void items.loadMore()} testId="items-more" /> : null}

      {dialog === "upload" ? (
        <UploadDialog
          onClose={() => setDialog(null)}
          onDone={(done) => {
            setDialog(null);
            setNotice(done.length === 1 ? l.t("upload.done", { title: done[0]!.title }) : l.t("upload.doneMany", { n: done.length }));
            reload();
          }}
          onUploaded={reload}
        />
      ) : null}
      {dialog === "tts" ? <TtsDialog onClose={() => setDialog(null)} onCreated={reload} /> : null}
      {dialog === "document" ? <DocumentItemDialog onClose={() => setDialog(null)} onCreated={reload} /> : null}
      {dialog === "relay" ? (
        <RelayDialog
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            reload();
          }}
        />
      ) : null}
      {openId !== null ? <ItemDialog id={openId} onClose={() => setOpenId(null)} onChanged={reload} /> : null}
    </div>
  );
}
