// pdfkit building blocks shared by the monthly report and the log book: the embedded
// DejaVu fonts (assets/fonts, nothing from the OS), the Vietnamese administrative header
// (Decree 30/2020/NĐ-CP layout), paginated tables and output helpers.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import PDFDocument from "pdfkit";
import { PDF_TEXT } from "./labels.ts";
import { localDateOf } from "./period.ts";
import { formatCell, type Cell, type Column } from "./tables.ts";
import type { ReportCommune } from "./types.ts";

export const FONT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../assets/fonts");
export const REGULAR = "DejaVu";
export const BOLD = "DejaVu-Bold";

export type Pdf = InstanceType<typeof PDFDocument>;

export interface PdfOptions {
  title: string;
  fontDir?: string;
  layout?: "portrait" | "landscape";
  bufferPages?: boolean;
}

export function createPdf(opts: PdfOptions): Pdf {
  const dir = opts.fontDir ?? FONT_DIR;
  const regular = path.join(dir, "DejaVuSans.ttf");
  const bold = path.join(dir, "DejaVuSans-Bold.ttf");
  for (const f of [regular, bold]) {
    if (!fs.existsSync(f)) throw new Error(`PDF font missing: ${f} (thiếu phông chữ cho báo cáo PDF)`);
  }
  // Margins after Decree 30/2020: left 30 mm, right 15–20 mm, top/bottom 20 mm.
  const doc = new PDFDocument({
    size: "A4", layout: opts.layout ?? "portrait", bufferPages: opts.bufferPages ?? false,
    margins: { top: 57, bottom: 57, left: 85, right: 50 },
    info: { Title: opts.title, Author: "Loa Xã", Creator: "Loa Xã" },
  });
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  doc.font(REGULAR).fontSize(11);
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

/** Unit name top-left, national motto top-right, place and date under the motto. */
export function adminHeader(doc: Pdf, c: ReportCommune, at: Date, docNumber = "Số:       /BC"): void {
  const left = doc.page.margins.left;
  const width = contentWidth(doc);
  const leftW = width * 0.44;
  const rightX = left + width * 0.44;
  const rightW = width * 0.56;
  const top = doc.y;

  const lines = unitLines(c).map(vi);
  let y = top;
  lines.forEach((line, i) => {
    const font = i === lines.length - 1 ? BOLD : REGULAR;
    doc.font(font).fontSize(fitSize(doc, font, line, 10.5, leftW));
    doc.text(line, left, y, { width: leftW, align: "center" });
    y = doc.y;
  });
  rule(doc, left + leftW * 0.3, left + leftW * 0.7, y + 4);
  doc.font(REGULAR).fontSize(10.5).text(vi(docNumber), left, y + 12, { width: leftW, align: "center" });
  const leftBottom = doc.y;

  const nation = vi(PDF_TEXT.nation);
  doc.font(BOLD).fontSize(fitSize(doc, BOLD, nation, 10.5, rightW)).text(nation, rightX, top, { width: rightW, align: "center" });
  doc.font(BOLD).fontSize(11).text(vi(PDF_TEXT.motto), rightX, doc.y, { width: rightW, align: "center" });
  const mottoW = doc.widthOfString(vi(PDF_TEXT.motto));
  rule(doc, rightX + (rightW - mottoW) / 2, rightX + (rightW + mottoW) / 2, doc.y + 3);
  doc.font(REGULAR).fontSize(10.5).text(vi(placeDateLine(c, at)), rightX, doc.y + 12, { width: rightW, align: "center" });

  doc.x = left;
  doc.y = Math.max(leftBottom, doc.y) + 18;
}

export function rule(doc: Pdf, x1: number, x2: number, y: number): void {
  doc.save().lineWidth(0.6).moveTo(x1, y).lineTo(x2, y).stroke().restore();
}

export function heading(doc: Pdf, text: string, size = 11.5): void {
  ensureSpace(doc, 80); // keep a heading with the first rows that follow it
  doc.moveDown(0.4).font(BOLD).fontSize(size).text(vi(text), doc.page.margins.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.2).font(REGULAR).fontSize(11);
}

export function paragraph(doc: Pdf, text: string): void {
  ensureSpace(doc, 30);
  doc.font(REGULAR).fontSize(11).text(vi(text), doc.page.margins.left, doc.y, { width: contentWidth(doc), paragraphGap: 4, indent: 20 });
}

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
    this.#size = style.fontSize ?? 8.5;
    this.#pad = style.padding ?? 3;
    this.#style = style;
    const total = columns.reduce((s, c) => s + c.width, 0);
    this.#widths = columns.map((c) => (c.width / total) * contentWidth(doc));
    this.header();
  }

  header(): void {
    this.#draw(this.#cols.map((c) => c.header), true);
  }

  /** A full-width bold row, e.g. the day separator in the log book. */
  banner(text: string): void {
    const doc = this.#doc;
    doc.font(BOLD).fontSize(this.#size);
    const h = doc.heightOfString(vi(text), { width: contentWidth(doc) - 2 * this.#pad }) + 2 * this.#pad;
    if (doc.y + 2 * h > bottomLimit(doc)) { // never strand a banner at the foot of a page
      doc.addPage();
      this.#style.onPageBreak?.();
      this.header();
      doc.font(BOLD).fontSize(this.#size);
    }
    const y = doc.y;
    const x = doc.page.margins.left;
    doc.save().rect(x, y, contentWidth(doc), h).fillAndStroke("#F2F2F2", "#7A7A7A").restore();
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
  hint: string;
  name?: string;
}

/** Two signers side by side, with room for the signatures. */
export function signatureBlock(doc: Pdf, left: Signer, right: Signer): void {
  ensureSpace(doc, 130);
  doc.moveDown(1);
  const x0 = doc.page.margins.left;
  const half = contentWidth(doc) / 2;
  const y = doc.y;
  const column = (x: number, s: Signer) => {
    doc.font(BOLD).fontSize(11).text(vi(s.title), x, y, { width: half, align: "center" });
    doc.font(REGULAR).fontSize(9.5).text(vi(s.hint), x, doc.y, { width: half, align: "center" });
    if (s.name) doc.font(BOLD).fontSize(11).text(vi(s.name), x, doc.y + 60, { width: half, align: "center" });
    return doc.y;
  };
  const a = column(x0, left);
  const b = column(x0 + half, right);
  doc.x = x0;
  doc.y = Math.max(a, b) + 10;
}

/** Writes a centred footer line on the current page without moving the cursor or opening a page. */
export function stampFooter(doc: Pdf, text: string): void {
  const { x, y } = doc;
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0; // text inside the margin must not trigger an automatic page break
  doc.font(REGULAR).fontSize(8).fillColor("#555")
    .text(vi(text), doc.page.margins.left, doc.page.height - 35, { width: contentWidth(doc), align: "center", lineBreak: false });
  doc.page.margins.bottom = bottom;
  doc.fillColor("black");
  doc.x = x;
  doc.y = y;
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
