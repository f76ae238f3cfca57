// XLSX export with exceljs: one sheet per breakdown. Row 1 holds the sheet title, row 2
// the Vietnamese headers; both are frozen. Counts and minutes are number cells, local
// dates are date cells (Excel has no time zone: a local date D is written as D 00:00 UTC
// so Excel shows D), instants are shown as the commune's wall-clock time.
import ExcelJS from "exceljs";
import { localDateOf, localTimeOf } from "../domain/time.ts";
import { reportTables, type CellType, type Cell, type ReportTable } from "./tables.ts";
import type { BroadcastReport } from "./types.ts";

export const NUM_FMT: Record<CellType, string | undefined> = {
  text: undefined,
  int: "#,##0",
  decimal: "#,##0.0",
  number: undefined, // Excel's default "General": 7 and 30.3 both show as they are
  date: "dd/mm/yyyy",
  datetime: "dd/mm/yyyy hh:mm",
};

/** A local date "YYYY-MM-DD" as the Date exceljs writes so that Excel shows that date. */
export function excelDate(localDate: string): Date {
  return new Date(`${localDate}T00:00:00.000Z`);
}

/** An instant as the Date exceljs writes so that Excel shows the commune's wall-clock time. */
export function excelLocalDateTime(instant: Date, timeZone: string): Date {
  return new Date(`${localDateOf(instant, timeZone)}T${localTimeOf(instant, timeZone, true)}.000Z`);
}

export function excelCell(v: Cell, type: CellType, timeZone: string): ExcelJS.CellValue {
  if (v === null) return null;
  if (type === "date" && typeof v === "string") return excelDate(v);
  if (type === "datetime" && v instanceof Date) return excelLocalDateTime(v, timeZone);
  if (typeof v === "string") return v.replace(/\r\n?/g, "\n"); // Excel's in-cell line break is LF (XML would fold CRLF anyway)
  return v;
}

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules). */
export function sheetName(title: string): string {
  return title.replace(/[[\]:*?/\\]/g, "-").slice(0, 31);
}

export function addTableSheet(wb: ExcelJS.Workbook, table: ReportTable, heading: string, timeZone: string): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheetName(table.titleVi), { views: [{ state: "frozen", ySplit: 2, xSplit: 0 }] });
  ws.columns = table.columns.map((c) => ({ width: c.width, style: NUM_FMT[c.type] ? { numFmt: NUM_FMT[c.type] } : {} }));
  const title = ws.getRow(1);
  title.getCell(1).value = `${heading} — ${table.titleVi}`;
  title.font = { bold: true, size: 12 };
  const header = ws.getRow(2);
  table.columns.forEach((c, i) => { header.getCell(i + 1).value = c.header; });
  header.font = { bold: true };
  header.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDE6F0" } };
    cell.border = { bottom: { style: "thin" } };
  });
  for (const row of table.rows) ws.addRow(row.map((v, i) => excelCell(v, table.columns[i]!.type, timeZone)));
  return ws;
}

export function reportWorkbook(rep: BroadcastReport): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Loa Xã";
  wb.created = rep.generatedAt;
  const heading = `Báo cáo kết quả phát thanh ${rep.period.labelVi}`;
  for (const t of reportTables(rep)) addTableSheet(wb, t, heading, rep.commune.timeZone);
  return wb;
}

export async function reportToXlsx(rep: BroadcastReport): Promise<Buffer> {
  return Buffer.from(await reportWorkbook(rep).xlsx.writeBuffer());
}
