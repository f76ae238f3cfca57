// Reports from the as-run log for any period (JSON or CSV/XLSX/PDF), the weekly log book,
// and the archive of generated monthly reports.
import fs from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { AppError, notFound } from "../errors.ts";
import { resolvePeriod, type PeriodSpec } from "../reports/period.ts";
import { isoWeekKey } from "../domain/time.ts";
import { reportToCsvBuffer } from "../reports/csv.ts";
import { reportToXlsx } from "../reports/xlsx.ts";
import { reportToPdf } from "../reports/pdf.ts";
import { writeLogbookPdf, writeLogbookXlsx } from "../reports/logbook.ts";
import { loadDocSettings } from "../reports/settings.ts";
import type { logbookQuery, reportQuery } from "../contract/reports.ts";
import { commune, communeTimeZone } from "./commune.ts";
import type { Deps } from "./deps.ts";

export const REPORT_TYPES = { csv: "text/csv; charset=utf-8", xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", pdf: "application/pdf" } as const;

/** A document to download: its bytes, media type and file name. */
export interface ReportFile {
  bytes: Uint8Array<ArrayBuffer>;
  contentType: string;
  name: string;
}

const todayIn = (tz: string, now: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(now);

function defaultValue(kind: "day" | "week" | "month" | "quarter" | "year", today: string): string {
  const [y, m] = today.split("-").map(Number) as [number, number];
  if (kind === "day") return today;
  if (kind === "week") return isoWeekKey(today);
  if (kind === "month") return today.slice(0, 7);
  if (kind === "quarter") return `${y}-Q${Math.ceil(m / 3)}`;
  return String(y);
}

/** The report of a period (the current one by default), as data or as a file in `format`. */
export async function periodReport(deps: Pick<Deps, "db" | "clock" | "reports">, q: z.output<typeof reportQuery>) {
  const { db, clock } = deps;
  const tz = await communeTimeZone(deps);
  let spec: PeriodSpec;
  if (q.period === "custom") {
    if (!q.from || !q.to) throw new AppError(422, "PERIOD_RANGE_REQUIRED", "Cần chọn từ ngày và đến ngày.", "A custom period needs from and to dates.");
    spec = { kind: "custom", from: q.from, to: q.to };
  } else {
    spec = { kind: q.period, value: q.value ?? defaultValue(q.period, todayIn(tz, clock.now())) };
  }
  let period;
  try {
    period = resolvePeriod(spec, tz);
  } catch (err) {
    throw new AppError(422, "BAD_PERIOD", "Kỳ báo cáo không hợp lệ.", `Invalid report period: ${(err as Error).message}`);
  }
  if (period.days > 3700) throw new AppError(422, "PERIOD_TOO_LONG", "Kỳ báo cáo quá dài (tối đa 10 năm).", "The report period is too long (10 years at most).");
  const report = await deps.reports.report({ from: period.from, to: period.to, key: period.key, labelVi: period.labelVi, labelEn: period.labelEn }, { now: clock.now() });
  if (q.format === "json") return { report, file: null };
  const bytes = q.format === "csv" ? reportToCsvBuffer(report) : q.format === "xlsx" ? await reportToXlsx(report) : await reportToPdf(report, await loadDocSettings(db));
  const file: ReportFile = { bytes: new Uint8Array(bytes), contentType: REPORT_TYPES[q.format], name: `bao-cao-${period.key}.${q.format}` };
  return { report, file };
}

/** The weekly broadcast log book (sổ nhật ký chương trình phát thanh) that inspections check. */
export async function logbook(deps: Pick<Deps, "db" | "clock" | "storage">, q: z.output<typeof logbookQuery>): Promise<ReportFile> {
  const { db, clock } = deps;
  const c = await commune(deps);
  const tz = c.timeZone;
  let period;
  try {
    period = q.month ? resolvePeriod({ kind: "month", value: q.month }, tz) : resolvePeriod({ kind: "week", value: q.week ?? isoWeekKey(todayIn(tz, clock.now())) }, tz);
  } catch (err) {
    throw new AppError(422, "BAD_PERIOD", "Tuần không hợp lệ.", `Invalid week: ${(err as Error).message}`);
  }
  const zone = q.zoneId ? await db.zone.findUnique({ where: { id: q.zoneId } }) : null;
  if (q.zoneId && !zone) throw notFound("zone");
  const tmp = deps.storage.tmpPath(`.${q.format}`);
  try {
    const range = { from: period.from, to: period.to, labelVi: period.labelVi };
    if (q.format === "pdf") await writeLogbookPdf(db, range, tmp, { timeZone: tz, commune: c, zoneId: q.zoneId, zoneLabel: zone?.name, settings: await loadDocSettings(db) });
    else await writeLogbookXlsx(db, range, tmp, { timeZone: tz, zoneId: q.zoneId });
    return { bytes: new Uint8Array(fs.readFileSync(tmp)), contentType: REPORT_TYPES[q.format], name: `so-nhat-ky-${period.key}.${q.format}` };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export const archivedReports = ({ db }: Pick<Deps, "db">) => db.report.findMany({ orderBy: [{ periodKey: "desc" }, { kind: "asc" }] });

/** A file of an archived report, only from inside the data folder. */
export async function archivedReportFile({ db, config }: Pick<Deps, "db" | "config">, id: number, format: "csv" | "xlsx" | "pdf") {
  const r = await db.report.findUnique({ where: { id } });
  const files = r ? (JSON.parse(r.files) as Record<string, string>) : {};
  const rel = files[format];
  if (!r || !rel) throw notFound("report");
  const file = path.resolve(config.dataDir, rel);
  if (!file.startsWith(path.resolve(config.dataDir) + path.sep) || !fs.existsSync(file)) throw notFound("report");
  return { file, contentType: REPORT_TYPES[format], name: `bao-cao-${r.periodKey}.${format}` };
}

/** Queues the generation of a month's archived report. */
export async function queueMonthlyReport({ queues }: Pick<Deps, "queues">, month: string) {
  // Fresh: a finished job with this id would swallow the new request.
  await queues.addFresh({ name: "report", data: { month } });
}
