// Stored reports: files under DATA_DIR/reports/<periodKey>/ written to a temp path and
// renamed into place, then one Report row per (kind, periodKey) upserted — so a rerun
// replaces the files and the row instead of adding new ones, and a crash never leaves a
// half-written file under the final name.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { Clock } from "../clock.ts";
import { addDays, isoWeekKey, localDateOf } from "../domain/time.ts";
import { resolvePeriod } from "./period.ts";
import { writeLogbookPdf, writeLogbookXlsx } from "./logbook.ts";
import { loadDocSettings } from "./settings.ts";

export type ReportFiles = Partial<Record<"csv" | "xlsx" | "pdf", string>>;

export interface StoredReport {
  reportId: number;
  kind: string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  /** Paths relative to DATA_DIR, with forward slashes. */
  files: ReportFiles;
}

/** Runs `write(tmpPath)`, then renames the temp file to `finalPath`; the temp file never survives a failure. */
export async function writeAtomically(finalPath: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
  fs.mkdirSync(path.dirname(finalPath), { recursive: true });
  const tmp = path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  try {
    await write(tmp);
    fs.renameSync(tmp, finalPath);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export const relativeToDataDir = (dataDir: string, file: string) => path.relative(dataDir, file).split(path.sep).join("/");

export async function upsertReport(db: Db, row: Omit<StoredReport, "reportId">): Promise<StoredReport> {
  const data = { periodStart: row.periodStart, periodEnd: row.periodEnd, files: JSON.stringify(row.files) };
  const saved = await db.report.upsert({
    where: { kind_periodKey: { kind: row.kind, periodKey: row.periodKey } },
    create: { kind: row.kind, periodKey: row.periodKey, ...data },
    update: data,
  });
  return { ...row, reportId: saved.id };
}

export async function communeTimeZone(db: Db): Promise<string> {
  return (await db.commune.findUnique({ where: { id: 1 }, select: { timeZone: true } }))?.timeZone ?? "Asia/Ho_Chi_Minh";
}

/**
 * The printable log book of one ISO week ("2026-W41"; default: the week before the
 * clock's), as PDF and XLSX under DATA_DIR/reports/logbook/<week>/, recorded as a Report
 * row of kind "logbook". Idempotent like the monthly report.
 */
export async function generateWeeklyLogbook(deps: { db: Db; dataDir: string; clock: Clock; week?: string; zoneId?: number }): Promise<StoredReport & { rows: number /* sessions listed */ }> {
  const { db, dataDir } = deps;
  const tz = await communeTimeZone(db);
  const week = deps.week ?? isoWeekKey(addDays(localDateOf(deps.clock.now(), tz), -7));
  const period = resolvePeriod({ kind: "week", value: week }, tz);
  const commune = (await db.commune.findUnique({ where: { id: 1 } })) ?? { name: "", unitName: "", place: "", timeZone: tz };
  const dir = path.join(dataDir, "reports", "logbook", week);
  const pdf = path.join(dir, `so-nhat-ky-${week}.pdf`);
  const xlsx = path.join(dir, `so-nhat-ky-${week}.xlsx`);
  let rows = 0;
  const range = { from: period.from, to: period.to, labelVi: period.labelVi };
  const settings = await loadDocSettings(db);
  await writeAtomically(pdf, async (tmp) => { rows = (await writeLogbookPdf(db, range, tmp, { timeZone: tz, commune, zoneId: deps.zoneId, settings })).sessions; });
  await writeAtomically(xlsx, async (tmp) => { await writeLogbookXlsx(db, range, tmp, { timeZone: tz, zoneId: deps.zoneId }); });
  const stored = await upsertReport(db, {
    kind: "logbook", periodKey: week, periodStart: period.from, periodEnd: period.to,
    files: { pdf: relativeToDataDir(dataDir, pdf), xlsx: relativeToDataDir(dataDir, xlsx) },
  });
  return { ...stored, rows };
}
