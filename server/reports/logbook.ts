// The broadcast log book (sổ nhật ký chương trình phát thanh) that inspections check:
// every as-run line of a week (or any range) in time order with date, session, zone,
// item, scheduled and actual times and status. Rows are streamed in keyset pages over
// the AsRun(actualStart) index — never a whole table in memory — straight into a
// streamed PDF (pdfkit writes each finished page) or a streamed XLSX (exceljs
// WorkbookWriter commits each row).
import fs from "node:fs";
import ExcelJS from "exceljs";
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/client.ts";
import { dayNumber, formatDateVi, isoWeekday, localTimeOf } from "./period.ts";
import { DELETED_ITEM, PDF_TEXT, SOURCE_VI, STATUS_VI } from "./labels.ts";
import { BOLD, REGULAR, contentWidth, createPdf, PdfTable, pipePdf, signatureBlock, stampFooter, unitLines, vi } from "./pdfdoc.ts";
import { excelDate, excelLocalDateTime } from "./xlsx.ts";
import type { Column } from "./tables.ts";
import type { DateRange } from "./queries.ts";

export interface LogbookRow {
  id: number;
  date: string; // local date of the as-run line
  sessionStart: Date | null; // the airing's scheduled start
  programName: string;
  zoneName: string;
  title: string;
  scheduledStart: Date;
  actualStart: Date;
  actualEnd: Date | null;
  durationMs: number;
  status: string;
  source: string;
  note: string;
}

export interface LogbookOptions {
  zoneId?: number;
  pageSize?: number;
}

export type LogbookRange = DateRange & { labelVi?: string };

type Raw = Omit<LogbookRow, "id" | "programName" | "title" | "durationMs"> & { id: number | bigint; k: string; programName: string | null; title: string | null; durationMs: number | bigint };

const DAY_MS = 86_400_000;

/**
 * Yields the as-run lines of [from, to] ordered by (actualStart, id). localDate decides
 * membership; the padded actualStart bounds (±2 days covers any UTC offset) only let the
 * actualStart index drive the scan, and the row-value keyset makes every page an index seek.
 * The cursor is the stored value as text (standard SQL CAST): SQLite compares it with the
 * stored text as is, whatever format wrote it; PostgreSQL casts it back to the timestamp
 * it came from (lossless), so one statement serves both.
 */
export async function* logbookRows(db: Db, range: DateRange, opts: LogbookOptions = {}): AsyncGenerator<LogbookRow> {
  const pageSize = opts.pageSize ?? 1000;
  const upper = new Date((dayNumber(range.to) + 3) * DAY_MS);
  let cursorK: string | Date = new Date((dayNumber(range.from) - 2) * DAY_MS);
  let cursorId = 0;
  const zone = opts.zoneId === undefined ? Prisma.empty : Prisma.sql`AND a."zoneId" = ${opts.zoneId}`;
  for (;;) {
    const page: Raw[] = await db.$queryRaw<Raw[]>(Prisma.sql`
      SELECT a."id" AS "id", a."localDate" AS "date", CAST(a."actualStart" AS TEXT) AS "k", ai."scheduledStart" AS "sessionStart",
             p."name" AS "programName", z."name" AS "zoneName", i."title" AS "title", a."scheduledStart" AS "scheduledStart",
             a."actualStart" AS "actualStart", a."actualEnd" AS "actualEnd", a."durationMs" AS "durationMs",
             a."status" AS "status", a."source" AS "source", a."note" AS "note"
      FROM "AsRun" a
      JOIN "Zone" z ON z."id" = a."zoneId"
      LEFT JOIN "Item" i ON i."id" = a."itemId"
      LEFT JOIN "Airing" ai ON ai."id" = a."airingId"
      LEFT JOIN "Program" p ON p."id" = ai."programId"
      WHERE a."localDate" >= ${range.from} AND a."localDate" <= ${range.to} ${zone}
        AND a."actualStart" < ${upper} AND (a."actualStart", a."id") > (${cursorK}, ${cursorId})
      ORDER BY a."actualStart", a."id"
      LIMIT ${pageSize}`);
    for (const r of page) {
      yield {
        id: Number(r.id), date: r.date, sessionStart: r.sessionStart, programName: r.programName ?? "", zoneName: r.zoneName,
        title: r.title ?? DELETED_ITEM.vi, scheduledStart: r.scheduledStart, actualStart: r.actualStart, actualEnd: r.actualEnd,
        durationMs: Number(r.durationMs), status: r.status, source: r.source, note: r.note,
      };
    }
    if (page.length < pageSize) return;
    const last: Raw = page[page.length - 1]!;
    cursorK = last.k;
    cursorId = Number(last.id);
  }
}

const WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];
export const weekdayVi = (date: string) => WEEKDAYS_VI[isoWeekday(date) - 1]!;

/** "mm:ss" or "h:mm:ss". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const p2 = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${p2(m)}:${p2(sec)}` : `${p2(m)}:${p2(sec)}`;
}

const c = (header: string, width: number, type: Column["type"] = "text"): Column => ({ header, headerEn: header, type, width });
const PDF_COLUMNS: Column[] = [
  c("STT", 5, "int"), c("Buổi phát", 18), c("Cụm loa", 14), c("Tin bài", 25), c("Giờ dự kiến", 8), c("Bắt đầu", 8),
  c("Kết thúc", 8), c("Thời lượng", 8), c("Trạng thái", 10), c("Ghi chú", 12),
];

function note(r: LogbookRow): string {
  return [r.source !== "schedule" ? SOURCE_VI[r.source] ?? r.source : "", r.note].filter(Boolean).join("; ");
}

export interface LogbookPdfOptions extends LogbookOptions {
  timeZone: string;
  commune: { name: string; unitName: string; place: string; timeZone: string };
  zoneLabel?: string;
  fontDir?: string;
}

/** Streams the log book as a landscape PDF into `output`; resolves with the number of lines once the file is closed. */
export async function writeLogbookPdf(db: Db, range: LogbookRange, output: string | NodeJS.WritableStream, opts: LogbookPdfOptions): Promise<{ rows: number }> {
  const tz = opts.timeZone;
  const doc = createPdf({ title: PDF_TEXT.logbookTitle, fontDir: opts.fontDir, layout: "landscape" });
  const sink = pipePdf(doc, output);
  let pageNo = 1;
  const period = range.labelVi ?? `từ ngày ${formatDateVi(range.from)} đến ngày ${formatDateVi(range.to)}`;
  const footer = () => stampFooter(doc, `Sổ nhật ký chương trình phát thanh ${period} — Trang ${pageNo}`);
  doc.on("pageAdded", () => { pageNo++; footer(); });
  footer();

  const left = doc.page.margins.left;
  unitLines(opts.commune).forEach((line, i, all) => doc.font(i === all.length - 1 ? BOLD : REGULAR).fontSize(10).text(vi(line), left, doc.y, { width: contentWidth(doc) * 0.45, align: "center" }));
  doc.moveDown(0.8).font(BOLD).fontSize(14).text(vi(PDF_TEXT.logbookTitle), left, doc.y, { width: contentWidth(doc), align: "center" });
  doc.font(BOLD).fontSize(11).text(vi(period.charAt(0).toUpperCase() + period.slice(1) + (opts.zoneLabel ? ` — ${opts.zoneLabel}` : "")), { width: contentWidth(doc), align: "center" });
  doc.moveDown(0.8);

  const table = new PdfTable(doc, PDF_COLUMNS, tz, { fontSize: 8 });
  let rows = 0;
  let day = "";
  const hm = (d: Date | null, s = false) => (d ? localTimeOf(d, tz, s) : "");
  try {
    for await (const r of logbookRows(db, range, opts)) {
      if (r.date !== day) {
        day = r.date;
        table.banner(`${weekdayVi(day)}, ngày ${formatDateVi(day)}`);
      }
      rows++;
      table.row([
        rows, `${hm(r.sessionStart)} ${r.programName}`.trim(), r.zoneName, r.title, hm(r.scheduledStart), hm(r.actualStart, true),
        hm(r.actualEnd, true), formatDuration(r.durationMs), STATUS_VI[r.status] ?? r.status, note(r),
      ]);
    }
    if (rows === 0) table.banner("Không có lượt phát nào trong kỳ. / Nothing aired in this period.");
    doc.moveDown(0.5).font(REGULAR).fontSize(10).text(vi(`Tổng số: ${rows.toLocaleString("vi-VN")} lượt phát.`), left, doc.y);
    signatureBlock(doc, { title: "NGƯỜI GHI SỔ", hint: PDF_TEXT.signHint }, { title: "LÃNH ĐẠO ĐƠN VỊ", hint: PDF_TEXT.signHint });
  } catch (err) {
    sink.abort(err as Error);
    throw err;
  }
  doc.end();
  await sink.closed;
  return { rows };
}

/** Streams the log book as an XLSX file (one sheet, one row per as-run line, committed as it goes). */
export async function writeLogbookXlsx(db: Db, range: LogbookRange, file: string, opts: LogbookOptions & { timeZone: string }): Promise<{ rows: number }> {
  const tz = opts.timeZone;
  const out = fs.createWriteStream(file);
  const flushed = new Promise<void>((resolve, reject) => { out.on("finish", () => resolve()); out.on("error", reject); });
  flushed.catch(() => undefined); // awaited below
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  let rows = 0;
  try {
    const ws = wb.addWorksheet("Nhật ký phát thanh", { views: [{ state: "frozen", ySplit: 2, xSplit: 0 }] });
    const cols: [string, number, string?][] = [
      ["Ngày", 12, "dd/mm/yyyy"], ["Buổi phát", 17, "dd/mm/yyyy hh:mm"], ["Chương trình", 24], ["Cụm loa", 22], ["Tin bài", 44],
      ["Giờ dự kiến", 17, "dd/mm/yyyy hh:mm:ss"], ["Bắt đầu", 17, "dd/mm/yyyy hh:mm:ss"], ["Kết thúc", 17, "dd/mm/yyyy hh:mm:ss"],
      ["Thời lượng (giây)", 12, "#,##0"], ["Trạng thái", 14], ["Nguồn", 14], ["Ghi chú", 24],
    ];
    ws.columns = cols.map(([, width, numFmt]) => ({ width, style: numFmt ? { numFmt } : {} }));
    const title = ws.addRow([`${PDF_TEXT.logbookTitle} ${range.labelVi ?? `${range.from} – ${range.to}`}`]);
    title.font = { bold: true, size: 12 };
    title.commit();
    const header = ws.addRow(cols.map(([h]) => h));
    header.font = { bold: true };
    header.commit();
    const local = (d: Date | null) => (d ? excelLocalDateTime(d, tz) : null);
    for await (const r of logbookRows(db, range, opts)) {
      rows++;
      ws.addRow([
        excelDate(r.date), local(r.sessionStart), r.programName, r.zoneName, r.title, local(r.scheduledStart), local(r.actualStart),
        local(r.actualEnd), Math.round(r.durationMs / 1000), STATUS_VI[r.status] ?? r.status, SOURCE_VI[r.source] ?? r.source, r.note,
      ]).commit();
    }
    ws.commit();
    await wb.commit();
  } catch (err) {
    out.destroy(err as Error);
    throw err;
  }
  await flushed;
  return { rows };
}
