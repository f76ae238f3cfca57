// The report as a list of typed tables, one per breakdown. CSV, XLSX and PDF all render
// these, so the three exports always carry the same columns and the same numbers.
import { formatDateVi, localDateOf, localTimeOf } from "./period.ts";
import { KIND_VI, PRIORITY_LABELS, STATUS_VI } from "./labels.ts";
import type { BroadcastReport } from "./types.ts";

/**
 * int/decimal/number → number cells (number: counts and minutes mixed in one column, shown
 * as they are); date → a local date "YYYY-MM-DD"; datetime → an instant shown in the
 * commune zone.
 */
export type CellType = "text" | "int" | "decimal" | "number" | "date" | "datetime";
export type Cell = string | number | Date | null;

export interface Column {
  header: string; // Vietnamese header
  headerEn: string;
  type: CellType;
  width: number; // characters, for XLSX; PDF scales it
}

export interface ReportTable {
  key: string; // stable ASCII id, used as sheet name seed and CSV section id
  titleVi: string;
  titleEn: string;
  columns: Column[];
  rows: Cell[][];
}

const col = (header: string, headerEn: string, type: CellType, width: number): Column => ({ header, headerEn, type, width });
const prioVi = (p: string) => PRIORITY_LABELS[p]?.labelVi ?? p;

export function reportTables(rep: BroadcastReport): ReportTable[] {
  const t = rep.totals;
  const summary: [string, string, number, string][] = [
    ["Số buổi phát (lượt cụm loa)", "Sessions aired (zone airings)", t.sessionsAired, "buổi"],
    ["Số buổi phát (theo khung giờ)", "Session slots aired", t.sessionSlots, "buổi"],
    ["Số chương trình phát thanh (theo ngày)", "Program-days aired", t.programDays, "chương trình"],
    ["Số chương trình khác nhau", "Distinct programs aired", t.programsAired, "chương trình"],
    ["Số tin bài đã phát", "Distinct items aired", t.itemsDistinct, "tin bài"],
    ["Tổng lượt phát tin bài", "Item airings (completed)", t.itemAirings, "lượt"],
    ["Tổng thời lượng phát", "Airtime", t.airtimeMinutes, "phút"],
    ["Thời lượng nội dung tự sản xuất", "Own content airtime", t.ownMinutes, "phút"],
    ["Thời lượng tiếp sóng", "Relayed airtime", t.relayMinutes, "phút"],
    ["Số buổi phát khẩn cấp", "Emergency sessions", t.emergencySessions, "buổi"],
    ["Lượt phát tin khẩn cấp", "Emergency item airings", t.emergencyItemAirings, "lượt"],
    ["Lượt phát bù", "Make-good airings", t.makeGoodAirings, "lượt"],
    ["Buổi phát bị gián đoạn", "Interrupted sessions", rep.problems.interrupted, "buổi"],
    ["Buổi phát lỗi", "Failed sessions", rep.problems.failed, "buổi"],
    ["Buổi phát bị bỏ lỡ", "Missed sessions", rep.problems.missed, "buổi"],
  ];
  const tables: ReportTable[] = [
    {
      key: "summary", titleVi: "Tổng hợp", titleEn: "Summary",
      columns: [col("Chỉ tiêu", "Measure", "text", 42), col("Giá trị", "Value", "number", 14), col("Đơn vị", "Unit", "text", 14)],
      rows: summary.map(([vi, , v, unit]) => [vi, v, unit]),
    },
    {
      key: "by-category", titleVi: "Theo chủ đề", titleEn: "By topic",
      columns: [col("STT", "No.", "int", 7), col("Chủ đề", "Topic", "text", 44), col("Số tin bài", "Items", "int", 12),
        col("Lượt phát", "Airings", "int", 12), col("Thời lượng (phút)", "Airtime (min)", "decimal", 16)],
      rows: rep.byCategory.map((c, i) => [i + 1, c.nameVi, c.itemsDistinct, c.airings, c.airtimeMinutes]),
    },
    {
      key: "by-priority", titleVi: "Theo mức độ", titleEn: "By priority level",
      columns: [col("Mức độ", "Level", "text", 18), col("Số tin bài", "Items", "int", 12), col("Lượt phát", "Airings", "int", 12),
        col("Thời lượng (phút)", "Airtime (min)", "decimal", 16)],
      rows: rep.byPriority.map((p) => [p.labelVi, p.itemsDistinct, p.airings, p.airtimeMinutes]),
    },
    {
      key: "by-zone", titleVi: "Theo cụm loa", titleEn: "By zone",
      columns: [col("Mã", "Code", "text", 8), col("Cụm loa", "Zone", "text", 26), col("Thôn/Tổ dân phố", "Village", "text", 18),
        col("Buổi đã phát", "Sessions aired", "int", 12), col("Gián đoạn", "Interrupted", "int", 10), col("Lỗi", "Failed", "int", 8),
        col("Bỏ lỡ", "Missed", "int", 8), col("Lượt phát", "Airings", "int", 11), col("Thời lượng (phút)", "Airtime (min)", "decimal", 16)],
      rows: rep.byZone.map((z) => [z.code, z.name, z.village, z.sessionsAired, z.sessionsInterrupted, z.sessionsFailed, z.sessionsMissed, z.airings, z.airtimeMinutes]),
    },
    {
      key: "by-item", titleVi: "Theo tin bài", titleEn: "By item",
      columns: [col("STT", "No.", "int", 7), col("Tin bài", "Item", "text", 44), col("Loại", "Kind", "text", 16), col("Chủ đề", "Topic", "text", 26),
        col("Mức độ", "Level", "text", 15), col("Lượt phát", "Airings", "int", 11), col("Thời lượng (phút)", "Airtime (min)", "decimal", 16),
        col("Gián đoạn", "Interrupted", "int", 10), col("Lỗi", "Failed", "int", 8), col("Bỏ qua", "Skipped", "int", 8)],
      rows: rep.byItem.map((it, i) => [i + 1, it.title, KIND_VI[it.kind] ?? it.kind, it.categoryNameVi, prioVi(it.priority), it.airings, it.airtimeMinutes, it.interrupted, it.failed, it.skipped]),
    },
    {
      key: "by-day", titleVi: "Theo ngày", titleEn: "By day",
      columns: [col("Ngày", "Date", "date", 12), col("Buổi đã phát", "Sessions aired", "int", 12), col("Buổi có sự cố", "Sessions with problems", "int", 13),
        col("Lượt phát", "Airings", "int", 11), col("Thời lượng (phút)", "Airtime (min)", "decimal", 16), col("Lượt phát khẩn cấp", "Emergency airings", "int", 16)],
      rows: rep.byDay.map((d) => [d.date, d.sessionsAired, d.sessionProblems, d.airings, d.airtimeMinutes, d.emergencyAirings]),
    },
    {
      key: "emergencies", titleVi: "Phát khẩn cấp", titleEn: "Emergency broadcasts",
      columns: [col("Ngày", "Date", "date", 12), col("Tin bài", "Item", "text", 44), col("Buổi phát", "Sessions", "int", 11), col("Số cụm loa", "Zones", "int", 11)],
      rows: rep.emergencies.map((e) => [e.date, e.title, e.sessions, e.zones]),
    },
    {
      key: "problems", titleVi: "Sự cố", titleEn: "Failed, interrupted and missed sessions",
      columns: [col("Ngày", "Date", "date", 12), col("Giờ dự kiến", "Scheduled", "datetime", 17), col("Cụm loa", "Zone", "text", 24),
        col("Chương trình", "Program", "text", 26), col("Trạng thái", "Status", "text", 14), col("Lý do", "Reason", "text", 40)],
      rows: rep.problems.list.map((p) => [p.date, p.scheduledStart, p.zoneName, p.programName, STATUS_VI[p.status] ?? p.status, p.reason]),
    },
    {
      key: "campaigns", titleVi: "Chiến dịch", titleEn: "Campaign compliance",
      columns: [col("Chiến dịch", "Campaign", "text", 34), col("Từ ngày", "From", "date", 12), col("Đến ngày", "To", "date", 12),
        col("Lượt/ngày", "Per day", "int", 10), col("Lượt/tuần", "Per week", "int", 10), col("Số cụm loa", "Zones", "int", 10),
        col("Chỉ tiêu", "Target", "int", 10), col("Đã phát", "Aired", "int", 10), col("Phát bù", "Make-goods", "int", 10),
        col("Tỷ lệ đạt (%)", "Compliance (%)", "decimal", 13), col("Cụm loa chưa đạt", "Zones below target", "int", 15),
        col("Số lần thiếu", "Shortfalls", "int", 12), col("Lượt còn thiếu", "Plays missing", "int", 13)],
      rows: rep.campaigns.map((c) => [c.name, c.overlapFrom, c.overlapTo, c.perDay, c.perWeek, c.zones, c.target, c.aired, c.makeGoods,
        c.compliancePct, c.zonesBelowTarget, c.shortfalls, c.shortfallMissing]),
    },
  ];
  return tables;
}

/** Text form of a cell, shared by CSV and PDF: "iso" (CSV: YYYY-MM-DD, plain numbers) or "vi" (PDF: dd/mm/yyyy, 1.234,5). Instants show in the commune zone. */
export function formatCell(v: Cell, type: CellType, tz: string, style: "iso" | "vi"): string {
  if (v === null) return "";
  if (type === "datetime" && v instanceof Date) {
    const d = localDateOf(v, tz);
    return `${style === "vi" ? formatDateVi(d) : d} ${localTimeOf(v, tz)}`;
  }
  if (type === "date" && typeof v === "string" && style === "vi") return formatDateVi(v);
  if (typeof v === "number" && style === "vi") {
    const [min, max] = type === "decimal" ? [1, 1] : type === "number" ? [0, 1] : [0, 0];
    return v.toLocaleString("vi-VN", { minimumFractionDigits: min, maximumFractionDigits: max });
  }
  return String(v);
}
