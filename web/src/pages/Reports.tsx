// Reports from the as-run log: any period, charts per day / topic / zone, CSV/XLSX/PDF
// downloads and the archive of generated monthly reports.
import { useState, type FormEvent } from "react";
import { qs } from "../api.ts";
import { useApp, useLiveEvents } from "../context.ts";
import { ColumnChart, HBarChart } from "../components/BarChart.tsx";
import { DateField, ErrorBox, Field, Loading, Notice, PageHeader, useAsync } from "../components/ui.tsx";
import { useLocale, type MessageKey } from "../i18n/index.ts";
import { addDays, isoWeekKey } from "../time.ts";
import type { ArchivedReport, BroadcastReport } from "../types.ts";
import { OtherChannels } from "./OtherChannels.tsx";

const round1 = (n: number) => Math.round(n * 10) / 10;

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
  const { api, can, categories } = useApp();
  const l = useLocale();
  const today = l.today();
  const [draft, setDraft] = useState<Query>({ period: "month", value: today.slice(0, 7), from: addDays(today, -6), to: today });
  const [query, setQuery] = useState(draft);
  const params = query.period === "custom" ? { period: "custom", from: query.from, to: query.to } : { period: query.period, value: query.value };
  const report = useAsync(() => api.get<{ report: BroadcastReport }>("/api/reports" + qs(params)).then((r) => r.report), [query]);
  const archive = useAsync(() => api.get<{ reports: ArchivedReport[] }>("/api/reports/archive").then((r) => r.reports), []);
  useLiveEvents((e) => {
    if (e.type === "report.ready") archive.reload();
  });
  const r = report.data;
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
        ) : (
          <Field label={l.t("report.value")} hint={l.t(`period.${draft.period}Hint` as MessageKey)}>
            <input value={draft.value} onChange={(e) => setDraft({ ...draft, value: e.target.value })} data-testid="report-value" />
          </Field>
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
            <Stat label={l.t("report.airtime")} value={round1(r.totals.airtimeMinutes)} sub={l.t("report.ownRelay", { own: fmt(l.lang, round1(r.totals.ownMinutes)), relay: fmt(l.lang, round1(r.totals.relayMinutes)) })} />
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
                      <td>{i.airtimeMinutes.toLocaleString(l.lang === "vi" ? "vi-VN" : "en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
          {r.campaigns.length ? (
            <section className="panel">
              <h3>{l.t("nav.campaigns")}</h3>
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
                      <td className={c.compliancePct < 100 ? "bad strong" : "ok strong"}>{fmt(l.lang, c.compliancePct)}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
        </>
      ) : null}
      <OtherChannels canEdit={can.generateReports} />
      <Archive reports={archive.data} error={archive.error} canGenerate={can.generateReports} onQueued={archive.reload} />
    </div>
  );
}

/** Decimal comma in Vietnamese, point in English. */
const fmt = (lang: string, n: number) => n.toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 1 });

function Stat({ label, value, sub, bad }: { label: string; value: number; sub?: string; bad?: boolean }) {
  const l = useLocale();
  return (
    <div className={`stat ${bad && value ? "bad" : ""}`}>
      <span className="stat-value">{fmt(l.lang, value)}</span>
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
        <form className="row gap align-end" onSubmit={generate}>
          <Field label={l.t("report.month")} hint={l.t("period.monthHint")}>
            <input value={month} onChange={(e) => setMonth(e.target.value)} pattern="\d{4}-\d{2}" required className="narrow" data-testid="report-month" />
          </Field>
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
                        <a key={f} className="btn small" href={`/api/reports/archive/${a.id}/${f}`} download aria-label={l.t("report.fileLink", { period: periodText(a.periodKey), format: f.toUpperCase() })}>
                          {f.toUpperCase()}
                        </a>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
