// The broadcast log book (sổ nhật ký chương trình phát thanh) that inspections check, grouped
// by SESSION (buổi): date, session time, program, zones aired n/m, the person on duty, each
// item that aired (time, title, source document, topic, level, length, zones), the
// exceptions per zone, session length and the day's total; missed and cancelled sessions are
// listed too. Built from the settled facts (plays.ts), one day at a time (memory bounded),
// streamed into a PDF (pdfkit writes finished pages) or an XLSX (exceljs commits rows).
import fs from "node:fs";
import ExcelJS from "exceljs";
import type { Db } from "../db/client.ts";
import { sessionKind } from "../domain/plays.ts";
import { reasonVi } from "../domain/reasons.ts";
import { settlePlays } from "../settle-plays.ts";
import { dateRange, formatDateVi, isoWeekdayOfDate, localTimeOf } from "../domain/time.ts";
import { DELETED_ITEM, LEVEL_LABELS, OUTCOME_VI, PDF_TEXT, STATUS_VI, UNCATEGORISED } from "./labels.ts";
import { adminHeader, BOLD, BODY, closingBlock, contentWidth, createPdf, ITALIC, PdfTable, pipePdf, stampAt, vi } from "./pdfdoc.ts";
import { excelDate, excelLocalDateTime } from "./xlsx.ts";
import type { Column } from "./tables.ts";
import type { DateRange } from "./queries.ts";
import type { DocSettings } from "./settings.ts";

export interface LogbookItem {
  start: Date;
  title: string;
  sourceRef: string;
  topic: string;
  level: string;
  jingle: boolean;
  durationMs: number;
  zonesAired: number;
}

export interface LogbookSession {
  key: string;
  date: string;
  start: Date;
  programName: string;
  emergency: boolean;
  zones: number;
  zonesAired: number;
  dutyName: string;
  /** Longest zone airing's audio. */
  lengthMs: number;
  /** Vietnamese: "Đã phát", "Bỏ lỡ", "Đã hủy", … for the session as a whole. */
  statusVi: string;
  items: LogbookItem[];
  exceptions: string[];
}

export interface LogbookDay {
  date: string;
  sessions: LogbookSession[];
  totalMs: number;
}

export interface LogbookOptions {
  zoneId?: number;
}

export type LogbookRange = DateRange & { labelVi?: string };

const WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];
export const weekdayVi = (date: string) => WEEKDAYS_VI[isoWeekdayOfDate(date) - 1]!;

/** "mm:ss" or "h:mm:ss". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const p2 = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${p2(m)}:${p2(sec)}` : `${p2(m)}:${p2(sec)}`;
}

/** Yields each day of [from, to] with its sessions in time order. */
export async function* logbookDays(db: Db, range: DateRange, opts: LogbookOptions = {}): AsyncGenerator<LogbookDay> {
  await settlePlays(db);
  const tz = (await db.commune.findUnique({ where: { id: 1 } }))?.timeZone ?? "Asia/Ho_Chi_Minh";
  const categories = new Map((await db.category.findMany()).map((c) => [c.id, c.nameVi]));
  for (const date of dateRange(range.from, range.to)) {
    const airings = await db.airing.findMany({
      where: { localDate: date, settled: true, status: { not: "superseded" }, ...(opts.zoneId ? { zoneId: opts.zoneId } : {}) },
      orderBy: [{ scheduledStart: "asc" }, { zoneId: "asc" }],
      include: {
        zone: { select: { name: true } }, program: { select: { name: true } }, emergency: { select: { item: { select: { title: true } } } },
        asRuns: { where: { settled: true }, orderBy: [{ actualStart: "asc" }, { id: "asc" }], include: { item: { select: { title: true, sourceRef: true } } } },
      },
    });
    const sessions = new Map<string, LogbookSession & { keyed: Map<string, LogbookItem>; outcomes: Map<string, number> }>();
    for (const a of airings) {
      let s = sessions.get(a.sessionKey);
      if (!s) {
        const emergency = sessionKind(a.sessionKey) === "emergency";
        s = {
          key: a.sessionKey, date, start: a.scheduledStart, emergency, zones: 0, zonesAired: 0, dutyName: "", lengthMs: 0, statusVi: "", items: [], exceptions: [],
          programName: emergency ? `Phát khẩn cấp: ${a.emergency?.item.title ?? DELETED_ITEM.vi}` : a.program?.name ?? "", keyed: new Map(), outcomes: new Map(),
        };
        sessions.set(a.sessionKey, s);
      }
      s.zones++;
      if (a.dutyName && !s.dutyName.split(", ").includes(a.dutyName)) s.dutyName = s.dutyName ? `${s.dutyName}, ${a.dutyName}` : a.dutyName;
      s.outcomes.set(a.outcome, (s.outcomes.get(a.outcome) ?? 0) + 1);
      if (a.audioMs > 0) { s.zonesAired++; s.lengthMs = Math.max(s.lengthMs, a.audioMs); }
      if (a.outcome !== "aired") {
        const why = reasonVi(a.reasonCode, a.reasonParams);
        s.exceptions.push(`${a.zone.name}: ${OUTCOME_VI[a.outcome] ?? STATUS_VI[a.status] ?? a.status}${why ? ` (${why})` : ""}`);
      }
      // Items: the k-th play of an item in one zone is the same line as the k-th in another.
      const seen = new Map<number | null, number>();
      for (const r of a.asRuns) {
        const title = r.item?.title ?? DELETED_ITEM.vi;
        if (!r.counted) {
          if (r.status !== "completed") s.exceptions.push(`${a.zone.name}: "${title}" ${(STATUS_VI[r.status] ?? r.status).toLocaleLowerCase("vi")}${r.noteCode ? ` (${reasonVi(r.noteCode, r.noteParams)})` : ""}`);
          continue;
        }
        const k = (seen.get(r.itemId) ?? 0) + 1;
        seen.set(r.itemId, k);
        const key = `${r.itemId}|${k}|${r.role}`;
        const it = s.keyed.get(key);
        if (it) {
          it.zonesAired++;
          if (r.actualStart < it.start) it.start = r.actualStart;
          it.durationMs = Math.max(it.durationMs, r.durationMs);
        } else {
          s.keyed.set(key, {
            start: r.actualStart, title, sourceRef: r.item?.sourceRef ?? "", jingle: r.role === "jingle",
            topic: r.role === "jingle" ? "Nhạc hiệu" : r.categoryId != null ? categories.get(r.categoryId) ?? UNCATEGORISED.nameVi : UNCATEGORISED.nameVi,
            level: LEVEL_LABELS[r.priority]?.labelVi ?? r.priority, durationMs: r.durationMs, zonesAired: 1,
          });
        }
      }
    }
    const out: LogbookSession[] = [];
    let totalMs = 0;
    for (const s of [...sessions.values()].sort((a, b) => a.start.getTime() - b.start.getTime())) {
      const { keyed, outcomes, ...rest } = s;
      const top = [...outcomes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
      rest.items = [...keyed.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
      rest.statusVi = s.zonesAired > 0 ? `Đã phát ${s.zonesAired}/${s.zones} cụm loa` : OUTCOME_VI[top] ?? "Không phát";
      totalMs += s.lengthMs;
      out.push(rest);
    }
    yield { date, sessions: out, totalMs };
  }
  void tz;
}

const c = (header: string, width: number, type: Column["type"] = "text"): Column => ({ header, headerEn: header, type, width });
const PDF_COLUMNS: Column[] = [c("STT", 4, "int"), c("Giờ phát", 7), c("Tin, bài", 31), c("Số, ký hiệu văn bản", 13), c("Chủ đề", 20), c("Mức độ", 12), c("Thời lượng", 8), c("Cụm loa", 7)];

export interface LogbookPdfOptions extends LogbookOptions {
  timeZone: string;
  commune: { name: string; unitName: string; place: string; timeZone: string };
  zoneLabel?: string;
  fontDir?: string;
  settings?: Partial<DocSettings>;
}

export interface LogbookCounts {
  sessions: number;
  sessionsAired: number;
  items: number; // news item lines (tin, bài) of aired sessions
}

function tally(counts: LogbookCounts, day: LogbookDay) {
  for (const s of day.sessions) {
    counts.sessions++;
    if (s.zonesAired > 0 && !s.emergency) counts.sessionsAired++;
    if (!s.emergency) counts.items += s.items.filter((i) => !i.jingle).length;
  }
}

/** Streams the log book as a landscape PDF into `output`. */
export async function writeLogbookPdf(db: Db, range: LogbookRange, output: string | NodeJS.WritableStream, opts: LogbookPdfOptions): Promise<LogbookCounts> {
  const tz = opts.timeZone;
  const doc = createPdf({ title: PDF_TEXT.logbookTitle, fontDir: opts.fontDir, layout: "landscape" });
  const sink = pipePdf(doc, output);
  let pageNo = 1;
  // Decree 30: page numbers top centre, from page 2.
  doc.on("pageAdded", () => { pageNo++; stampAt(doc, String(pageNo), 26); });
  const period = range.labelVi ?? `từ ngày ${formatDateVi(range.from)} đến ngày ${formatDateVi(range.to)}`;

  const left = doc.page.margins.left;
  adminHeader(doc, opts.commune, null, null, 0.8);
  doc.moveDown(0.2).font(BOLD).fontSize(14).text(vi(PDF_TEXT.logbookTitle), left, doc.y, { width: contentWidth(doc), align: "center" });
  doc.font(BOLD).fontSize(BODY).text(vi(period.charAt(0).toUpperCase() + period.slice(1) + (opts.zoneLabel ? ` — ${opts.zoneLabel}` : "")), { width: contentWidth(doc), align: "center" });
  doc.moveDown(0.8);

  const table = new PdfTable(doc, PDF_COLUMNS, tz, { fontSize: 10.5 });
  const counts: LogbookCounts = { sessions: 0, sessionsAired: 0, items: 0 };
  let weekMs = 0;
  const hm = (d: Date) => localTimeOf(d, tz);
  try {
    for await (const day of logbookDays(db, range, opts)) {
      if (!day.sessions.length) continue;
      tally(counts, day);
      weekMs += day.totalMs;
      table.banner(`${weekdayVi(day.date)}, ngày ${formatDateVi(day.date)}`, { fill: "#E4E4E4" });
      for (const s of day.sessions) {
        const duty = s.dutyName ? `người trực: ${s.dutyName}` : "người trực: ....................";
        table.banner(`Buổi ${hm(s.start)} — ${s.programName} — ${s.statusVi} — thời lượng ${formatDuration(s.lengthMs)} — ${duty}`, { fill: "#F5F5F5" });
        s.items.forEach((it, i) => table.row([i + 1, localTimeOf(it.start, tz, true), it.title, it.sourceRef, it.topic, it.jingle ? "" : it.level, formatDuration(it.durationMs), `${it.zonesAired}/${s.zones}`]));
        for (const e of s.exceptions) table.banner(`Ngoại lệ — ${e}`, { italic: true });
      }
      table.banner(`Tổng thời lượng phát trong ngày: ${formatDuration(day.totalMs)}`, { italic: true });
    }
    if (counts.sessions === 0) table.banner("Không có buổi phát nào trong kỳ.");
    const settings = opts.settings ?? {};
    closingBlock(doc,
      [`Tổng số: ${counts.sessionsAired.toLocaleString("vi-VN")} chương trình đã phát với ${counts.items.toLocaleString("vi-VN")} tin, bài; tổng thời lượng phát ${formatDuration(weekMs)}.`],
      [],
      [{ title: "NGƯỜI GHI SỔ", hint: PDF_TEXT.signHint, name: settings.preparerName || undefined }, { title: settings.signerTitle || "LÃNH ĐẠO ĐƠN VỊ", hint: PDF_TEXT.signHint, name: settings.signerName || undefined }]);
  } catch (err) {
    sink.abort(err as Error);
    throw err;
  }
  doc.end();
  await sink.closed;
  return counts;
}

/** Streams the log book as an XLSX file: one sheet; session rows, then their item and exception rows. */
export async function writeLogbookXlsx(db: Db, range: LogbookRange, file: string, opts: LogbookOptions & { timeZone: string }): Promise<LogbookCounts> {
  const tz = opts.timeZone;
  const out = fs.createWriteStream(file);
  const flushed = new Promise<void>((resolve, reject) => { out.on("finish", () => resolve()); out.on("error", reject); });
  flushed.catch(() => undefined); // awaited below
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const counts: LogbookCounts = { sessions: 0, sessionsAired: 0, items: 0 };
  try {
    const ws = wb.addWorksheet("Sổ nhật ký", { views: [{ state: "frozen", ySplit: 2, xSplit: 0 }] });
    const cols: [string, number, string?][] = [
      ["Ngày", 12, "dd/mm/yyyy"], ["Buổi phát", 10], ["Chương trình", 28], ["Cụm loa đã phát", 14], ["Người trực", 20], ["Thời lượng buổi", 12],
      ["STT", 6], ["Giờ phát", 19, "dd/mm/yyyy hh:mm:ss"], ["Tin, bài", 44], ["Số, ký hiệu văn bản", 16], ["Chủ đề", 26], ["Mức độ", 12], ["Thời lượng (giây)", 12, "#,##0"], ["Ngoại lệ, ghi chú", 48],
    ];
    ws.columns = cols.map(([, width, numFmt]) => ({ width, style: numFmt ? { numFmt } : {} }));
    const title = ws.addRow([`${PDF_TEXT.logbookTitle} ${range.labelVi ?? `${formatDateVi(range.from)} - ${formatDateVi(range.to)}`}`]);
    title.font = { bold: true, size: 12 };
    title.commit();
    const header = ws.addRow(cols.map(([h]) => h));
    header.font = { bold: true };
    header.commit();
    for await (const day of logbookDays(db, range, opts)) {
      if (!day.sessions.length) continue;
      tally(counts, day);
      for (const s of day.sessions) {
        const session = [excelDate(day.date), localTimeOf(s.start, tz), s.programName, `${s.zonesAired}/${s.zones}`, s.dutyName, formatDuration(s.lengthMs)];
        const head = ws.addRow([...session, null, null, null, null, null, null, null, s.statusVi]);
        head.font = { bold: true };
        head.commit();
        s.items.forEach((it, i) => ws.addRow([...session, i + 1, excelLocalDateTime(it.start, tz), it.title, it.sourceRef, it.topic, it.jingle ? "" : it.level, Math.round(it.durationMs / 1000), null]).commit());
        for (const e of s.exceptions) ws.addRow([...session, null, null, null, null, null, null, null, `Ngoại lệ — ${e}`]).commit();
      }
      ws.addRow([excelDate(day.date), null, "Tổng thời lượng phát trong ngày", null, null, formatDuration(day.totalMs)]).commit();
    }
    ws.commit();
    await wb.commit();
  } catch (err) {
    out.destroy(err as Error);
    throw err;
  }
  await flushed;
  return counts;
}

export { ITALIC };
