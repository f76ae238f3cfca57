// pdfkit building blocks shared by the monthly report and the log book, laid out after
// Decree 30/2020/NĐ-CP: a Times-New-Roman-metric serif with Vietnamese glyphs (Liberation
// Serif, Debian fonts-liberation2), 13 pt justified body, quốc hiệu and tiêu ngữ, the
// issuer and "Số: …/BC-…", page numbers top centre from page 2, "Nơi nhận" and a signature
// block that never stands alone on a page.
import fs from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";
import { PDF_TEXT } from "./labels.ts";
import { localDateOf } from "../domain/time.ts";
import { formatCell, type Cell, type Column } from "./tables.ts";
import type { ReportCommune } from "./types.ts";

/** Debian's fonts-liberation2; PDF_FONT_DIR points elsewhere (another distribution). */
export const FONT_DIR = process.env.PDF_FONT_DIR ?? "/usr/share/fonts/truetype/liberation2";
const FONT_FILES = { regular: "LiberationSerif-Regular.ttf", bold: "LiberationSerif-Bold.ttf", italic: "LiberationSerif-Italic.ttf", boldItalic: "LiberationSerif-BoldItalic.ttf" };
export const REGULAR = "Serif";
export const BOLD = "Serif-Bold";
export const ITALIC = "Serif-Italic";
export const BOLD_ITALIC = "Serif-BoldItalic";
/** Decree 30: body text 13–14 pt. */
export const BODY = 13;

export type Pdf = InstanceType<typeof PDFDocument>;

export interface PdfOptions {
  title: string;
  fontDir?: string;
  layout?: "portrait" | "landscape";
  bufferPages?: boolean;
}

export class PdfFontMissing extends Error {}

export function createPdf(opts: PdfOptions): Pdf {
  const dir = opts.fontDir ?? FONT_DIR;
  const files = Object.fromEntries(Object.entries(FONT_FILES).map(([k, f]) => [k, path.join(dir, f)])) as typeof FONT_FILES;
  for (const f of Object.values(files)) {
    if (!fs.existsSync(f)) {
      throw new PdfFontMissing(`Thiếu phông chữ cho văn bản PDF: ${f}. Cài gói Debian fonts-liberation2 (apt-get install fonts-liberation2) hoặc đặt PDF_FONT_DIR. / PDF font missing: install the Debian package fonts-liberation2 or set PDF_FONT_DIR.`);
    }
  }
  // Margins after Decree 30/2020: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
  const doc = new PDFDocument({
    size: "A4", layout: opts.layout ?? "portrait", bufferPages: opts.bufferPages ?? false,
    margins: { top: 62, bottom: 57, left: 85, right: 50 },
    info: { Title: opts.title, Author: "Loa Xã", Creator: "Loa Xã" },
  });
  doc.registerFont(REGULAR, files.regular);
  doc.registerFont(BOLD, files.bold);
  doc.registerFont(ITALIC, files.italic);
  doc.registerFont(BOLD_ITALIC, files.boldItalic);
  doc.font(REGULAR).fontSize(BODY);
  return doc;
}

/** Vietnamese text is written in NFC: DejaVu has the precomposed letters (ế, ộ, ữ …). */
export const vi = (s: string): string => s.normalize("NFC");

export const contentWidth = (doc: Pdf): number => doc.page.width - doc.page.margins.left - doc.page.margins.right;
export const bottomLimit = (doc: Pdf): number => doc.page.height - doc.page.margins.bottom;

/** Starts a new page unless `height` points still fit. */
export function ensureSpace(doc: Pdf, height: number): void {
  if (doc.y + height > bottomLimit(doc)) doc.addPage();
}

/** Upper line: the governing committee; lower line: the issuing unit. */
export function unitLines(c: ReportCommune): string[] {
  if (c.unitName.includes("\n")) return c.unitName.split("\n").map((s) => s.trim().toLocaleUpperCase("vi")).filter(Boolean);
  const name = c.name.trim();
  const parent = !name ? "" : /^(ubnd|ủy ban|uỷ ban)/i.test(name) ? name : /^(xã|phường|thị trấn|đặc khu)\s/i.test(name) ? `UBND ${name}` : `UBND XÃ ${name}`;
  return [parent, c.unitName.trim()].filter(Boolean).map((s) => s.toLocaleUpperCase("vi"));
}

/** "Kiến Minh, ngày 01 tháng 11 năm 2026": day < 10 and months 1–2 take a leading zero (Decree 30/2020). */
export function placeDateLine(c: ReportCommune, at: Date): string {
  const d = localDateOf(at, c.timeZone);
  const [y, m, day] = [d.slice(0, 4), Number(d.slice(5, 7)), d.slice(8, 10)];
  const place = c.place.trim() || c.name.replace(/^(xã|phường|thị trấn|đặc khu)\s+/i, "").trim();
  return `${place ? `${place}, ` : ""}ngày ${day} tháng ${m <= 2 ? `0${m}` : m} năm ${y}`;
}

/** Largest font size ≤ `max` at which `text` fits on one line of `width`. */
export function fitSize(doc: Pdf, font: string, text: string, max: number, width: number): number {
  doc.font(font).fontSize(max);
  const w = doc.widthOfString(text);
  return w <= width ? max : Math.max(7, Math.floor((max * width) / w * 10) / 10);
}

/** "Số:      /BC-TTDVSNC": the number is left blank for the clerk (văn thư) to fill in. */
export const docNumberLine = (issuerCode: string, kind = "BC") => `Số:        /${kind}${issuerCode.trim() ? `-${issuerCode.trim()}` : ""}`;

/** Issuer top-left with the document number, quốc hiệu and tiêu ngữ top-right, place and date under them. */
export function adminHeader(doc: Pdf, c: ReportCommune, at: Date | null, docNumber: string | null = docNumberLine(""), widthShare = 1): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc) * widthShare;
  const leftW = width * 0.42;
  const rightX = left + contentWidth(doc) - width * 0.60;
  const rightW = width * 0.60;
  const top = doc.y;

  const lines = unitLines(c).map(vi);
  let y = top;
  lines.forEach((line, i) => {
    const font = i === lines.length - 1 ? BOLD : REGULAR;
    doc.font(font).fontSize(fitSize(doc, font, line, 12.5, leftW));
    doc.text(line, left, y, { width: leftW, align: "center" });
    y = doc.y;
  });
  rule(doc, left + leftW * 0.35, left + leftW * 0.65, y + 5);
  if (docNumber) doc.font(REGULAR).fontSize(BODY).text(vi(docNumber), left, y + 13, { width: leftW, align: "center" });
  const leftBottom = doc.y;

  const nation = vi(PDF_TEXT.nation);
  doc.font(BOLD).fontSize(fitSize(doc, BOLD, nation, 12.5, rightW)).text(nation, rightX, top, { width: rightW, align: "center" });
  doc.font(BOLD).fontSize(BODY).text(vi(PDF_TEXT.motto), rightX, doc.y, { width: rightW, align: "center" });
  const mottoW = doc.widthOfString(vi(PDF_TEXT.motto));
  rule(doc, rightX + (rightW - mottoW) / 2, rightX + (rightW + mottoW) / 2, doc.y + 2);
  if (at) doc.font(ITALIC).fontSize(BODY).text(vi(placeDateLine(c, at)), rightX, Math.max(doc.y + 10, leftBottom - 16), { width: rightW, align: "center" });

  doc.x = left;
  doc.y = Math.max(leftBottom, doc.y) + 18;
}

export function rule(doc: Pdf, x1: number, x2: number, y: number): void {
  doc.save().lineWidth(0.6).moveTo(x1, y).lineTo(x2, y).stroke().restore();
}

export function heading(doc: Pdf, text: string, size = BODY): void {
  ensureSpace(doc, 90); // keep a heading with what follows it
  doc.moveDown(0.3).font(BOLD).fontSize(size).text(vi(text), doc.page.margins.left, doc.y, { width: contentWidth(doc), align: "justify" });
  doc.moveDown(0.15).font(REGULAR).fontSize(BODY);
}

/** A body paragraph: 13 pt, justified, first line indented 1 cm (Decree 30). */
export function paragraph(doc: Pdf, text: string, opts: { italic?: boolean } = {}): void {
  ensureSpace(doc, 34);
  doc.font(opts.italic ? ITALIC : REGULAR).fontSize(BODY)
    .text(vi(text), doc.page.margins.left, doc.y, { width: contentWidth(doc), paragraphGap: 5, indent: 28, align: "justify", lineGap: 1 });
}

export const paragraphHeight = (doc: Pdf, text: string): number => {
  doc.font(REGULAR).fontSize(BODY);
  return doc.heightOfString(vi(text), { width: contentWidth(doc), indent: 28, lineGap: 1 }) + 5;
};

export interface TableStyle {
  fontSize?: number;
  padding?: number;
  /** Called after a page break inside the table, before the header row is redrawn. */
  onPageBreak?: () => void;
}

/**
 * Draws a table starting at doc.y; widths follow the columns' relative widths. Rows that do
 * not fit open a new page and repeat the header. Numbers are right-aligned.
 */
export class PdfTable {
  readonly #doc: Pdf;
  readonly #cols: Column[];
  readonly #widths: number[];
  readonly #tz: string;
  readonly #size: number;
  readonly #pad: number;
  readonly #style: TableStyle;

  constructor(doc: Pdf, columns: Column[], timeZone: string, style: TableStyle = {}) {
    this.#doc = doc;
    this.#cols = columns;
    this.#tz = timeZone;
    this.#size = style.fontSize ?? 11;
    this.#pad = style.padding ?? 3;
    this.#style = style;
    const total = columns.reduce((s, c) => s + c.width, 0);
    this.#widths = columns.map((c) => (c.width / total) * contentWidth(doc));
    this.header();
  }

  header(): void {
    this.#draw(this.#cols.map((c) => c.header), true);
  }

  /** A full-width row: bold on a grey fill (the log book's day and session lines), or italic without fill (notes). */
  banner(text: string, style: { fill?: string; italic?: boolean } = {}): void {
    const doc = this.#doc;
    const font = style.italic ? ITALIC : BOLD;
    doc.font(font).fontSize(this.#size);
    const h = doc.heightOfString(vi(text), { width: contentWidth(doc) - 2 * this.#pad }) + 2 * this.#pad;
    if (doc.y + (style.italic ? h : 2 * h) > bottomLimit(doc)) { // never strand a heading line at the foot of a page
      doc.addPage();
      this.#style.onPageBreak?.();
      this.header();
      doc.font(font).fontSize(this.#size);
    }
    const y = doc.y;
    const x = doc.page.margins.left;
    if (style.italic) doc.save().lineWidth(0.4).rect(x, y, contentWidth(doc), h).stroke("#7A7A7A").restore();
    else doc.save().rect(x, y, contentWidth(doc), h).fillAndStroke(style.fill ?? "#F2F2F2", "#7A7A7A").restore();
    doc.fillColor("black").text(vi(text), x + this.#pad, y + this.#pad, { width: contentWidth(doc) - 2 * this.#pad });
    doc.x = x;
    doc.y = y + h;
  }

  row(cells: Cell[]): void {
    this.#draw(cells.map((v, i) => formatCell(v, this.#cols[i]!.type, this.#tz, "vi")), false);
  }

  #draw(texts: string[], isHeader: boolean): void {
    const doc = this.#doc;
    doc.font(isHeader ? BOLD : REGULAR).fontSize(this.#size);
    const heights = texts.map((t, i) => doc.heightOfString(vi(t) || " ", { width: this.#widths[i]! - 2 * this.#pad }));
    const h = Math.max(...heights) + 2 * this.#pad;
    if (doc.y + h > bottomLimit(doc)) {
      doc.addPage();
      this.#style.onPageBreak?.();
      if (!isHeader) this.header();
      doc.font(isHeader ? BOLD : REGULAR).fontSize(this.#size);
    }
    const y = doc.y;
    let x = doc.page.margins.left;
    if (isHeader) doc.save().rect(x, y, contentWidth(doc), h).fill("#E4EAF2").restore();
    texts.forEach((t, i) => {
      const w = this.#widths[i]!;
      const numeric = !isHeader && ["int", "decimal", "number"].includes(this.#cols[i]!.type);
      doc.save().lineWidth(0.4).rect(x, y, w, h).stroke("#7A7A7A").restore();
      doc.fillColor("black").text(vi(t), x + this.#pad, y + this.#pad, { width: w - 2 * this.#pad, align: isHeader ? "center" : numeric ? "right" : "left" });
      x += w;
    });
    doc.x = doc.page.margins.left;
    doc.y = y + h;
  }
}

export interface Signer {
  title: string; // may hold "\n" (e.g. "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
  hint?: string;
  name?: string;
}

const SIGN_SPACE = 62; // room for the signature and the seal

/** Height of the closing block: "Nơi nhận" on the left, the signer on the right. */
function closingHeight(doc: Pdf, recipients: readonly string[], signers: readonly Signer[]): number {
  const half = contentWidth(doc) / 2;
  const recH = 16 + (recipients.length + 1) * 13;
  doc.font(BOLD).fontSize(BODY);
  const signH = Math.max(...signers.map((s) => doc.heightOfString(vi(s.title), { width: half }) + (s.hint ? 16 : 0) + SIGN_SPACE + 18));
  return Math.max(recH, signH) + 16;
}

/**
 * The end of an administrative document: the closing paragraph(s), then "Nơi nhận" (left)
 * beside the signer (right). Measured first, so that when the block does not fit, the
 * closing paragraphs move to the new page with it: the signature never stands alone.
 * With two signers (log book) they share the width and the recipients are left out.
 */
export function closingBlock(doc: Pdf, closing: readonly string[], recipients: readonly string[], signers: readonly Signer[]): void {
  const need = closing.reduce((h, t) => h + paragraphHeight(doc, t), 0) + closingHeight(doc, recipients, signers) + 8;
  if (doc.y + need > bottomLimit(doc)) doc.addPage();
  for (const t of closing) paragraph(doc, t);
  doc.moveDown(0.6);
  const x0 = doc.page.margins.left;
  const w = contentWidth(doc);
  const y = doc.y;
  const colW = signers.length > 1 ? w / signers.length : w * 0.5;
  let bottom = y;
  if (signers.length === 1 && recipients.length >= 0) {
    doc.font(BOLD_ITALIC).fontSize(12).text(vi(PDF_TEXT.recipients), x0, y, { width: w * 0.48 });
    doc.font(REGULAR).fontSize(11);
    for (const r of [...recipients, PDF_TEXT.archive]) doc.text(vi(`- ${r}${r === PDF_TEXT.archive ? "." : ";"}`), x0, doc.y, { width: w * 0.48 });
    bottom = doc.y;
  }
  signers.forEach((s, i) => {
    const x = signers.length > 1 ? x0 + i * colW : x0 + w * 0.5;
    doc.font(BOLD).fontSize(BODY).text(vi(s.title), x, y, { width: colW, align: "center" });
    if (s.hint) doc.font(ITALIC).fontSize(12).text(vi(s.hint), x, doc.y, { width: colW, align: "center" });
    const nameY = doc.y + SIGN_SPACE;
    if (s.name) doc.font(BOLD).fontSize(BODY).text(vi(s.name), x, nameY, { width: colW, align: "center" });
    bottom = Math.max(bottom, s.name ? doc.y : nameY);
  });
  doc.x = x0;
  doc.y = bottom + 10;
}

/** Page numbers at the top centre from page 2 (Decree 30), once every page exists (bufferPages). */
export function pageNumbersTop(doc: Pdf): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start + 1; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    stampAt(doc, String(i + 1), 28);
  }
}

/** Writes a centred line at `y` on the current page without moving the cursor or opening a page. */
export function stampAt(doc: Pdf, text: string, y: number, size = 13): void {
  const { x, y: cy } = doc;
  const [top, bottom] = [doc.page.margins.top, doc.page.margins.bottom];
  doc.page.margins.bottom = 0; // text inside the margin must not trigger an automatic page break
  doc.page.margins.top = 0;
  doc.font(REGULAR).fontSize(size).fillColor("black")
    .text(vi(text), doc.page.margins.left, y, { width: contentWidth(doc), align: "center", lineBreak: false });
  doc.page.margins.bottom = bottom;
  doc.page.margins.top = top;
  doc.x = x;
  doc.y = cy;
}

/** Ends the document and collects its bytes. */
export function pdfToBuffer(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.end();
  });
}

/**
 * Streams the document into a file (or any writable) as pages are finished. `closed`
 * settles when the output is flushed; `abort` tears the output down if rendering fails
 * half-way (the caller then deletes the partial file).
 */
export function pipePdf(doc: Pdf, output: string | NodeJS.WritableStream): { closed: Promise<void>; abort(err: Error): void } {
  const out: NodeJS.WritableStream = typeof output === "string" ? fs.createWriteStream(output) : output;
  const closed = new Promise<void>((resolve, reject) => {
    out.on("finish", () => resolve());
    out.on("error", reject);
    doc.on("error", reject);
  });
  closed.catch(() => undefined); // observed by the caller's await; avoids an unhandled rejection meanwhile
  doc.pipe(out);
  return {
    closed,
    abort: (err) => {
      doc.unpipe(out as never);
      (out as NodeJS.WritableStream & { destroy?: (e?: Error) => void }).destroy?.(err);
    },
  };
}
