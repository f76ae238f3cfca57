// The weekly log book: every as-run line in (actualStart, id) order, streamed in keyset
// pages; printable PDF and XLSX.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { ManualClock } from "../../server/clock.ts";
import { generateWeeklyLogbook } from "../../server/reports/archive.ts";
import { logbookRows, writeLogbookPdf, writeLogbookXlsx, type LogbookRow } from "../../server/reports/logbook.ts";
import { createFixture, type Fixture } from "./fixture.ts";
import { pdfPages } from "./pdf-text.ts";

const TZ = "Asia/Ho_Chi_Minh";
const OCT = { from: "2026-10-01", to: "2026-10-31", labelVi: "tháng 10/2026" };
let f: Fixture;
beforeAll(async () => { f = await createFixture(); });
afterAll(async () => f.cleanup());

async function collect(it: AsyncIterable<LogbookRow>): Promise<LogbookRow[]> {
  const out: LogbookRow[] = [];
  for await (const r of it) out.push(r);
  return out;
}

describe("logbookRows", () => {
  it("streams every line of the range exactly once, in time order, across tiny pages with equal start times", async () => {
    const expected = await f.db.asRun.findMany({ where: { localDate: { gte: OCT.from, lte: OCT.to } }, orderBy: [{ actualStart: "asc" }, { id: "asc" }] });
    expect(expected).toHaveLength(16);
    const starts = expected.map((r) => r.actualStart.getTime());
    expect(new Set(starts).size).toBeLessThan(starts.length); // ties exist, so the keyset must use the id too
    for (const pageSize of [1, 2, 3, 1000]) {
      const rows = await collect(logbookRows(f.db, OCT, { pageSize }));
      expect(rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    }
  });

  it("filters by zone and joins names", async () => {
    const rows = await collect(logbookRows(f.db, OCT, { zoneId: f.ids.z1, pageSize: 2 }));
    expect(rows).toHaveLength(9);
    expect(new Set(rows.map((r) => r.zoneName))).toEqual(new Set(["Cụm loa thôn Đông"]));
    expect(rows[0]).toMatchObject({ date: "2026-10-01", programName: "Chương trình sáng", title: "Tuyên truyền Luật Đất đai 2024", status: "completed" });
  });
});

describe("log book files", () => {
  it("prints a PDF with day separators, times in the commune zone and the total", async () => {
    const file = path.join(f.dir, "logbook.pdf");
    const commune = (await f.db.commune.findUniqueOrThrow({ where: { id: 1 } }));
    const { rows } = await writeLogbookPdf(f.db, OCT, file, { timeZone: TZ, commune, pageSize: 4 });
    expect(rows).toBe(16);
    const text = (await pdfPages(fs.readFileSync(file))).join(" ");
    for (const s of [
      "SỔ NHẬT KÝ CHƯƠNG TRÌNH PHÁT THANH", "Tháng 10/2026", "Thứ Năm, ngày 01/10/2026", "Thứ Sáu, ngày 02/10/2026", "Thứ Bảy, ngày 03/10/2026",
      "06:00 Chương trình sáng", "Cụm loa thôn Tây", "Tiếp sóng Đài Tiếng nói Việt Nam", "Bị gián đoạn", "Phát bù", "Khẩn cấp",
      "Tổng số: 16 lượt phát.", "NGƯỜI GHI SỔ", "Trang 1",
    ]) expect(text).toContain(s);
    expect(text).not.toContain("30/09/2026");
  });

  it("writes a streamed XLSX with real date cells", async () => {
    const file = path.join(f.dir, "logbook.xlsx");
    const { rows } = await writeLogbookXlsx(f.db, OCT, file, { timeZone: TZ });
    expect(rows).toBe(16);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(18);
    expect(ws.getCell("E2").value).toBe("Tin bài");
    expect((ws.getCell("A3").value as Date).toISOString()).toBe("2026-10-01T00:00:00.000Z");
    expect((ws.getCell("B3").value as Date).toISOString()).toBe("2026-10-01T06:00:00.000Z"); // wall-clock 06:00
    expect(typeof ws.getCell("I3").value).toBe("number");
  });

  it("stores a weekly log book once per week", async () => {
    const clock = new ManualClock("2026-10-06T02:00:00Z"); // Tuesday of week 41 → last week is W40
    const a = await generateWeeklyLogbook({ db: f.db, dataDir: path.join(f.dir, "data"), clock });
    const b = await generateWeeklyLogbook({ db: f.db, dataDir: path.join(f.dir, "data"), clock });
    expect(a).toMatchObject({ kind: "logbook", periodKey: "2026-W40", periodStart: "2026-09-28", periodEnd: "2026-10-04", rows: 17 });
    expect(b.reportId).toBe(a.reportId);
    expect(await f.db.report.count({ where: { kind: "logbook" } })).toBe(1);
    expect(fs.readdirSync(path.join(f.dir, "data", "reports", "logbook", "2026-W40")).sort()).toEqual(["so-nhat-ky-2026-W40.pdf", "so-nhat-ky-2026-W40.xlsx"]);
  });
});
