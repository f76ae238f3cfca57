// The exports of the October 2026 fixture report, read back by readers other than the
// writers: CSV by our RFC 4180 parser (BOM, Vietnamese only, commune time, decimal comma),
// XLSX by SheetJS (written by exceljs), PDF by poppler's pdftotext/pdffonts (written by
// pdfkit), with the Decree 30/2020 layout facts checked on the extracted text.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeReport } from "../../server/reports/compute.ts";
import { csvLine, parseCsv, reportToCsvBuffer } from "../../server/reports/csv.ts";
import { resolvePeriod } from "../../server/reports/period.ts";
import { BAR_COLOR, reportToPdf } from "../../server/reports/pdf.ts";
import { formatCell, reportTables } from "../../server/reports/tables.ts";
import { reportToXlsx, sheetName } from "../../server/reports/xlsx.ts";
import type { BroadcastReport } from "../../server/reports/types.ts";
import { createFixture, type Fixture } from "./fixture.ts";
import { filledPaths } from "./pdf-text.ts";
import { ENGLISH, flat, pdfFonts, pdfPagePng, pdftotextPages, xlsxSheets } from "../helpers/readers.ts";

const TRICKY = 'Bản tin "An ninh, trật tự"\r\nsố 1';
let f: Fixture;
let rep: BroadcastReport;

beforeAll(async () => {
  f = await createFixture();
  await f.db.item.update({ where: { id: f.ids.i2 }, data: { title: TRICKY, sourceRef: "12-CV/ĐU" } }); // quotes, comma and a line break
  await f.db.channelStat.create({ data: { month: "2026-10", directiveDocs: 56, directiveNote: "gồm 12 kế hoạch", fanpagePosts: 198, radioItemsSent: 46, tvItemsSent: 13, portalArticles: 358 } });
  rep = await computeReport(f.db, resolvePeriod({ kind: "month", value: "2026-10" }, "Asia/Ho_Chi_Minh"), { now: new Date("2026-11-01T00:00:00Z") });
});
afterAll(async () => f.cleanup());

describe("CSV", () => {
  it("starts with the UTF-8 BOM and keeps Vietnamese intact", () => {
    const bytes = reportToCsvBuffer(rep);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toContain("Chính sách, pháp luật");
  });

  it("quotes per RFC 4180, neutralises formula-leading cells, and parses back", () => {
    expect(csvLine(["a", "b,c", 'say "hi"', "x\ny"])).toBe('a,"b,c","say ""hi""","x\ny"\r\n');
    expect(parseCsv(csvLine(["a", "b,c", 'say "hi"', "x\r\ny", ""]))).toEqual([["a", "b,c", 'say "hi"', "x\r\ny", ""]]);
    expect(parseCsv(csvLine(["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]))).toEqual([["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]]);
  });

  it("round-trips every section, Vietnamese only, dates dd/mm/yyyy and a decimal comma", () => {
    const text = reportToCsvBuffer(rep).toString("utf8");
    const records = parseCsv(text);
    expect(records[0]).toEqual(["Báo cáo kết quả công tác tuyên truyền trên hệ thống truyền thanh cơ sở", "tháng 10/2026"]);
    expect(records[1]).toEqual(["Từ ngày", "01/10/2026", "Đến ngày", "31/10/2026"]);
    const tz = rep.commune.timeZone;
    for (const t of reportTables(rep)) {
      const at = records.findIndex((r) => r.length === 1 && r[0] === t.titleVi);
      expect(at, t.key).toBeGreaterThan(0);
      expect(records[at + 1]).toEqual(t.columns.map((c) => c.header));
      expect(records.slice(at + 2, at + 2 + t.rows.length)).toEqual(t.rows.map((row) => row.map((v, i) => formatCell(v, t.columns[i]!.type, tz, "csv"))));
    }
    const row = (label: string) => records.find((r) => r[0] === label);
    expect(row("Số chương trình phát thanh (buổi phát)")).toEqual(["Số chương trình phát thanh (buổi phát)", "3", "chương trình"]);
    expect(row("Tổng thời lượng phát")).toEqual(["Tổng thời lượng phát", "19,3", "phút"]);
    expect(records.find((r) => r[0] === "03/10/2026")).toEqual(["03/10/2026", "0", "0", "2", "1,5", "1", "0"]);
    expect(records.find((r) => r[1] === "01/10/2026 17:00:00")?.[0]).toBe("01/10/2026"); // commune time, with seconds
    expect(text).not.toMatch(ENGLISH);
  });
});

describe("XLSX (read back with SheetJS)", () => {
  let sheets: Map<string, unknown[][]>;
  beforeAll(async () => {
    sheets = xlsxSheets(await reportToXlsx(rep));
  });

  it("has one sheet per breakdown with Vietnamese names and the report's rows", () => {
    expect([...sheets.keys()]).toEqual(reportTables(rep).map((t) => sheetName(t.titleVi)));
    for (const t of reportTables(rep)) {
      const rows = sheets.get(sheetName(t.titleVi))!;
      expect(String(rows[0]![0])).toContain("tháng 10/2026");
      expect(rows[1]).toEqual(t.columns.map((c) => c.header));
      expect(rows.length - 2, t.key).toBe(t.rows.length);
    }
  });

  it("carries the counts as numbers and dates as dates", () => {
    const summary = sheets.get("Tổng hợp")!;
    expect(summary.find((r) => r[0] === "Số tin, bài đã phát trong các chương trình")).toEqual(["Số tin, bài đã phát trong các chương trình", 7, "tin, bài"]);
    expect(sheets.get("Theo chủ đề")![2]).toEqual([1, "Chính sách, pháp luật", 4, 5, 6.8]);
    const days = sheets.get("Theo ngày")!;
    expect(days[4]![0]).toBeInstanceOf(Date);
    expect((days[4]![0] as Date).toISOString().slice(0, 10)).toBe("2026-10-03");
    expect(sheets.get("Số liệu các kênh khác")![2]).toEqual(["Văn bản chỉ đạo đã ban hành", 56, "gồm 12 kế hoạch"]);
    const items = sheets.get("Theo tin, bài")!;
    expect(items.find((r) => r[1] === TRICKY.replace("\r\n", "\n"))?.[2]).toBe("12-CV/ĐU");
    const text = [...sheets.values()].flat(2).filter((v) => typeof v === "string").join(" ");
    expect(text).not.toMatch(ENGLISH);
  });
});

describe("PDF (read back with pdftotext)", () => {
  let bytes: Buffer;
  let pages: string[];
  let text: string;
  beforeAll(async () => {
    bytes = await reportToPdf(rep, { issuerCode: "TTDVSNC", signerTitle: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", signerName: "Nguyễn Văn Hùng", recipients: ["Ban Thường vụ Đảng ủy xã", "Ban Xây dựng Đảng"] });
    pages = pdftotextPages(bytes);
    text = flat(pages);
    pdfPagePng(bytes, path.resolve("test-results/bao-cao-trang-1.png"), 1);
  });

  it("embeds Liberation Serif (Times New Roman metrics, Vietnamese glyphs)", () => {
    const fonts = pdfFonts(bytes);
    expect(fonts).toMatch(/LiberationSerif\b/);
    expect(fonts).toMatch(/LiberationSerif-Bold/);
    expect(fonts).not.toMatch(/DejaVu/);
  });

  it("is laid out after Decree 30/2020: issuer, number, quốc hiệu, tiêu ngữ, place and date, title", () => {
    for (const s of [
      "UBND XÃ KIẾN MINH", "TRUNG TÂM DỊCH VỤ SỰ NGHIỆP CÔNG", "Số: /BC-TTDVSNC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
      "Kiến Minh, ngày 01 tháng 11 năm 2026", "BÁO CÁO", "Kết quả công tác tuyên truyền trên hệ thống truyền thanh cơ sở tháng 10/2026",
    ]) expect(text).toContain(s);
  });

  it("numbers pages at the top centre from page 2", () => {
    expect(pages.length).toBeGreaterThan(1);
    expect(pages[0]!.trimStart().startsWith("1")).toBe(false);
    pages.slice(1).forEach((p, i) => expect(p.split("\n").find((l) => l.trim())!.trim()).toBe(String(i + 2)));
  });

  it("states the commune's counts, the other channels, and no English", () => {
    expect(text).toContain("đã phát 3 chương trình phát thanh (2 ngày có phát thanh) với 7 tin, bài (3 tin, bài khác nhau)");
    expect(text).toContain("tổng thời lượng phát 19,3 phút (nội dung tự sản xuất 10,3 phút, tiếp sóng 10,0 phút)");
    expect(text).toContain("tại 2 cụm loa với tổng số 11 lượt phát tin, bài");
    expect(text).toContain("khẩn cấp 1 tin, bài, trong đó phát khẩn cấp 1 lần với 1 tin");
    expect(text).toContain('"Tuyên truyền Luật Đất đai" đạt 75,0% chỉ tiêu (phát 4 lượt, chỉ tiêu 4 lượt, 1 cụm loa chưa đạt; 0 lượt chèn thêm, 0 lượt phát bù)');
    expect(text).toContain('"Phòng chống bão" phát 2 lượt, không tính chỉ tiêu vì trong kỳ không có buổi phát phù hợp');
    expect(text).toContain("Sự cố: 2 buổi phát có sự cố kỹ thuật, 1 buổi bị bỏ lỡ tại cụm loa (1 chương trình không phát được ở cụm loa nào).");
    expect(text).toContain("III. SỐ LIỆU CÁC KÊNH KHÁC (do đơn vị nhập)");
    expect(text).toContain("Ban hành 56 văn bản chỉ đạo, hướng dẫn công tác tuyên truyền (gồm 12 kế hoạch).");
    expect(text).toContain("Gửi Đài Phát thanh - Truyền hình thành phố 46 tin, bài phát thanh và 13 tin, bài truyền hình.");
    expect(text).toContain("Đăng 358 tin, bài trên Cổng thông tin điện tử.");
    expect(text.replace(/\(fanpage\)/g, "")).not.toMatch(ENGLISH);
  });

  it("ends with the closing paragraph, Nơi nhận and the signer on the same page", () => {
    const last = pages.at(-1)!;
    expect(last).toContain("Trên đây là báo cáo kết quả công tác tuyên truyền");
    for (const s of ["Nơi nhận:", "- Ban Thường vụ Đảng ủy xã;", "- Ban Xây dựng Đảng;", "- Lưu: VT.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Hùng"]) expect(last).toContain(s);
  });

  it("draws the bar chart with vector fills", async () => {
    // One filled bar per topic with news items (4 of the 5 topics); the zero topic draws none.
    let bars = 0;
    for (let p = 1; p <= pages.length; p++) bars += await filledPaths(bytes, p, BAR_COLOR);
    expect(bars).toBe(4);
  });
});
