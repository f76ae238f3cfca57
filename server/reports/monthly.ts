// The monthly report job: last month's report (in the commune's time zone) as CSV, XLSX
// and PDF under DATA_DIR/reports/YYYY-MM/, recorded as one Report row (kind "monthly").
// Running it again for the same month rewrites the same three files and updates the same
// row. The scheduler queues it with node-cron (REPORT_CRON, default the 1st at 07:00).
import path from "node:path";
import fs from "node:fs";
import type { Db } from "../db/client.ts";
import type { Clock } from "../clock.ts";
import { invalid } from "../errors.ts";
import { computeReport } from "./compute.ts";
import { reportToCsvBuffer } from "./csv.ts";
import { reportToXlsx } from "./xlsx.ts";
import { reportToPdf, type PdfReportOptions } from "./pdf.ts";
import { communeTimeZone, relativeToDataDir, upsertReport, writeAtomically, type StoredReport } from "./archive.ts";
import { previousMonthKey, resolvePeriod } from "./period.ts";
import { loadDocSettings } from "./settings.ts";

export interface MonthlyReportDeps {
  db: Db;
  dataDir: string;
  clock: Clock;
  /** "YYYY-MM"; default: the month before the clock's month in the commune time zone. */
  month?: string;
  pdf?: PdfReportOptions;
}

export interface MonthlyReportResult extends StoredReport {
  /** Headline counts, small enough for a job's return value. */
  totals: { programs: number; newsItems: number; plays: number; airtimeMinutes: number };
}

export const monthlyFileName = (month: string, ext: "csv" | "xlsx" | "pdf") => `bao-cao-thang-${month}.${ext}`;

export async function generateMonthlyReport(deps: MonthlyReportDeps): Promise<MonthlyReportResult> {
  const { db, dataDir, clock } = deps;
  const tz = await communeTimeZone(db);
  const now = clock.now();
  const month = deps.month ?? previousMonthKey(now, tz);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw invalid("INVALID_MONTH", `Tháng không hợp lệ: "${month}" (định dạng YYYY-MM).`, `Invalid month "${month}" (expected YYYY-MM).`);
  }
  const period = resolvePeriod({ kind: "month", value: month }, tz);
  const report = await computeReport(db, period, { now });

  const dir = path.join(dataDir, "reports", month);
  fs.mkdirSync(dir, { recursive: true });
  const file = (ext: "csv" | "xlsx" | "pdf") => path.join(dir, monthlyFileName(month, ext));
  // Render everything before touching the final names, so a rendering error leaves the previous files intact.
  const [csv, xlsx, pdf] = [reportToCsvBuffer(report), await reportToXlsx(report), await reportToPdf(report, { ...(await loadDocSettings(db)), ...deps.pdf })];
  for (const [ext, bytes] of [["csv", csv], ["xlsx", xlsx], ["pdf", pdf]] as const) {
    await writeAtomically(file(ext), async (tmp) => fs.promises.writeFile(tmp, bytes));
  }
  const stored = await upsertReport(db, {
    kind: "monthly", periodKey: month, periodStart: period.from, periodEnd: period.to,
    files: { csv: relativeToDataDir(dataDir, file("csv")), xlsx: relativeToDataDir(dataDir, file("xlsx")), pdf: relativeToDataDir(dataDir, file("pdf")) },
  });
  const t = report.totals;
  return { ...stored, totals: { programs: t.programs, newsItems: t.newsItems, plays: t.plays, airtimeMinutes: t.airtimeMinutes } };
}

/** node-cron expression for "day D of every month at HH:MM" (run it with the commune time zone). */
export function monthlyCronExpression(opts: { day?: number; time?: string } = {}): string {
  const day = opts.day ?? 1;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(opts.time ?? "07:00");
  if (!m || !Number.isInteger(day) || day < 1 || day > 28) {
    throw invalid("INVALID_REPORT_SCHEDULE", "Lịch tạo báo cáo không hợp lệ (ngày 1–28, giờ HH:MM).", "Invalid report schedule (day 1–28, time HH:MM).");
  }
  return `${Number(m[2])} ${Number(m[1])} ${day} * *`;
}
