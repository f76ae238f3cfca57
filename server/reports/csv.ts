// CSV exports (report, as-run log): ONE writer for every CSV the product emits.
// - UTF-8 with a BOM (EF BB BF) so Excel shows Vietnamese; CRLF line ends; RFC 4180 quoting
//   (fields with comma, quote, CR or LF are quoted, quotes doubled).
// - Vietnamese only: headers and labels; dates dd/mm/yyyy and instants dd/mm/yyyy HH:mm:ss in
//   the commune's time zone; decimal comma (such fields are quoted).
// - Formula injection: a field starting with = + - @ TAB or CR would run as a formula in a
//   spreadsheet; it is written with a leading apostrophe so it shows as the text it is.
import { formatCell, reportTables, type ReportTable } from "./tables.ts";
import type { BroadcastReport } from "./types.ts";

export const CSV_BOM = "\uFEFF";

/** A spreadsheet would evaluate this field as a formula. */
export const isFormulaLike = (value: string): boolean => /^[=+\-@\t\r]/.test(value);

export function csvField(value: string): string {
  const v = isFormulaLike(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLine(fields: string[]): string {
  return fields.map(csvField).join(",") + "\r\n";
}

/** A whole CSV document: BOM, optional preamble lines, then the rows. */
export function csvDocument(rows: string[][]): string {
  return CSV_BOM + rows.map(csvLine).join("");
}

export function tablesToCsv(tables: ReportTable[], timeZone: string, preamble: string[][] = []): string {
  let out = CSV_BOM;
  for (const line of preamble) out += csvLine(line);
  if (preamble.length) out += "\r\n";
  for (const t of tables) {
    out += csvLine([t.titleVi]);
    out += csvLine(t.columns.map((c) => c.header));
    for (const row of t.rows) out += csvLine(row.map((v, i) => formatCell(v, t.columns[i]!.type, timeZone, "csv")));
    out += "\r\n";
  }
  return out;
}

/** The report as one CSV document (a string starting with the BOM). */
export function reportToCsv(rep: BroadcastReport): string {
  const preamble = [
    ["Báo cáo kết quả công tác tuyên truyền trên hệ thống truyền thanh cơ sở", rep.period.labelVi],
    ["Từ ngày", formatCell(rep.period.from, "date", rep.commune.timeZone, "csv"), "Đến ngày", formatCell(rep.period.to, "date", rep.commune.timeZone, "csv")],
  ];
  return tablesToCsv(reportTables(rep), rep.commune.timeZone, preamble);
}

/** The CSV as bytes (UTF-8; the BOM is already the first character). */
export function reportToCsvBuffer(rep: BroadcastReport): Buffer {
  return Buffer.from(reportToCsv(rep), "utf8");
}

/** RFC 4180 parser (strips a leading BOM); returns records as arrays of fields. */
export function parseCsv(text: string): string[][] {
  const s = text.startsWith(CSV_BOM) ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") { record.push(field); field = ""; }
    else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && s[i + 1] === "\n") i++;
      record.push(field); records.push(record); record = []; field = "";
    } else field += ch;
  }
  if (quoted) throw new Error("parseCsv: unterminated quoted field");
  if (field !== "" || record.length) { record.push(field); records.push(record); }
  return records;
}
