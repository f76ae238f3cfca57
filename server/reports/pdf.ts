// The monthly report as a Vietnamese administrative document (Decree 30/2020/NĐ-CP): issuer
// and "Số: …/BC-…", quốc hiệu and tiêu ngữ, place and date, title and trích yếu, the results
// in sentences with the counts (the commune's basis: programs = sessions, news items once per
// session), tables, a bar chart of news items per topic, the other channels "do đơn vị nhập",
// the closing paragraph with "Nơi nhận" and the signer, page numbers top centre from page 2.
import { formatNumberVi, PDF_TEXT } from "./labels.ts";
import {
  adminHeader, BOLD, closingBlock, contentWidth, createPdf, docNumberLine, ensureSpace, heading, ITALIC, paragraph, PdfTable, pageNumbersTop, pdfToBuffer, REGULAR, rule, vi, BODY, type Pdf,
} from "./pdfdoc.ts";
import { reportTables, type ReportTable } from "./tables.ts";
import type { BroadcastReport } from "./types.ts";
import type { DocSettings } from "./settings.ts";

export interface PdfReportOptions extends Partial<DocSettings> {
  fontDir?: string;
  /** Items listed in the PDF (the XLSX/CSV carry them all). */
  topItems?: number;
  /** Problem sessions listed in the PDF. */
  maxProblems?: number;
}

export const BAR_COLOR = "#2F6DB5";
const n0 = (n: number) => formatNumberVi(n);
const n1 = (n: number) => formatNumberVi(n, 1);

/** The results of section I, one sentence per paragraph. */
export function summarySentences(rep: BroadcastReport): string[] {
  const t = rep.totals;
  const zonesOnAir = rep.byZone.filter((z) => z.sessionsAired > 0).length;
  const out = [
    `Trong ${rep.period.labelVi}, hệ thống truyền thanh cơ sở đã phát ${n0(t.programs)} chương trình phát thanh ` +
      `(${n0(t.daysAired)} ngày có phát thanh) với ${n0(t.newsItems)} tin, bài (${n0(t.itemsDistinct)} tin, bài khác nhau); ` +
      `tổng thời lượng phát ${n1(t.airtimeMinutes)} phút (nội dung tự sản xuất ${n1(t.ownMinutes)} phút, tiếp sóng ${n1(t.relayMinutes)} phút), ` +
      `tại ${n0(zonesOnAir)} cụm loa với tổng số ${n0(t.plays)} lượt phát tin, bài.`,
  ];
  const topics = rep.byCategory.filter((c) => c.newsItems > 0).sort((a, b) => b.newsItems - a.newsItems);
  if (topics.length) out.push(`Theo chủ đề: ${topics.map((c) => `${c.nameVi} ${n0(c.newsItems)} tin, bài`).join("; ")}.`);
  const lvl = (l: string) => rep.byLevel.find((r) => r.level === l)?.newsItems ?? 0;
  out.push(`Theo mức độ tin: ưu tiên ${n0(lvl("priority"))} tin, bài; khẩn cấp ${n0(lvl("emergency"))} tin, bài` +
    (t.emergencyBroadcasts ? `, trong đó phát khẩn cấp ${n0(t.emergencyBroadcasts)} lần với ${n0(t.emergencyItems)} tin` : "") +
    `; phát bù ${n0(t.makeGoodPlays)} lượt.`);
  out.push(rep.campaigns.length
    ? `Thực hiện ${n0(rep.campaigns.length)} chiến dịch tuyên truyền trọng điểm: ` + rep.campaigns.map((c) => c.target > 0
      ? `"${c.name}" đạt ${n1(c.compliancePct)}% chỉ tiêu (phát ${n0(c.plays)} lượt, chỉ tiêu ${n0(c.target)} lượt` +
        `${c.zonesBelowTarget ? `, ${n0(c.zonesBelowTarget)} cụm loa chưa đạt` : ""}; ${n0(c.inserted)} lượt chèn thêm, ${n0(c.makeGoods)} lượt phát bù)`
      : `"${c.name}" phát ${n0(c.plays)} lượt, không tính chỉ tiêu vì trong kỳ không có buổi phát phù hợp`).join("; ") + "."
    : "Trong kỳ không có chiến dịch tuyên truyền trọng điểm.");
  const o = t.zoneSessions;
  const faults = o.fault + o.missed;
  out.push((faults > 0
    ? `Sự cố: ${n0(o.fault)} buổi phát có sự cố kỹ thuật, ${n0(o.missed)} buổi bị bỏ lỡ tại cụm loa` + (t.sessionsMissed ? ` (${n0(t.sessionsMissed)} chương trình không phát được ở cụm loa nào)` : "") + "."
    : "Trong kỳ không có buổi phát gặp sự cố hoặc bị bỏ lỡ.") +
    (o.stopped + o.preempted > 0 ? ` Ngoài ra ${n0(o.stopped)} buổi dừng theo lệnh người vận hành và ${n0(o.preempted)} buổi nhường sóng phát khẩn cấp (không phải sự cố).` : ""));
  return out;
}

/** The directive documents of the period, as one paragraph of section I. */
export function directiveSentence(rep: BroadcastReport): string {
  const d = rep.directives;
  if (!d.received) return "Trong kỳ không tiếp nhận văn bản chỉ đạo nào.";
  const med = d.medianHoursToFirstAir;
  return `Tuyên truyền văn bản chỉ đạo: trong kỳ tiếp nhận ${n0(d.received)} văn bản` + (d.info ? ` (${n0(d.info)} văn bản để biết, không yêu cầu phát)` : "") +
    `; đã tuyên truyền đúng hạn ${n0(d.onTime)} văn bản, trễ hạn ${n0(d.late)} văn bản, chưa tuyên truyền ${n0(d.notYet)} văn bản` +
    (d.overdue ? ` (trong đó ${n0(d.overdue)} văn bản đã quá hạn)` : "") +
    (med !== null ? `; thời gian trung vị từ khi nhận đến lần phát đầu tiên là ${n1(med)} giờ` : "") + ".";
}

/** Section III: the other channels entered by the unit. */
export function otherChannelSentences(rep: BroadcastReport): string[] {
  const o = rep.otherChannels;
  if (!o.months.length) return ["Số liệu các kênh khác được nhập theo tháng; kỳ báo cáo này không trọn tháng nên không tổng hợp."];
  if (!o.entered) return ["Đơn vị chưa nhập số liệu các kênh khác cho kỳ báo cáo này."];
  const note = (s: string) => (s ? ` (${s})` : "");
  return [
    `Ban hành ${n0(o.directiveDocs)} văn bản chỉ đạo, hướng dẫn công tác tuyên truyền${note(o.notes.directive)}.`,
    `Đăng ${n0(o.fanpagePosts)} bài trên trang mạng xã hội (fanpage) của đơn vị${note(o.notes.fanpage)}.`,
    `Gửi Đài Phát thanh - Truyền hình thành phố ${n0(o.radioItemsSent)} tin, bài phát thanh${note(o.notes.radio)} và ${n0(o.tvItemsSent)} tin, bài truyền hình${note(o.notes.tv)}.`,
    `Đăng ${n0(o.portalArticles)} tin, bài trên Cổng thông tin điện tử${note(o.notes.portal)}.`,
  ];
}

/** A table restricted to some columns and rows, for the narrower PDF page. */
function pick(table: ReportTable, cols: number[], maxRows = Infinity): ReportTable {
  return { ...table, columns: cols.map((i) => table.columns[i]!), rows: table.rows.slice(0, maxRows).map((r) => cols.map((i) => r[i] ?? null)) };
}

function drawTable(doc: Pdf, table: ReportTable, tz: string): void {
  ensureSpace(doc, 70);
  const t = new PdfTable(doc, table.columns, tz);
  for (const row of table.rows) t.row(row);
  doc.moveDown(0.6);
}

/** Horizontal bars, one per topic, drawn with rect/line primitives. */
export function barChart(doc: Pdf, title: string, bars: { label: string; value: number }[]): void {
  const rowH = 17;
  ensureSpace(doc, Math.min(bars.length, 12) * rowH + 50);
  doc.font(BOLD).fontSize(12).text(vi(title), doc.page.margins.left, doc.y, { width: contentWidth(doc), align: "center" });
  doc.moveDown(0.3);
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const labelW = width * 0.38;
  const barX = left + labelW + 6;
  const barMax = width - labelW - 50;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const step = niceStep(max / 4);
  const scale = barMax / (Math.ceil(max / step) * step);
  let y = doc.y;
  const top = y;
  for (const b of bars) {
    if (y + rowH > doc.page.height - doc.page.margins.bottom) { doc.addPage(); y = doc.y; }
    doc.font(REGULAR).fontSize(10).fillColor("black")
      .text(vi(b.label), left, y + 3, { width: labelW, align: "right", height: rowH, ellipsis: true, lineBreak: false });
    const w = b.value * scale;
    if (w > 0) doc.save().rect(barX, y + 3, w, rowH - 6).fill(BAR_COLOR).restore();
    doc.fillColor("black").text(n0(b.value), barX + w + 4, y + 3, { lineBreak: false });
    y += rowH;
  }
  const axisTop = y - rowH * Math.min(bars.length, Math.floor((y - top) / rowH));
  doc.save().lineWidth(0.6).moveTo(barX, axisTop).lineTo(barX, y).lineTo(barX + barMax, y).stroke("#444").restore();
  for (let v = 0; v * scale <= barMax + 0.1; v += step) {
    const x = barX + v * scale;
    doc.save().lineWidth(0.4).moveTo(x, y).lineTo(x, y + 3).stroke("#444").restore();
    doc.font(REGULAR).fontSize(8).fillColor("#444").text(n0(v), x - 20, y + 4, { width: 40, align: "center", lineBreak: false });
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

export const DEFAULT_RECIPIENTS = ["Thường trực Đảng ủy xã (qua Ban Xây dựng Đảng)", "Ủy ban nhân dân xã"];

export function buildReportPdf(rep: BroadcastReport, opts: PdfReportOptions = {}): Pdf {
  const doc = createPdf({ title: `Báo cáo ${rep.period.labelVi}`, fontDir: opts.fontDir, bufferPages: true });
  adminHeader(doc, rep.commune, rep.generatedAt, docNumberLine(opts.issuerCode ?? ""));
  doc.font(BOLD).fontSize(14).text(vi(PDF_TEXT.title), { align: "center" });
  doc.font(BOLD).fontSize(14).text(vi(PDF_TEXT.subtitle(rep.period.labelVi)), { align: "center" });
  const mid = doc.page.margins.left + contentWidth(doc) / 2;
  rule(doc, mid - 50, mid + 50, doc.y + 4);
  doc.moveDown(1.2);

  const tz = rep.commune.timeZone;
  const tables = Object.fromEntries(reportTables(rep).map((t) => [t.key, t]));
  heading(doc, "I. KẾT QUẢ THỰC HIỆN");
  [...summarySentences(rep), directiveSentence(rep)].forEach((s, i) => paragraph(doc, `${i + 1}. ${s}`));

  heading(doc, "II. SỐ LIỆU CHI TIẾT");
  heading(doc, "1. Số tin, bài theo chủ đề");
  drawTable(doc, tables["by-category"]!, tz);
  barChart(doc, PDF_TEXT.chartTitle, rep.byCategory.map((c) => ({ label: c.nameVi, value: c.newsItems })));
  heading(doc, "2. Theo mức độ tin (Thông tư 39/2020/TT-BTTTT)");
  drawTable(doc, tables["by-level"]!, tz);
  heading(doc, "3. Theo cụm loa");
  drawTable(doc, pick(tables["by-zone"]!, [1, 3, 4, 5, 6, 7, 8]), tz);
  const topN = opts.topItems ?? 20;
  heading(doc, `4. Tin, bài phát nhiều nhất (${Math.min(topN, rep.byItem.length)}/${rep.byItem.length} tin, bài; danh sách đầy đủ trong tệp XLSX)`);
  drawTable(doc, pick(tables["by-item"]!, [0, 1, 2, 4, 6, 7], topN), tz);
  heading(doc, "5. Chiến dịch tuyên truyền trọng điểm");
  if (rep.campaigns.length) drawTable(doc, pick(tables["campaigns"]!, [0, 5, 6, 7, 9, 10]), tz);
  else paragraph(doc, "Không có chiến dịch trong kỳ.");
  heading(doc, "6. Phát khẩn cấp và sự cố");
  if (rep.emergencies.length) drawTable(doc, tables["emergencies"]!, tz);
  const maxProblems = opts.maxProblems ?? 30;
  if (rep.problems.list.length) drawTable(doc, pick(tables["problems"]!, [1, 2, 4, 5], maxProblems), tz);
  const total = rep.totals.zoneSessions.fault + rep.totals.zoneSessions.missed;
  const shown = Math.min(maxProblems, rep.problems.list.length);
  if (total > shown) paragraph(doc, `(Liệt kê ${n0(shown)}/${n0(total)} buổi có sự cố.)`, { italic: true });
  if (!rep.emergencies.length && total === 0) paragraph(doc, "Không có phát khẩn cấp hoặc sự cố trong kỳ.");
  heading(doc, "7. Tuyên truyền văn bản chỉ đạo");
  if (rep.directives.rows.length) drawTable(doc, pick(tables["directives"]!, [1, 2, 4, 7, 10, 11, 12]), tz);
  else paragraph(doc, "Không có văn bản chỉ đạo tiếp nhận trong kỳ.");

  heading(doc, "III. SỐ LIỆU CÁC KÊNH KHÁC (do đơn vị nhập)");
  otherChannelSentences(rep).forEach((s, i) => paragraph(doc, rep.otherChannels.entered ? `${i + 1}. ${s}` : s));

  const unitName = rep.commune.unitName.split("\n").at(-1)?.trim();
  closingBlock(doc,
    [`Trên đây là báo cáo kết quả công tác tuyên truyền trên hệ thống truyền thanh cơ sở ${rep.period.labelVi}${unitName ? ` của ${unitName}` : ""}./.`],
    opts.recipients?.length ? opts.recipients : DEFAULT_RECIPIENTS,
    [{ title: opts.signerTitle || PDF_TEXT.director, name: opts.signerName || undefined }]);
  pageNumbersTop(doc);
  return doc;
}

export function reportToPdf(rep: BroadcastReport, opts: PdfReportOptions = {}): Promise<Buffer> {
  return pdfToBuffer(buildReportPdf(rep, opts));
}

export { BODY, ITALIC };
