// The monthly report job writes CSV/XLSX/PDF under DATA_DIR/reports/YYYY-MM and records
// one Report row; running it again changes nothing but the file contents.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { ManualClock } from "../../server/clock.ts";
import { AppError } from "../../server/errors.ts";
import { generateMonthlyReport, monthlyCronExpression } from "../../server/reports/monthly.ts";
import { writeAtomically } from "../../server/reports/archive.ts";
import { createFixture, type Fixture } from "./fixture.ts";
import { pdfPages } from "./pdf-text.ts";

let f: Fixture;
let dataDir: string;
beforeAll(async () => {
  f = await createFixture();
  dataDir = path.join(f.dir, "data");
});
afterAll(async () => f.cleanup());

describe("generateMonthlyReport", () => {
  it("defaults to last month in the commune time zone and writes the three files", async () => {
    // 18:00 UTC on 31 Oct is already 01:00 on 1 Nov in Vietnam, so "last month" is October.
    const clock = new ManualClock("2026-10-31T18:00:00Z");
    const r = await generateMonthlyReport({ db: f.db, dataDir, clock });
    expect(r).toMatchObject({
      kind: "monthly", periodKey: "2026-10", periodStart: "2026-10-01", periodEnd: "2026-10-31",
      files: { csv: "reports/2026-10/bao-cao-thang-2026-10.csv", xlsx: "reports/2026-10/bao-cao-thang-2026-10.xlsx", pdf: "reports/2026-10/bao-cao-thang-2026-10.pdf" },
      totals: { programs: 3, newsItems: 7, plays: 11, airtimeMinutes: 19.3 },
    });
    const csv = fs.readFileSync(path.join(dataDir, r.files.csv!));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dataDir, r.files.xlsx!));
    expect(wb.getWorksheet("Tổng hợp")!.getCell("A9").value).toBe("Tổng lượt phát tin, bài tại các cụm loa");
    expect(wb.getWorksheet("Tổng hợp")!.getCell("B9").value).toBe(11);
    const text = (await pdfPages(fs.readFileSync(path.join(dataDir, r.files.pdf!)))).join(" ");
    expect(text).toContain("Kết quả công tác tuyên truyền trên hệ thống truyền thanh cơ sở tháng 10/2026");
    expect(text).toContain("Kiến Minh, ngày 01 tháng 11 năm 2026");
  });

  it("is idempotent: a second run keeps one row and the same files, and leaves no temp files", async () => {
    const clock = new ManualClock("2026-11-01T00:00:00Z");
    const first = await generateMonthlyReport({ db: f.db, dataDir, clock, month: "2026-10" });
    const second = await generateMonthlyReport({ db: f.db, dataDir, clock, month: "2026-10" });
    expect(second.reportId).toBe(first.reportId);
    expect(second.files).toEqual(first.files);
    const rows = await f.db.report.findMany({ where: { kind: "monthly" } });
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.files)).toEqual(first.files);
    expect(fs.readdirSync(path.join(dataDir, "reports", "2026-10")).sort()).toEqual([
      "bao-cao-thang-2026-10.csv", "bao-cao-thang-2026-10.pdf", "bao-cao-thang-2026-10.xlsx",
    ]);
    // Same clock, same data: the CSV is byte-identical.
    const csv = fs.readFileSync(path.join(dataDir, second.files.csv!));
    await generateMonthlyReport({ db: f.db, dataDir, clock, month: "2026-10" });
    expect(fs.readFileSync(path.join(dataDir, second.files.csv!)).equals(csv)).toBe(true);
  });

  it("keeps one row per month", async () => {
    const clock = new ManualClock("2026-11-01T00:00:00Z");
    const sept = await generateMonthlyReport({ db: f.db, dataDir, clock, month: "2026-09" });
    expect(sept.totals).toMatchObject({ programs: 1, plays: 1 });
    expect((await f.db.report.findMany({ orderBy: { periodKey: "asc" } })).map((r) => r.periodKey)).toEqual(["2026-09", "2026-10"]);
  });

  it("rejects a malformed month with a bilingual error and writes nothing", async () => {
    const clock = new ManualClock("2026-11-01T00:00:00Z");
    await expect(generateMonthlyReport({ db: f.db, dataDir, clock, month: "2026-13" })).rejects.toThrow(AppError);
    await expect(generateMonthlyReport({ db: f.db, dataDir, clock, month: "2026-13" })).rejects.toMatchObject({ messageVi: expect.stringContaining("Tháng không hợp lệ") });
    expect(fs.existsSync(path.join(dataDir, "reports", "2026-13"))).toBe(false);
  });

  it("builds the cron expression for the configured day and time", () => {
    expect(monthlyCronExpression()).toBe("0 7 1 * *");
    expect(monthlyCronExpression({ day: 3, time: "06:30" })).toBe("30 6 3 * *");
    expect(() => monthlyCronExpression({ day: 31 })).toThrow(AppError);
  });

  it("never leaves a half-written file: a failed write keeps the previous file and no temp file", async () => {
    const dir = path.join(f.dir, "atomic");
    const target = path.join(dir, "r.csv");
    await writeAtomically(target, async (tmp) => fs.promises.writeFile(tmp, "v1"));
    await expect(writeAtomically(target, async (tmp) => {
      await fs.promises.writeFile(tmp, "v2 partial");
      throw new Error("render failed");
    })).rejects.toThrow("render failed");
    expect(fs.readFileSync(target, "utf8")).toBe("v1");
    expect(fs.readdirSync(dir)).toEqual(["r.csv"]);
  });
});
