// The log book an inspector accepts: grouped by session (date, time, program, zones aired
// n/m, person on duty), items with source document and topic, exceptions per zone, missed
// and cancelled sessions, session length and daily total, signature lines. PDF read back
// with pdftotext, XLSX with SheetJS; page 1 rendered to test-results/ for review.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { generateWeeklyLogbook } from "../../server/reports/archive.ts";
import { logbookDays, writeLogbookPdf, writeLogbookXlsx, type LogbookDay } from "../../server/reports/logbook.ts";
import { saveDocSettings, docSettingsBody } from "../../server/reports/settings.ts";
import { createFixture, type Fixture } from "./fixture.ts";
import { ENGLISH, flat, pdfPagePng, pdftotextPages, xlsxSheets } from "../helpers/readers.ts";

const TZ = "Asia/Ho_Chi_Minh";
const OCT = { from: "2026-10-01", to: "2026-10-31", labelVi: "tháng 10/2026" };
let f: Fixture;
let days: LogbookDay[];
beforeAll(async () => {
  f = await createFixture();
  await f.db.item.update({ where: { id: f.ids.i1 }, data: { sourceRef: "12-CV/ĐU" } });
  // Mornings are Nguyễn Thị Lan's, evenings Trần Văn Bình's.
  await saveDocSettings(f.db, docSettingsBody.parse({ signerTitle: "GIÁM ĐỐC", signerName: "Phạm Văn Hải", preparerName: "Nguyễn Thị Lan", dutyRoster: [
    { days: [1, 2, 3, 4, 5, 6, 7], from: "04:00", to: "12:00", name: "Nguyễn Thị Lan" },
    { days: [1, 2, 3, 4, 5, 6, 7], from: "12:00", to: "23:59", name: "Trần Văn Bình" },
  ] }));
  days = [];
  for await (const d of logbookDays(f.db, OCT)) if (d.sessions.length) days.push(d);
});
afterAll(async () => f.cleanup());

describe("logbookDays", () => {
  it("groups zone airings into sessions with zones aired n/m, duty, length and exceptions", () => {
    expect(days.map((d) => d.date)).toEqual(["2026-10-01", "2026-10-02", "2026-10-03"]);
    const [d1, d2, d3] = days as [LogbookDay, LogbookDay, LogbookDay];
    expect(d1.sessions.map((s) => [s.programName, s.statusVi, s.zonesAired, s.zones, s.dutyName, s.lengthMs])).toEqual([
      ["Chương trình sáng", "Đã phát 2/2 cụm loa", 2, 2, "Nguyễn Thị Lan", 780_000],
      ["Chương trình chiều", "Đã phát 2/2 cụm loa", 2, 2, "Trần Văn Bình", 120_000],
    ]);
    expect(d1.totalMs).toBe(900_000);
    // Items once per session, with the zones that aired each; cut or failed plays are exceptions.
    expect(d1.sessions[0]!.items.map((i) => [i.title, i.sourceRef, i.topic, i.zonesAired])).toEqual([
      ["Tuyên truyền Luật Đất đai 2024", "12-CV/ĐU", "Chính sách, pháp luật", 2],
      ["Bản tin an ninh trật tự", "", "An ninh, trật tự", 2],
      ["Tiếp sóng Đài Tiếng nói Việt Nam", "", "Chưa phân loại", 1],
    ]);
    expect(d1.sessions[0]!.exceptions).toEqual(['Cụm loa thôn Tây: "Tiếp sóng Đài Tiếng nói Việt Nam" bị gián đoạn']);
    expect(d1.sessions[1]!.exceptions).toEqual(['Cụm loa thôn Đông: "Phòng chống cháy nổ" lỗi', "Cụm loa thôn Tây: Sự cố kỹ thuật (Lỗi kỹ thuật)", 'Cụm loa thôn Tây: "Tuyên truyền Luật Đất đai 2024" bị gián đoạn']);
    // The evening of 2 Oct aired nowhere: one zone missed, the other cancelled; both are listed.
    expect(d2.sessions.map((s) => [s.programName, s.statusVi, s.zonesAired, s.zones])).toEqual([
      ["Chương trình sáng", "Đã phát 1/2 cụm loa", 1, 2],
      ["Chương trình chiều", "Bỏ lỡ", 0, 2],
    ]);
    expect(d2.sessions[1]!.exceptions).toEqual(["Cụm loa thôn Đông: Bỏ lỡ (Lỗi kỹ thuật)", "Cụm loa thôn Tây: Đã hủy (Lỗi kỹ thuật)"]);
    expect(d3.sessions.map((s) => [s.programName, s.statusVi, s.emergency])).toEqual([["Phát khẩn cấp: Cảnh báo bão số 5", "Đã phát 2/2 cụm loa", true]]);
  });
});

describe("log book PDF (pdftotext) and XLSX (SheetJS)", () => {
  it("prints sessions, items, exceptions, daily totals and signature lines, in Vietnamese only", async () => {
    const file = path.join(f.dir, "so-nhat-ky.pdf");
    const commune = { name: "Kiến Minh", unitName: "Trung tâm Dịch vụ Sự nghiệp công", place: "Kiến Minh", timeZone: TZ };
    const counts = await writeLogbookPdf(f.db, OCT, file, { timeZone: TZ, commune, settings: { signerTitle: "GIÁM ĐỐC", signerName: "Phạm Văn Hải", preparerName: "Nguyễn Thị Lan" } });
    expect(counts).toEqual({ sessions: 5, sessionsAired: 3, items: 7 });
    const bytes = fs.readFileSync(file);
    pdfPagePng(bytes, path.resolve("test-results/so-nhat-ky-trang-1.png"), 1);
    const pages = pdftotextPages(bytes);
    const text = flat(pages);
    for (const s of [
      "SỔ NHẬT KÝ CHƯƠNG TRÌNH PHÁT THANH", "Tháng 10/2026", "Thứ Năm, ngày 01/10/2026",
      "Buổi 06:00 — Chương trình sáng — Đã phát 2/2 cụm loa — thời lượng 13:00 — người trực: Nguyễn Thị Lan",
      "Buổi 17:00 — Chương trình chiều — Bỏ lỡ — thời lượng 00:00", "12-CV/ĐU", "Chính sách, pháp luật",
      "Ngoại lệ — Cụm loa thôn Tây: Đã hủy", "Tổng thời lượng phát trong ngày: 15:00",
      "Tổng số: 3 chương trình đã phát với 7 tin, bài", "NGƯỜI GHI SỔ", "Nguyễn Thị Lan", "GIÁM ĐỐC", "Phạm Văn Hải",
    ]) expect(text).toContain(s);
    expect(text).not.toMatch(ENGLISH);
    expect(pages.at(-1)).toContain("Tổng số:"); // the signature lines never stand alone
  });

  it("writes the same sessions and items to XLSX, with real date cells", async () => {
    const file = path.join(f.dir, "so-nhat-ky.xlsx");
    const counts = await writeLogbookXlsx(f.db, OCT, file, { timeZone: TZ });
    expect(counts).toEqual({ sessions: 5, sessionsAired: 3, items: 7 });
    const rows = xlsxSheets(fs.readFileSync(file)).get("Sổ nhật ký")!;
    expect(rows[1]![0]).toBe("Ngày");
    const itemRows = rows.filter((r) => typeof r[6] === "number");
    expect(itemRows).toHaveLength(3 + 2 + 2 + 1); // 06:00, 17:00 on 1 Oct; 06:00 on 2 Oct; the emergency
    expect(itemRows[0]!.slice(1, 10)).toEqual(["06:00", "Chương trình sáng", "2/2", "Nguyễn Thị Lan", "13:00", 1, expect.any(Date), "Tuyên truyền Luật Đất đai 2024", "12-CV/ĐU"]);
    expect((rows[2]![0] as Date).toISOString().slice(0, 10)).toBe("2026-10-01");
    expect(rows.some((r) => r[13] === "Ngoại lệ — Cụm loa thôn Đông: Bỏ lỡ (Lỗi kỹ thuật)")).toBe(true);
  });

  it("stores a weekly log book once per week", async () => {
    const clock = new ManualClock("2026-10-08T03:00:00Z"); // Thursday of week 41 → last week is 40
    const a = await generateWeeklyLogbook({ db: f.db, dataDir: f.dir, clock });
    expect(a).toMatchObject({ kind: "logbook", periodKey: "2026-W40", periodStart: "2026-09-28", periodEnd: "2026-10-04", rows: 6 });
    const b = await generateWeeklyLogbook({ db: f.db, dataDir: f.dir, clock });
    expect(b.reportId).toBe(a.reportId);
    expect(await f.db.report.count({ where: { kind: "logbook" } })).toBe(1);
  });
});
