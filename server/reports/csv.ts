// CSV export: ONE file, one section per breakdown, so a leader downloads a single file.
// Layout: a two-line preamble (period), an empty line, then per section a one-field
// title line ("Theo chủ đề / By topic"), the header row, the data rows and an empty line.
// Encoding: UTF-8 with a BOM (EF BB BF) so Excel shows Vietnamese; CRLF line ends and
// RFC 4180 quoting (fields with comma, quote, CR or LF are quoted, quotes doubled).
// Dates are ISO YYYY-MM-DD, instants "YYYY-MM-DD HH:MM" in the commune zone, numbers plain
// (dot decimal) so any tool parses them back.
import { formatCell, reportTables, type ReportTable } from "./tables.ts";
import type { BroadcastReport } from "./types.ts";

export const CSV_BOM = "\uFEFF";

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: string[]): string {
  return fields.map(csvField).join(",") + "\r\n";
}

export function tablesToCsv(tables: ReportTable[], timeZone: string, preamble: string[][] = []): string {
  let out = CSV_BOM;
  for (const line of preamble) out += csvLine(line);
  if (preamble.length) out += "\r\n";
  for (const t of tables) {
    out += csvLine([`${t.titleVi} / ${t.titleEn}`]);
    out += csvLine(t.columns.map((c) => c.header));
    for (const row of t.rows) out += csvLine(row.map((v, i) => formatCell(v, t.columns[i]!.type, timeZone, "iso")));
    out += "\r\n";
  }
  return out;
}

/** The report as one CSV document (a string starting with the BOM). */
export function reportToCsv(rep: BroadcastReport): string {
  const preamble = [
    ["Báo cáo kết quả phát thanh / Broadcast report", rep.period.labelVi],
    ["Từ ngày / From", rep.period.from, "Đến ngày / To", rep.period.to],
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
