// The PDF report, laid out as a Vietnamese administrative report: issuing unit and
// national motto, place and date, title, summary sentences with the counts, tables, a bar
// chart of airings per topic (pdfkit vector primitives) and the signature block.
import { formatNumberVi, PDF_TEXT } from "./labels.ts";
import {
  adminHeader, BOLD, contentWidth, createPdf, ensureSpace, heading, paragraph, PdfTable, pdfToBuffer, REGULAR, rule, signatureBlock, stampFooter, vi, type Pdf,
} from "./pdfdoc.ts";
import { reportTables, type ReportTable } from "./tables.ts";
import type { BroadcastReport } from "./types.ts";

export interface PdfReportOptions {
  fontDir?: string;
  preparerName?: string;
  directorName?: string;
  /** e.g. "GIÁM ĐỐC" (default) or "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC". */
  directorTitle?: string;
  /** Items listed in the PDF (the XLSX/CSV carry them all). */
  topItems?: number;
  /** Problem sessions listed in the PDF. */
  maxProblems?: number;
}

export const BAR_COLOR = "#2F6DB5";
const n0 = (n: number) => formatNumberVi(n);
const n1 = (n: number) => formatNumberVi(n, 1);

/** The summary sentences of section I, one per paragraph. */
export function summarySentences(rep: BroadcastReport): string[] {
  const t = rep.totals;
  const zonesOnAir = rep.byZone.filter((z) => z.sessionsAired > 0).length;
  const out = [
    `Trong ${rep.period.labelVi}, hệ thống truyền thanh cơ sở đã phát ${n0(t.sessionsAired)} buổi tại ${n0(zonesOnAir)} cụm loa ` +
      `(${n0(t.sessionSlots)} khung giờ phát), gồm ${n0(t.programDays)} chương trình phát thanh với ${n0(t.itemsDistinct)} tin bài, ` +
      `tổng số ${n0(t.itemAirings)} lượt phát tin bài; tổng thời lượng phát ${n1(t.airtimeMinutes)} phút ` +
      `(nội dung tự sản xuất ${n1(t.ownMinutes)} phút, tiếp sóng ${n1(t.relayMinutes)} phút).`,
  ];
  const topics = rep.byCategory.filter((c) => c.airings > 0).sort((a, b) => b.airings - a.airings);
  if (topics.length) out.push(`Theo chủ đề: ${topics.map((c) => `${c.nameVi} ${n0(c.airings)} lượt`).join("; ")}.`);
  const prio = (p: string) => rep.byPriority.find((r) => r.priority === p)?.airings ?? 0;
  out.push(`Tin ưu tiên: ${n0(prio("priority"))} lượt phát; tin khẩn cấp: ${n0(t.emergencyItemAirings)} lượt phát trong ` +
    `${n0(t.emergencySessions)} buổi phát khẩn cấp; phát bù: ${n0(t.makeGoodAirings)} lượt.`);
  out.push(rep.campaigns.length
    ? `Thực hiện ${n0(rep.campaigns.length)} chiến dịch tuyên truyền: ` + rep.campaigns.map((c) =>
      `"${c.name}" đạt ${n1(c.compliancePct)}% chỉ tiêu (${n0(c.aired)}/${n0(c.target)} lượt, ${n0(c.makeGoods)} lượt phát bù)`).join("; ") + "."
    : "Trong kỳ không có chiến dịch tuyên truyền.");
  const p = rep.problems;
  out.push(p.failed + p.interrupted + p.missed > 0
    ? `Sự cố: ${n0(p.failed)} buổi phát lỗi, ${n0(p.interrupted)} buổi bị gián đoạn, ${n0(p.missed)} buổi bị bỏ lỡ.`
    : "Trong kỳ không có buổi phát bị lỗi, gián đoạn hoặc bỏ lỡ.");
  return out;
}

/** A table restricted to some columns and rows, for the narrower PDF page. */
function pick(table: ReportTable, cols: number[], maxRows = Infinity): ReportTable {
  return {
    ...table,
    columns: cols.map((i) => table.columns[i]!),
    rows: table.rows.slice(0, maxRows).map((r) => cols.map((i) => r[i] ?? null)),
  };
}

function drawTable(doc: Pdf, table: ReportTable, tz: string): void {
  ensureSpace(doc, 60);
  const t = new PdfTable(doc, table.columns, tz);
  for (const row of table.rows) t.row(row);
  doc.moveDown(0.6);
}

/** Horizontal bars, one per topic, drawn with rect/line primitives. */
export function barChart(doc: Pdf, title: string, bars: { label: string; value: number }[]): void {
  const rowH = 16;
  ensureSpace(doc, Math.min(bars.length, 12) * rowH + 50);
  doc.font(BOLD).fontSize(10).text(vi(title), doc.page.margins.left, doc.y, { width: contentWidth(doc), align: "center" });
  doc.moveDown(0.3);
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const labelW = width * 0.36;
  const barX = left + labelW + 6;
  const barMax = width - labelW - 50;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const step = niceStep(max / 4);
  const scale = barMax / (Math.ceil(max / step) * step);
  let y = doc.y;
  const top = y;
  for (const b of bars) {
    if (y + rowH > doc.page.height - doc.page.margins.bottom) { doc.addPage(); y = doc.y; }
    doc.font(REGULAR).fontSize(8.5).fillColor("black")
      .text(vi(b.label), left, y + 3, { width: labelW, align: "right", height: rowH, ellipsis: true, lineBreak: false });
    const w = b.value * scale;
    if (w > 0) doc.save().rect(barX, y + 3, w, rowH - 6).fill(BAR_COLOR).restore();
    doc.fillColor("black").text(n0(b.value), barX + w + 4, y + 3, { lineBreak: false });
    y += rowH;
  }
  // Axis and ticks (on the last page of the chart).
  const axisTop = y - rowH * Math.min(bars.length, Math.floor((y - top) / rowH));
  doc.save().lineWidth(0.6).moveTo(barX, axisTop).lineTo(barX, y).lineTo(barX + barMax, y).stroke("#444").restore();
  for (let v = 0; v * scale <= barMax + 0.1; v += step) {
    const x = barX + v * scale;
    doc.save().lineWidth(0.4).moveTo(x, y).lineTo(x, y + 3).stroke("#444").restore();
    doc.font(REGULAR).fontSize(7).fillColor("#444").text(n0(v), x - 20, y + 4, { width: 40, align: "center", lineBreak: false });
  }
  doc.fillColor("black");
  doc.x = left;
  doc.y = y + 18;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/** Page numbers, written once every page exists (needs bufferPages). */
function pageNumbers(doc: Pdf): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    stampFooter(doc, `Trang ${i + 1}/${range.count}`);
  }
}

export function buildReportPdf(rep: BroadcastReport, opts: PdfReportOptions = {}): Pdf {
  const doc = createPdf({ title: `Báo cáo ${rep.period.labelVi}`, fontDir: opts.fontDir, bufferPages: true });
  adminHeader(doc, rep.commune, rep.generatedAt);
  doc.font(BOLD).fontSize(14).text(vi(PDF_TEXT.title), { align: "center" });
  doc.font(BOLD).fontSize(12).text(vi(PDF_TEXT.subtitle(rep.period.labelVi)), { align: "center" });
  const mid = doc.page.margins.left + contentWidth(doc) / 2;
  rule(doc, mid - 50, mid + 50, doc.y + 4);
  doc.moveDown(1.2);

  heading(doc, "I. KẾT QUẢ THỰC HIỆN");
  summarySentences(rep).forEach((s, i) => paragraph(doc, `${i + 1}. ${s}`));

  const tables = Object.fromEntries(reportTables(rep).map((t) => [t.key, t]));
  const tz = rep.commune.timeZone;
  heading(doc, "II. SỐ LIỆU CHI TIẾT");
  heading(doc, "1. Số lượt phát theo chủ đề", 11);
  drawTable(doc, tables["by-category"]!, tz);
  barChart(doc, PDF_TEXT.chartTitle, rep.byCategory.map((c) => ({ label: c.nameVi, value: c.airings })));
  heading(doc, "2. Theo mức độ tin (Thông tư 39/2020/TT-BTTTT)", 11);
  drawTable(doc, tables["by-priority"]!, tz);
  heading(doc, "3. Theo cụm loa", 11);
  drawTable(doc, pick(tables["by-zone"]!, [1, 3, 4, 5, 6, 7, 8]), tz);
  const topN = opts.topItems ?? 20;
  heading(doc, `4. Tin bài phát nhiều nhất (${Math.min(topN, rep.byItem.length)}/${rep.byItem.length} tin bài; danh sách đầy đủ trong tệp XLSX)`, 11);
  drawTable(doc, pick(tables["by-item"]!, [0, 1, 3, 4, 5, 6], topN), tz);
  heading(doc, "5. Chiến dịch tuyên truyền", 11);
  if (rep.campaigns.length) drawTable(doc, pick(tables["campaigns"]!, [0, 6, 7, 8, 9, 10, 12]), tz);
  else paragraph(doc, "Không có chiến dịch trong kỳ.");
  heading(doc, "6. Phát khẩn cấp và sự cố", 11);
  if (rep.emergencies.length) drawTable(doc, tables["emergencies"]!, tz);
  const maxProblems = opts.maxProblems ?? 30;
  if (rep.problems.list.length) drawTable(doc, pick(tables["problems"]!, [1, 2, 3, 4, 5], maxProblems), tz);
  const shown = Math.min(maxProblems, rep.problems.list.length);
  const total = rep.problems.failed + rep.problems.interrupted + rep.problems.missed;
  if (total > shown) paragraph(doc, `(Liệt kê ${n0(shown)}/${n0(total)} buổi có sự cố.)`);
  if (!rep.emergencies.length && total === 0) paragraph(doc, "Không có phát khẩn cấp hoặc sự cố trong kỳ.");

  signatureBlock(doc,
    { title: PDF_TEXT.preparer, hint: PDF_TEXT.signHint, name: opts.preparerName },
    { title: opts.directorTitle ?? PDF_TEXT.director, hint: PDF_TEXT.signHintSeal, name: opts.directorName });
  pageNumbers(doc);
  return doc;
}

export function reportToPdf(rep: BroadcastReport, opts: PdfReportOptions = {}): Promise<Buffer> {
  return pdfToBuffer(buildReportPdf(rep, opts));
}
