// The three exports of the October 2026 fixture report: CSV (BOM, RFC 4180, round trip),
// XLSX (read back with exceljs, cell by cell) and PDF (text extracted with pdfjs-dist).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { computeReport } from "../../server/reports/compute.ts";
import { csvLine, parseCsv, reportToCsvBuffer } from "../../server/reports/csv.ts";
import { resolvePeriod } from "../../server/reports/period.ts";
import { BAR_COLOR, reportToPdf } from "../../server/reports/pdf.ts";
import { formatCell, reportTables } from "../../server/reports/tables.ts";
import { excelCell, NUM_FMT, reportToXlsx, sheetName } from "../../server/reports/xlsx.ts";
import type { BroadcastReport } from "../../server/reports/types.ts";
import { createFixture, type Fixture } from "./fixture.ts";
import { filledPaths, pdfPages } from "./pdf-text.ts";

const TRICKY = 'Bản tin "An ninh, trật tự"\r\nsố 1';
let f: Fixture;
let rep: BroadcastReport;

beforeAll(async () => {
  f = await createFixture();
  await f.db.item.update({ where: { id: f.ids.i2 }, data: { title: TRICKY } }); // quotes, comma and a line break
  rep = await computeReport(f.db, resolvePeriod({ kind: "month", value: "2026-10" }, "Asia/Ho_Chi_Minh"), { now: new Date("2026-11-01T00:00:00Z") });
});
afterAll(async () => f.cleanup());

describe("CSV", () => {
  it("starts with the UTF-8 BOM and keeps Vietnamese intact", () => {
    const bytes = reportToCsvBuffer(rep);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain("Chính sách, pháp luật");
  });

  it("quotes per RFC 4180 and parses back to the same fields", () => {
    expect(csvLine(["a", "b,c", 'say "hi"', "x\ny"])).toBe('a,"b,c","say ""hi""","x\ny"\r\n');
    expect(parseCsv(csvLine(["a", "b,c", 'say "hi"', "x\r\ny", ""]))).toEqual([["a", "b,c", 'say "hi"', "x\r\ny", ""]]);
  });

  it("round-trips every section of the report", () => {
    const records = parseCsv(reportToCsvBuffer(rep).toString("utf8"));
    expect(records[0]).toEqual(["Báo cáo kết quả phát thanh / Broadcast report", "tháng 10/2026"]);
    const tz = rep.commune.timeZone;
    for (const t of reportTables(rep)) {
      const at = records.findIndex((r) => r.length === 1 && r[0] === `${t.titleVi} / ${t.titleEn}`);
      expect(at, t.key).toBeGreaterThan(0);
      expect(records[at + 1]).toEqual(t.columns.map((c) => c.header));
      const body = records.slice(at + 2, at + 2 + t.rows.length);
      expect(body).toEqual(t.rows.map((row) => row.map((v, i) => formatCell(v, t.columns[i]!.type, tz, "iso"))));
      expect(records[at + 2 + t.rows.length]).toEqual([""]); // the blank line closing the section
    }
  });

  it("carries the counts as plain numbers", () => {
    const records = parseCsv(reportToCsvBuffer(rep).toString("utf8"));
    const row = (label: string) => records.find((r) => r[0] === label);
    expect(row("Tổng lượt phát tin bài")).toEqual(["Tổng lượt phát tin bài", "11", "lượt"]);
    expect(row("Tổng thời lượng phát")).toEqual(["Tổng thời lượng phát", "30.3", "phút"]);
    expect(records.find((r) => r[1] === TRICKY)?.slice(0, 2)).toEqual(["2", TRICKY]); // by-item row 2, title intact
    expect(records.find((r) => r[0] === "2026-10-03")).toEqual(["2026-10-03", "2", "0", "2", "3", "2"]);
  });
});

describe("XLSX", () => {
  let wb: ExcelJS.Workbook;
  beforeAll(async () => {
    wb = new ExcelJS.Workbook();
    // exceljs declares its own global Buffer shape; a Node Buffer is what it reads at run time.
    await wb.xlsx.load((await reportToXlsx(rep)) as unknown as Parameters<ExcelJS.Xlsx["load"]>[0]);
  });

  it("has one sheet per breakdown with Vietnamese names", () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Tổng hợp", "Theo chủ đề", "Theo mức độ", "Theo cụm loa", "Theo tin bài", "Theo ngày", "Phát khẩn cấp", "Sự cố", "Chiến dịch",
    ]);
  });

  it("matches the report cell by cell, with number and date cells and frozen headers", () => {
    const tz = rep.commune.timeZone;
    for (const t of reportTables(rep)) {
      const ws = wb.getWorksheet(sheetName(t.titleVi))!;
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
      expect(String(ws.getCell(1, 1).value)).toContain("tháng 10/2026");
      t.columns.forEach((c, i) => {
        expect(ws.getCell(2, i + 1).value).toBe(c.header);
        expect(ws.getColumn(i + 1).width).toBe(c.width);
      });
      expect(ws.rowCount).toBe(2 + t.rows.length);
      t.rows.forEach((row, r) => row.forEach((v, i) => {
        const cell = ws.getCell(r + 3, i + 1);
        const type = t.columns[i]!.type;
        const expected = excelCell(v, type, tz);
        if (expected instanceof Date) {
          expect(cell.value, `${t.key} r${r} c${i}`).toBeInstanceOf(Date);
          expect((cell.value as Date).getTime()).toBe(expected.getTime());
        } else {
          expect(cell.value ?? null, `${t.key} r${r} c${i}`).toEqual(expected);
        }
        if (v !== null && (type === "int" || type === "decimal" || type === "number")) expect(typeof cell.value).toBe("number");
        if (NUM_FMT[type]) expect(cell.numFmt).toBe(NUM_FMT[type]);
      }));
    }
  });

  it("spot-checks known numbers and dates", () => {
    const topics = wb.getWorksheet("Theo chủ đề")!;
    expect(topics.getRow(3).values).toEqual([, 1, "Chính sách, pháp luật", 1, 5, 9.3]);
    const days = wb.getWorksheet("Theo ngày")!;
    expect((days.getCell("A5").value as Date).toISOString()).toBe("2026-10-03T00:00:00.000Z");
    expect(days.getCell("F5").value).toBe(2);
    const problems = wb.getWorksheet("Sự cố")!;
    // 17:00 local on 1 Oct, shown as wall-clock time.
    expect((problems.getCell("B3").value as Date).toISOString()).toBe("2026-10-01T17:00:00.000Z");
    const campaigns = wb.getWorksheet("Chiến dịch")!;
    expect(campaigns.getRow(3).values).toEqual([, "Tuyên truyền Luật Đất đai", new Date("2026-10-01T00:00:00Z"), new Date("2026-10-02T00:00:00Z"), 1, , 2, 4, 2, 1, 50, 1, 2, 2]);
  });
});

describe("PDF", () => {
  let bytes: Buffer;
  let text: string;
  beforeAll(async () => {
    bytes = await reportToPdf(rep, { directorName: "Nguyễn Văn Hùng" });
    text = (await pdfPages(bytes)).join(" ");
  });

  it("embeds the DejaVu font (nothing from the OS)", () => {
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(bytes.includes("FontFile2")).toBe(true);
    expect(bytes.includes("DejaVuSans")).toBe(true);
  });

  it("is laid out as a Vietnamese administrative report with correct diacritics", () => {
    for (const s of [
      "UBND XÃ KIẾN MINH", "TRUNG TÂM DỊCH VỤ SỰ NGHIỆP CÔNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
      "Kiến Minh, ngày 01 tháng 11 năm 2026", "BÁO CÁO",
      "Kết quả công tác tuyên truyền trên hệ thống truyền thanh tháng 10/2026",
      "NGƯỜI LẬP BIỂU", "GIÁM ĐỐC", "Nguyễn Văn Hùng", "Biểu đồ: số lượt phát theo chủ đề",
    ]) expect(text).toContain(s);
  });

  it("states the counts in the summary sentences and tables", () => {
    expect(text).toContain("đã phát 7 buổi tại 2 cụm loa (4 khung giờ phát), gồm 3 chương trình phát thanh với 4 tin bài, tổng số 11 lượt phát tin bài");
    expect(text).toContain("tổng thời lượng phát 30,3 phút (nội dung tự sản xuất 15,3 phút, tiếp sóng 15,0 phút)");
    expect(text).toContain("Theo chủ đề: Chính sách, pháp luật 5 lượt; An ninh, trật tự 3 lượt; Thiên tai, dịch bệnh 2 lượt; Chưa phân loại 1 lượt.");
    expect(text).toContain('"Tuyên truyền Luật Đất đai" đạt 50,0% chỉ tiêu (2/4 lượt, 1 lượt phát bù)');
    expect(text).toContain("Sự cố: 1 buổi phát lỗi, 1 buổi bị gián đoạn, 1 buổi bị bỏ lỡ.");
    expect(text).toContain("1 Chính sách, pháp luật 1 5 9,3"); // first row of the topic table
    expect(text).toMatch(/Trang 1\/\d/);
  });

  it("draws the bar chart with vector fills", async () => {
    // One filled bar per topic that aired (4 of the 5 topics); the zero topic draws none.
    expect(await filledPaths(bytes, 1, BAR_COLOR)).toBe(4);
  });
});
