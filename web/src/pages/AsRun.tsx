// The as-run log (nhật ký phát sóng): what actually aired, filtered, exportable as CSV.
import { useState } from "react";
import { qs } from "../api.ts";
import { useApp } from "../context.ts";
import { DateField, ErrorBox, Field, Loading, LoadMore, PageHeader, StatusBadge, TableWrap } from "../components/ui.tsx";
import { WeekPicker } from "../components/PeriodPickers.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { usePagedList } from "../query.ts";
import { addDays, isoWeekKey, isoWeekMonday } from "../time.ts";
import type { AsRunRow } from "../types.ts";

interface Filters {
  from: string;
  to: string;
  zoneId: string;
  status: string;
  source: string;
}

export function AsRunPage() {
  const { zones } = useApp();
  const l = useLocale();
  const [draft, setDraft] = useState<Filters>(() => ({ from: addDays(l.today(), -6), to: l.today(), zoneId: "", status: "", source: "" }));
  const [filters, setFilters] = useState(draft);
  // 100 rows at a time, newest first; "Xem thêm" continues from the last row shown.
  const rows = usePagedList<"rows", AsRunRow>(["asrun", filters], "/api/asrun" + qs({ ...filters }), "rows", 100);
  const set = (k: keyof Filters) => (v: string) => setDraft({ ...draft, [k]: v });
  const csvHref = "/api/asrun" + qs({ ...filters, limit: 5000, format: "csv" });
  const [week, setWeek] = useState(() => isoWeekKey(l.today()));
  const logbook = (format: string) => "/api/reports/logbook" + qs({ week, zoneId: filters.zoneId, format });
  const monday = isoWeekMonday(Number(week.slice(0, 4)), Number(week.slice(6)));
  const weekText = l.t("period.weekOption", { n: Number(week.slice(6)), from: l.localDate(monday).slice(0, 5), to: l.localDate(addDays(monday, 6)).slice(0, 5) });

  return (
    <div data-testid="page-asrun">
      <PageHeader title={l.t("nav.asrun")}>
        <a className="btn" href={csvHref} download data-testid="asrun-csv">
          <span aria-hidden="true">⤓</span> {l.t("asrun.exportCsv")}
        </a>
      </PageHeader>
      <form
        className="filters"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <DateField label={l.t("common.from")} value={draft.from} onChange={set("from")} testId="asrun-from" />
        <DateField label={l.t("common.to")} value={draft.to} onChange={set("to")} testId="asrun-to" />
        <Field label={l.t("common.zone")}>
          <select value={draft.zoneId} onChange={(e) => set("zoneId")(e.target.value)} data-testid="asrun-zone">
            <option value="">{l.t("common.all")}</option>
            {zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l.t("common.status")}>
          <select value={draft.status} onChange={(e) => set("status")(e.target.value)} data-testid="asrun-status">
            <option value="">{l.t("common.all")}</option>
            {(["completed", "interrupted", "failed", "skipped"] as const).map((s) => (
              <option key={s} value={s}>
                {l.t(`status.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={l.t("asrun.source")}>
          <select value={draft.source} onChange={(e) => set("source")(e.target.value)} data-testid="asrun-source">
            <option value="">{l.t("common.all")}</option>
            {(["schedule", "manual", "emergency", "make_good"] as const).map((s) => (
              <option key={s} value={s}>
                {l.t(`source.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" className="btn primary" data-testid="asrun-apply">
          {l.t("common.apply")}
        </button>
      </form>
      <section className="panel row gap align-end wrap" aria-labelledby="logbook-h">
        <div className="grow">
          <h2 id="logbook-h">{l.t("asrun.logbook")}</h2>
          <p className="muted small">{l.t("asrun.logbookHint")}</p>
        </div>
        <WeekPicker value={week} onChange={setWeek} testId="logbook" />
        <a className="btn" href={logbook("pdf")} download data-testid="logbook-pdf">
          <span aria-hidden="true">⤓</span> {l.t("download.pdf")}
          <span className="sr-only"> — {l.t("asrun.logbookOf", { week: weekText })}</span>
        </a>
        <a className="btn" href={logbook("xlsx")} download data-testid="logbook-xlsx">
          <span aria-hidden="true">⤓</span> {l.t("download.xlsx")}
          <span className="sr-only"> — {l.t("asrun.logbookOf", { week: weekText })}</span>
        </a>
      </section>
      <ErrorBox error={rows.error} />
      {rows.loading && !rows.data ? <Loading /> : null}
      {rows.data && !rows.data.length ? <p className="muted">{l.t("asrun.empty")}</p> : null}
      {rows.data?.length ? (
        <>
          <p className="muted small">{l.t("asrun.count", { n: rows.data.length })}</p>
          <TableWrap label={l.t("nav.asrun")}>
          <table className="table" data-testid="asrun-table">
            <thead>
              <tr>
                <th scope="col">{l.t("common.date")}</th>
                <th scope="col">{l.t("asrun.scheduled")}</th>
                <th scope="col">{l.t("asrun.start")}</th>
                <th scope="col">{l.t("asrun.end")}</th>
                <th scope="col">{l.t("common.duration")}</th>
                <th scope="col">{l.t("common.zone")}</th>
                <th scope="col">{l.t("common.item")}</th>
                <th scope="col">{l.t("asrun.source")}</th>
                <th scope="col">{l.t("common.status")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.data.map((r) => (
                <tr key={r.id} data-testid={`asrun-row-${r.id}`}>
                  <td>{l.localDate(r.localDate)}</td>
                  <td>{l.timeSec(r.scheduledStart)}</td>
                  <td>{l.timeSec(r.actualStart)}</td>
                  <td>{r.actualEnd ? l.timeSec(r.actualEnd) : "—"}</td>
                  <td>{l.duration(r.durationMs)}</td>
                  <td>{r.zone?.name}</td>
                  <td>
                    {r.item?.title ?? "—"}
                    {r.note ? <span className="muted small block">{r.note}</span> : null}
                  </td>
                  <td>{l.t(`source.${r.source}` as MessageKey)}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          </TableWrap>
          <LoadMore shown={rows.data.length} hasMore={rows.hasMore} loading={rows.loadingMore} onMore={() => void rows.loadMore()} testId="asrun-more" />
        </>
      ) : null}
    </div>
  );
}
