// Readers other than the writers, for exports: poppler's pdftotext / pdffonts / pdftoppm
// for PDFs (Debian poppler-utils) and SheetJS (@e965/xlsx) for XLSX files written by exceljs.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as XLSX from "@e965/xlsx";

function withTmp<T>(bytes: Uint8Array, fn: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-read-"));
  const file = path.join(dir, "doc.pdf");
  fs.writeFileSync(file, bytes);
  try {
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One string per page, as pdftotext lays it out (-layout), NFC. */
export function pdftotextPages(bytes: Uint8Array): string[] {
  const out = withTmp(bytes, (f) => execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", f, "-"], { encoding: "utf8", maxBuffer: 64 << 20 }));
  const pages = out.normalize("NFC").split("\f");
  if (pages.at(-1)?.trim() === "") pages.pop();
  return pages;
}

/** The whole text with whitespace collapsed, for matching sentences that wrap. */
export const flat = (pages: string[]): string => pages.join(" ").replace(/\s+/g, " ");

/** Font names embedded in the PDF (pdffonts). */
export function pdfFonts(bytes: Uint8Array): string {
  return withTmp(bytes, (f) => execFileSync("pdffonts", [f], { encoding: "utf8" }));
}

/** Renders page `page` (1-based) to a PNG at `out` (pdftoppm, 100 dpi). */
export function pdfPagePng(bytes: Uint8Array, out: string, page = 1): string {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const base = out.replace(/\.png$/, "");
  withTmp(bytes, (f) => execFileSync("pdftoppm", ["-png", "-r", "100", "-f", String(page), "-l", String(page), "-singlefile", f, base]));
  return `${base}.png`;
}

/** Every sheet as rows of cell values (dates as JS Dates), read by SheetJS. */
export function xlsxSheets(bytes: Uint8Array): Map<string, unknown[][]> {
  const wb = XLSX.read(bytes, { type: "buffer", cellDates: true });
  return new Map(wb.SheetNames.map((n) => [n, XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[n]!, { header: 1, raw: true, defval: null })]));
}

/** English words that must never appear in a Vietnamese official record. */
export const ENGLISH = /\b(emergency|cancelled|canceled|late|recovery|fallback|relay|worker|skipped|completed|interrupted|failed|missed|aired|summary|topic|zone|item|items|session|program|airtime|campaign|report|total|page|minutes?|operator|stopped|error|output|shutdown|make-good|by)\b/i;
