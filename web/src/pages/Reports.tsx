// Reports from the as-run log: any period, charts per day / topic / zone, CSV/XLSX/PDF
// downloads and the archive of generated monthly reports.
import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { qs } from "../api.ts";
import { useApp } from "../context.ts";
import { ColumnChart, HBarChart } from "../components/BarChart.tsx";
import { DateField, ErrorBox, Field, Loading, Notice, PageHeader, TableWrap } from "../components/ui.tsx";
import { MonthYearPicker, QuarterPicker, WeekPicker, YearPicker } from "../components/PeriodPickers.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { useApiGet } from "../query.ts";
import { addDays, isoWeekKey } from "../time.ts";
import type { ArchivedReport, BroadcastReport } from "../types.ts";
import { OtherChannels } from "./OtherChannels.tsx";

/** A month key "2026-11" reads as 11/2026 (the dd/MM/yyyy convention); other keys as they are. */
const periodText = (key: string) => key.replace(/^(\d{4})-(\d{2})$/, "$2/$1");

type Kind = "day" | "week" | "month" | "quarter" | "year" | "custom";

function defaultValue(kind: Kind, today: string): string {
  if (kind === "day") return today;
  if (kind === "week") return isoWeekKey(today);
  if (kind === "month") return today.slice(0, 7);
  if (kind === "quarter") return `${today.slice(0, 4)}-Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`;
  return today.slice(0, 4);
}

interface Query {
  period: Kind;
  value: string;
  from: string;
  to: string;
}

export function Reports() {
  const { can, categories } = useApp();
  const l = useLocale();
  const today = l.today();
  const [draft, setDraft] = useState<Query>({ period: "month", value: today.slice(0, 7), from: addDays(today, -6), to: today });
  const [query, setQuery] = useState(draft);
  const params = query.period === "custom" ? { period: "custom", from: query.from, to: query.to } : { period: query.period, value: query.value };
  const qc = useQueryClient();
  const reportQ = useApiGet<{ report: BroadcastReport }>(["report", params], "/api/reports" + qs(params));
  const report = { error: reportQ.error, loading: reportQ.isLoading };
  // report.ready events invalidate this entry (query.ts).
  const archiveQ = useApiGet<{ reports: ArchivedReport[] }>(["reports-archive"], "/api/reports/archive");
  const archive = { data: archiveQ.data?.reports, error: archiveQ.error, reload: () => void qc.invalidateQueries({ queryKey: ["reports-archive"] }) };
  const r = reportQ.data?.report;
  // The report carries the Vietnamese topic name; the English one comes from the topics list.
  const categoryName = (id: number | null, nameVi: string) => {
    const c = id === null ? undefined : categories.find((x) => x.id === id);
    return c ? l.pick(c.nameVi, c.nameEn) : id === null ? l.t("item.noCategory") : nameVi;
  };
  const href = (format: string) => "/api/reports" + qs({ ...params, format });

  return (
    <div data-testid="page-reports">
      <PageHeader title={l.t("nav.reports")} />
      <form
        className="filters"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(draft);
        }}
      >
        <Field label={l.t("report.period")}>
          <select value={draft.period} onChange={(e) => setDraft({ ...draft, period: e.target.value as Kind, value: e.target.value === "custom" ? draft.value : defaultValue(e.target.value as Kind, today) })} data-testid="report-period">
            {(["day", "week", "month", "quarter", "year", "custom"] as const).map((k) => (
              <option key={k} value={k}>
                {l.t(`period.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {draft.period === "custom" ? (
          <>
            <DateField label={l.t("common.from")} value={draft.from} onChange={(v) => setDraft({ ...draft, from: v })} />
            <DateField label={l.t("common.to")} value={draft.to} onChange={(v) => setDraft({ ...draft, to: v })} />
          </>
        ) : draft.period === "day" ? (
          <DateField label={l.t("report.value")} value={draft.value} onChange={(v) => setDraft({ ...draft, value: v })} />
        ) : draft.period === "week" ? (
          <WeekPicker value={draft.value} onChange={(v) => setDraft({ ...draft, value: v })} testId="report" />
        ) : draft.period === "month" ? (
          <MonthYearPicker value={draft.value} onChange={(v) => setDraft({ ...draft, value: v })} testId="report" />
        ) : draft.period === "quarter" ? (
          <QuarterPicker value={draft.value} onChange={(v) => setDraft({ ...draft, value: v })} testId="report" />
        ) : (
          <YearPicker value={draft.value} onChange={(v) => setDraft({ ...draft, value: v })} testId="report" />
        )}
        <button type="submit" className="btn primary" data-testid="report-apply">
          {l.t("report.show")}
        </button>
      </form>
      <ErrorBox error={report.error} />
      {report.loading && !r ? <Loading /> : null}
      {r ? (
        <>
          <div className="row gap wrap align-center">
            <h2 className="grow" data-testid="report-label">
              {l.t("report.heading", { label: l.pick(r.period.labelVi, r.period.labelEn), from: l.localDate(r.period.from), to: l.localDate(r.period.to) })}
            </h2>
            <div className="row gap" role="group" aria-label={l.t("report.downloads")}>
              <a className="btn" href={href("csv")} download data-testid="report-csv">
                <span aria-hidden="true">⤓</span> {l.t("download.csv")}
              </a>
              <a className="btn primary" href={href("xlsx")} download data-testid="report-xlsx">
                <span aria-hidden="true">⤓</span> {l.t("download.xlsx")}
              </a>
              <a className="btn" href={href("pdf")} download data-testid="report-pdf">
                <span aria-hidden="true">⤓</span> {l.t("download.pdf")}
              </a>
            </div>
          </div>
          <div className="stat-grid" data-testid="report-totals">
            <Stat label={l.t("report.programs")} value={r.totals.programs} sub={l.t("report.daysAired", { n: r.totals.daysAired })} />
            <Stat label={l.t("report.newsItems")} value={r.totals.newsItems} sub={l.t("report.itemsDistinct", { n: r.totals.itemsDistinct })} />
            <Stat label={l.t("report.plays")} value={r.totals.plays} />
            <Stat label={l.t("report.airtime")} value={r.totals.airtimeMinutes} decimals={1} sub={l.t("report.ownRelay", { own: l.num(r.totals.ownMinutes, 1), relay: l.num(r.totals.relayMinutes, 1) })} />
            <Stat label={l.t("report.emergencyBroadcasts")} value={r.totals.emergencyBroadcasts} />
            <Stat label={l.t("report.makeGoods")} value={r.totals.makeGoodPlays} />
            <Stat label={l.t("report.faults")} value={r.totals.zoneSessions.fault + r.totals.zoneSessions.missed} bad />
          </div>
          <ColumnChart title={l.t("report.chartDayNews")} bars={r.byDay.map((d) => ({ label: l.localDate(d.date).slice(0, 5), value: d.newsItems }))} testId="chart-day" />
          <div className="chart-row">
            <HBarChart title={l.t("report.chartTopicNews")} bars={r.byCategory.map((c) => ({ label: c.categoryId === null ? l.t("item.noCategory") : l.pick(c.nameVi, c.nameEn), value: c.newsItems }))} testId="chart-topic" />
            <HBarChart title={l.t("report.chartZone")} bars={r.byZone.map((z) => ({ label: z.name, value: z.sessionsAired }))} testId="chart-zone" />
          </div>
          {r.byItem.length ? (
            <section className="panel">
              <h3>{l.t("report.topItems")}</h3>
              <TableWrap label={l.t("report.topItems")}>
              <table className="table compact" data-testid="report-items">
                <thead>
                  <tr>
                    <th scope="col">{l.t("common.item")}</th>
                    <th scope="col">{l.t("item.category")}</th>
                    <th scope="col">{l.t("report.newsItemsCol")}</th>
                    <th scope="col">{l.t("report.minutes")}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.byItem.slice(0, 15).map((i, n) => (
                    <tr key={`${i.itemId}-${n}`}>
                      <td>{i.title}</td>
                      <td className="small">{categoryName(i.categoryId, i.categoryNameVi) || "—"}</td>
                      <td>{i.newsItems}</td>
                      <td>{l.num(i.airtimeMinutes, 1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </TableWrap>
            </section>
          ) : null}
          <DirectivesPanel d={r.directives} />
          {r.campaigns.length ? (
            <section className="panel">
              <h3>{l.t("nav.campaigns")}</h3>
              <TableWrap label={l.t("nav.campaigns")}>
              <table className="table compact">
                <thead>
                  <tr>
                    <th scope="col">{l.t("campaign.name")}</th>
                    <th scope="col">{l.t("campaign.target")}</th>
                    <th scope="col">{l.t("campaign.plays")}</th>
                    <th scope="col">{l.t("report.compliance")}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.campaigns.map((c) => (
                    <tr key={c.campaignId}>
                      <td>{c.name}</td>
                      <td>{c.target}</td>
                      <td>{c.plays}</td>
                      <td className={c.compliancePct < 100 ? "bad strong" : "ok strong"}>{l.num(c.compliancePct, 1)}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              </TableWrap>
            </section>
          ) : null}
        </>
      ) : null}
      <OtherChannels canEdit={can.generateReports} />
      <Archive reports={archive.data} error={archive.error} canGenerate={can.generateReports} onQueued={archive.reload} />
    </div>
  );
}

function Stat({ label, value, sub, bad, decimals = 0 }: { label: string; value: number; sub?: string; bad?: boolean; decimals?: number }) {
  const l = useLocale();
  return (
    <div className={`stat ${bad && value ? "bad" : ""}`}>
      <span className="stat-value">{l.num(value, decimals)}</span>
      <span className="stat-label">{label}</span>
      {sub ? <span className="muted small">{sub}</span> : null}
    </div>
  );
}

function Archive({ reports, error, canGenerate, onQueued }: { reports?: ArchivedReport[]; error: unknown; canGenerate: boolean; onQueued: () => void }) {
  const { api } = useApp();
  const l = useLocale();
  const lastMonth = addDays(l.today().slice(0, 8) + "01", -1).slice(0, 7);
  const [month, setMonth] = useState(lastMonth);
  const [queued, setQueued] = useState<{ month: string; at: number } | null>(null);
  const [err, setErr] = useState<unknown>(null);
  // Done once the archive holds a report for that month created after the request.
  const done = queued && reports?.some((r) => r.periodKey === queued.month && new Date(r.createdAt).getTime() >= queued.at - 60_000);
  const generate = async (e: FormEvent) => {
    e.preventDefault();
    setErr(null);
    setQueued(null);
    try {
      const at = Date.now();
      await api.send("POST", "/api/reports/monthly", { month });
      setQueued({ month, at });
      onQueued();
    } catch (x) {
      setErr(x);
    }
  };
  return (
    <section className="panel" aria-labelledby="arch-h" data-testid="report-archive">
      <h2 id="arch-h">{l.t("report.archive")}</h2>
      <ErrorBox error={error ?? err} />
      {canGenerate ? (
        <form className="row gap align-end wrap" onSubmit={generate} noValidate>
          <MonthYearPicker value={month} onChange={setMonth} testId="report-month" />
          <button type="submit" className="btn" data-testid="report-generate">
            {l.t("report.generate")}
          </button>
        </form>
      ) : null}
      {queued && done ? <Notice testId="report-done">{l.t("report.done", { month: periodText(queued.month) })}</Notice> : null}
      {queued && !done ? (
        <Notice>
          {l.t("report.queued", { month: periodText(queued.month) })}{" "}
          <button type="button" className="btn small" onClick={onQueued} data-testid="report-archive-reload">
            <span aria-hidden="true">↻</span> {l.t("report.refresh")}
          </button>
        </Notice>
      ) : null}
      {reports && !reports.length ? <p className="muted">{l.t("report.archiveEmpty")}</p> : null}
      {reports?.length ? (
        <TableWrap label={l.t("report.archive")}>
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">{l.t("report.periodKey")}</th>
              <th scope="col">{l.t("report.kind")}</th>
              <th scope="col">{l.t("common.from")}</th>
              <th scope="col">{l.t("common.to")}</th>
              <th scope="col">{l.t("report.created")}</th>
              <th scope="col">{l.t("report.files")}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((a) => {
              let files: string[] = [];
              try {
                files = Object.keys(JSON.parse(a.files) as Record<string, string>);
              } catch {
                files = [];
              }
              return (
                <tr key={a.id}>
                  <td>{periodText(a.periodKey)}</td>
                  <td>{l.t(`reportKind.${a.kind}` as MessageKey)}</td>
                  <td>{l.localDate(a.periodStart)}</td>
                  <td>{l.localDate(a.periodEnd)}</td>
                  <td>{l.dateTime(a.createdAt)}</td>
                  <td className="nowrap">
                    {files
                      .filter((f) => ["csv", "xlsx", "pdf"].includes(f))
                      .map((f) => (
                        <a key={f} className="btn small" href={`/api/reports/archive/${a.id}/${f}`} download>
                          {f.toUpperCase()}
                          <span className="sr-only"> — {l.t("report.fileLink", { period: periodText(a.periodKey) })}</span>
                        </a>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </TableWrap>
      ) : null}
    </section>
  );
}

/** "Tuyên truyền văn bản chỉ đạo": documents received in the period and how they reached the air. */
function DirectivesPanel({ d }: { d: BroadcastReport["directives"] }) {
  const l = useLocale();
  if (!d.received) return null;
  return (
    <section className="panel" data-testid="report-directives">
      <h3>{l.t("report.directives")}</h3>
      <div className="stat-grid">
        <Stat label={l.t("report.directivesReceived")} value={d.received} />
        <Stat label={l.t("directive.status.on_time")} value={d.onTime} />
        <Stat label={l.t("directive.status.late")} value={d.late} bad />
        <Stat label={l.t("report.directivesNotYet")} value={d.notYet} sub={d.overdue ? l.t("report.directivesOverdue", { n: d.overdue }) : undefined} bad={d.overdue > 0} />
        {d.medianHoursToFirstAir !== null ? <Stat label={l.t("report.directivesMedian")} value={d.medianHoursToFirstAir} decimals={1} /> : null}
      </div>
    </section>
  );
}
