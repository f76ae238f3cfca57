// The report as a list of typed tables, one per breakdown. CSV, XLSX and PDF all render
// these, so the three exports always carry the same columns and the same numbers.
import { formatDateVi, localDateOf, localTimeOf } from "../domain/time.ts";
import { DIRECTIVE_STATUS_VI, KIND_VI, LEVEL_LABELS, OUTCOME_VI } from "./labels.ts";
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
const levelVi = (p: string) => LEVEL_LABELS[p]?.labelVi ?? p;

export function reportTables(rep: BroadcastReport): ReportTable[] {
  const t = rep.totals;
  const o = rep.otherChannels;
  const dv = rep.directives;
  const summary: [string, number, string][] = [
    ["Số chương trình phát thanh (buổi phát)", t.programs, "chương trình"],
    ["Số ngày có phát thanh", t.daysAired, "ngày"],
    ["Số tin, bài đã phát trong các chương trình", t.newsItems, "tin, bài"],
    ["Số tin, bài khác nhau", t.itemsDistinct, "tin, bài"],
    ["Số lần phát khẩn cấp", t.emergencyBroadcasts, "lần"],
    ["Số tin phát khẩn cấp", t.emergencyItems, "tin"],
    ["Tổng lượt phát tin, bài tại các cụm loa", t.plays, "lượt"],
    ["Lượt phát bù", t.makeGoodPlays, "lượt"],
    ["Tổng thời lượng phát", t.airtimeMinutes, "phút"],
    ["Thời lượng nội dung tự sản xuất", t.ownMinutes, "phút"],
    ["Thời lượng tiếp sóng", t.relayMinutes, "phút"],
    ["Buổi phát tại cụm loa đã phát", t.zoneSessionsAired, "buổi"],
    ["Buổi phát dừng theo lệnh người vận hành", t.zoneSessions.stopped, "buổi"],
    ["Buổi phát nhường sóng phát khẩn cấp", t.zoneSessions.preempted, "buổi"],
    ["Buổi phát có sự cố kỹ thuật", t.zoneSessions.fault, "buổi"],
    ["Buổi phát bị bỏ lỡ tại cụm loa", t.zoneSessions.missed, "buổi"],
    ["Chương trình không phát được ở cụm loa nào", t.sessionsMissed, "chương trình"],
    ["Văn bản chỉ đạo nhận trong kỳ", dv.received, "văn bản"],
    ["Văn bản đã tuyên truyền đúng hạn", dv.onTime, "văn bản"],
    ["Văn bản đã tuyên truyền nhưng trễ hạn", dv.late, "văn bản"],
    ["Văn bản chưa tuyên truyền", dv.notYet, "văn bản"],
    ["Trong đó quá hạn", dv.overdue, "văn bản"],
  ];
  if (dv.medianHoursToFirstAir !== null) summary.push(["Thời gian trung vị từ khi nhận đến lần phát đầu", dv.medianHoursToFirstAir, "giờ"]);
  const tables: ReportTable[] = [
    {
      key: "summary", titleVi: "Tổng hợp", titleEn: "Summary",
      columns: [col("Chỉ tiêu", "Measure", "text", 46), col("Giá trị", "Value", "number", 14), col("Đơn vị", "Unit", "text", 14)],
      rows: summary.map(([vi, v, unit]) => [vi, v, unit]),
    },
    {
      key: "by-category", titleVi: "Theo chủ đề", titleEn: "By topic",
      columns: [col("STT", "No.", "int", 6), col("Chủ đề", "Topic", "text", 44), col("Số tin, bài", "News items", "int", 12),
        col("Lượt phát tại cụm loa", "Plays", "int", 14), col("Thời lượng (phút)", "Airtime (min)", "decimal", 14)],
      rows: rep.byCategory.map((c, i) => [i + 1, c.nameVi, c.newsItems, c.plays, c.airtimeMinutes]),
    },
    {
      key: "by-level", titleVi: "Theo mức độ tin", titleEn: "By level",
      columns: [col("Mức độ", "Level", "text", 18), col("Số tin, bài", "News items", "int", 12), col("Lượt phát tại cụm loa", "Plays", "int", 14),
        col("Thời lượng (phút)", "Airtime (min)", "decimal", 14)],
      rows: rep.byLevel.map((p) => [p.labelVi, p.newsItems, p.plays, p.airtimeMinutes]),
    },
    {
      key: "by-zone", titleVi: "Theo cụm loa", titleEn: "By zone",
      columns: [col("Mã", "Code", "text", 8), col("Cụm loa", "Zone", "text", 26), col("Thôn/Tổ dân phố", "Village", "text", 18),
        col("Buổi đã phát", "Sessions aired", "int", 11), col("Dừng theo lệnh", "Stopped", "int", 10), col("Nhường khẩn cấp", "Pre-empted", "int", 10),
        col("Sự cố", "Faults", "int", 8), col("Bỏ lỡ", "Missed", "int", 8), col("Lượt phát", "Plays", "int", 10), col("Thời lượng (phút)", "Airtime (min)", "decimal", 14)],
      rows: rep.byZone.map((z) => [z.code, z.name, z.village, z.sessionsAired, z.stopped, z.preempted, z.faults, z.missed, z.plays, z.airtimeMinutes]),
    },
    {
      key: "by-item", titleVi: "Theo tin, bài", titleEn: "By item",
      columns: [col("STT", "No.", "int", 7), col("Tin, bài", "Item", "text", 40), col("Số, ký hiệu văn bản", "Source document", "text", 16), col("Loại", "Kind", "text", 14),
        col("Chủ đề", "Topic", "text", 24), col("Mức độ", "Level", "text", 12), col("Số lần phát (buổi)", "News items", "int", 11), col("Lượt phát tại cụm loa", "Plays", "int", 11),
        col("Thời lượng (phút)", "Airtime (min)", "decimal", 13), col("Phát dở", "Cut", "int", 8), col("Lỗi", "Failed", "int", 7), col("Bỏ qua", "Skipped", "int", 7)],
      rows: rep.byItem.map((it, i) => [i + 1, it.title, it.sourceRef, KIND_VI[it.kind] ?? it.kind, it.categoryNameVi, levelVi(it.level), it.newsItems, it.plays, it.airtimeMinutes, it.cut, it.failed, it.skipped]),
    },
    {
      key: "by-day", titleVi: "Theo ngày", titleEn: "By day",
      columns: [col("Ngày", "Date", "date", 12), col("Chương trình", "Programs", "int", 12), col("Tin, bài", "News items", "int", 10), col("Lượt phát", "Plays", "int", 10),
        col("Thời lượng (phút)", "Airtime (min)", "decimal", 14), col("Phát khẩn cấp", "Emergency broadcasts", "int", 12), col("Sự cố, bỏ lỡ", "Problems", "int", 12)],
      rows: rep.byDay.map((d) => [d.date, d.programs, d.newsItems, d.plays, d.airtimeMinutes, d.emergencyBroadcasts, d.problems]),
    },
    {
      key: "emergencies", titleVi: "Phát khẩn cấp", titleEn: "Emergency broadcasts",
      columns: [col("Thời gian", "Time", "datetime", 17), col("Tin, bài", "Item", "text", 44), col("Cụm loa đã phát", "Zones aired", "int", 12), col("Số cụm loa", "Zones", "int", 10)],
      rows: rep.emergencies.map((e) => [e.start, e.title, e.zonesAired, e.zones]),
    },
    {
      key: "problems", titleVi: "Sự cố", titleEn: "Faults and missed sessions",
      columns: [col("Ngày", "Date", "date", 12), col("Giờ dự kiến", "Scheduled", "datetime", 17), col("Cụm loa", "Zone", "text", 24),
        col("Chương trình", "Program", "text", 26), col("Tình trạng", "Outcome", "text", 16), col("Lý do", "Reason", "text", 40)],
      rows: rep.problems.list.map((p) => [p.date, p.scheduledStart, p.zoneName, p.programName, OUTCOME_VI[p.outcome] ?? p.outcome, p.reasonVi]),
    },
    {
      key: "campaigns", titleVi: "Chiến dịch", titleEn: "Campaign compliance",
      columns: [col("Chiến dịch", "Campaign", "text", 34), col("Từ ngày", "From", "date", 12), col("Đến ngày", "To", "date", 12),
        col("Lượt/ngày", "Per day", "int", 9), col("Lượt/tuần", "Per week", "int", 9), col("Số cụm loa", "Zones", "int", 9),
        col("Chỉ tiêu", "Target", "int", 9), col("Đã phát", "Plays", "int", 9), col("Chèn thêm", "Inserted", "int", 9), col("Phát bù", "Make-goods", "int", 9),
        col("Tỷ lệ đạt (%)", "Compliance (%)", "decimal", 11), col("Cụm loa chưa đạt", "Zones below target", "int", 12),
        col("Ngày không có buổi phát", "Zone-days without session", "int", 13)],
      rows: rep.campaigns.map((c) => [c.name, c.overlapFrom, c.overlapTo, c.perDay, c.perWeek, c.zones, c.target, c.plays, c.inserted, c.makeGoods,
        c.compliancePct, c.zonesBelowTarget, c.daysWithoutSession]),
    },
    {
      key: "directives", titleVi: "Tuyên truyền văn bản chỉ đạo", titleEn: "Directive documents",
      columns: [col("STT", "No.", "int", 6), col("Số, ký hiệu", "Number", "text", 16), col("Trích yếu", "Summary", "text", 36), col("Cơ quan ban hành", "Issuer", "text", 22),
        col("Thời điểm nhận", "Received", "datetime", 17), col("Hạn phát", "Due", "date", 12), col("Phát lần đầu", "First aired", "datetime", 17),
        col("Từ khi nhận đến lần phát đầu (giờ)", "Hours to first air", "decimal", 12), col("Phủ hết cụm loa", "All zones", "datetime", 17),
        col("Từ khi nhận đến phủ hết (giờ)", "Hours to all zones", "decimal", 12), col("Lượt phát", "Plays", "int", 9), col("Cụm loa đã phát", "Zones reached", "text", 10),
        col("Tình trạng", "Status", "text", 28)],
      rows: dv.rows.map((d, i) => [i + 1, d.number, d.summary, d.issuer, d.receivedAt, d.dueDate, d.firstAiredAt, d.hoursToFirstAir, d.allZonesAt, d.hoursToAllZones,
        d.plays, `${d.zonesReached}/${d.zonesTotal}`, DIRECTIVE_STATUS_VI[d.status] ?? d.status]),
    },
    {
      key: "other-channels", titleVi: "Số liệu các kênh khác", titleEn: "Other channels",
      columns: [col("Kênh", "Channel", "text", 44), col("Số lượng", "Count", "int", 12), col("Ghi chú", "Note", "text", 40)],
      rows: o.entered ? [
        ["Văn bản chỉ đạo đã ban hành", o.directiveDocs, o.notes.directive],
        ["Bài đăng trên trang fanpage", o.fanpagePosts, o.notes.fanpage],
        ["Tin, bài phát thanh gửi Đài Phát thanh - Truyền hình thành phố", o.radioItemsSent, o.notes.radio],
        ["Tin, bài truyền hình gửi Đài Phát thanh - Truyền hình thành phố", o.tvItemsSent, o.notes.tv],
        ["Tin, bài đăng trên Cổng thông tin điện tử", o.portalArticles, o.notes.portal],
      ] : [],
    },
  ];
  return tables;
}

/**
 * Text form of a cell: "vi" (PDF: dd/mm/yyyy, 1.234,5) or "csv" (dd/mm/yyyy HH:mm:ss in the
 * commune zone, plain integers, decimal comma). Instants show in the commune zone.
 */
export function formatCell(v: Cell, type: CellType, tz: string, style: "vi" | "csv"): string {
  if (v === null) return "";
  if (type === "datetime" && v instanceof Date) {
    return `${formatDateVi(localDateOf(v, tz))} ${localTimeOf(v, tz, style === "csv")}`;
  }
  if (type === "date" && typeof v === "string") return formatDateVi(v);
  if (typeof v === "number") {
    const [min, max] = type === "decimal" ? [1, 1] : type === "number" ? [0, 1] : [0, 0];
    return v.toLocaleString("vi-VN", { minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: style === "vi" });
  }
  return String(v);
}
