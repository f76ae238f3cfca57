// The report's message catalogue: every Vietnamese/English label the exports print.
import type { DirectiveStatus } from "../domain/directives.ts";

export const LEVEL_LABELS: Record<string, { labelVi: string; labelEn: string }> = {
  normal: { labelVi: "Thông thường", labelEn: "Normal" },
  priority: { labelVi: "Ưu tiên", labelEn: "Priority" },
  emergency: { labelVi: "Khẩn cấp", labelEn: "Emergency" },
};

export const UNCATEGORISED = { nameVi: "Chưa phân loại", nameEn: "Uncategorised" };
export const DELETED_ITEM = { vi: "(tin bài đã xoá)", en: "(deleted item)" };

/** How a zone airing ended (plays.ts Outcome). */
export const OUTCOME_VI: Record<string, string> = {
  aired: "Đã phát",
  stopped: "Dừng theo lệnh người vận hành",
  preempted: "Nhường sóng phát khẩn cấp",
  fault: "Sự cố kỹ thuật",
  missed: "Bỏ lỡ",
  cancelled: "Đã hủy",
};

export const STATUS_VI: Record<string, string> = {
  aired: "Đã phát",
  interrupted: "Bị gián đoạn",
  failed: "Lỗi",
  missed: "Bỏ lỡ",
  cancelled: "Đã hủy",
  planned: "Đã lên lịch",
  ready: "Sẵn sàng",
  airing: "Đang phát",
  completed: "Hoàn thành",
  skipped: "Bỏ qua",
};

export const SOURCE_VI: Record<string, string> = {
  schedule: "Theo lịch",
  manual: "Phát thủ công",
  emergency: "Khẩn cấp",
  make_good: "Phát bù",
};

export const KIND_VI: Record<string, string> = {
  audio: "Âm thanh",
  tts: "Đọc văn bản (TTS)",
  relay: "Tiếp sóng",
};

/** How a directive document stands (server/domain/directives.ts DirectiveStatus). */
export const DIRECTIVE_STATUS_VI: Record<DirectiveStatus, string> = {
  on_time: "Đã tuyên truyền đúng hạn",
  late: "Đã tuyên truyền, trễ hạn",
  pending: "Chưa tuyên truyền (còn hạn)",
  overdue: "Chưa tuyên truyền, quá hạn",
  info: "Để biết (không yêu cầu phát)",
};

export const PDF_TEXT = {
  nation: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
  motto: "Độc lập - Tự do - Hạnh phúc",
  title: "BÁO CÁO",
  subtitle: (periodLabelVi: string) => `Kết quả công tác tuyên truyền trên hệ thống truyền thanh cơ sở ${periodLabelVi}`,
  preparer: "NGƯỜI LẬP BIỂU",
  director: "GIÁM ĐỐC",
  signHint: "(Ký, ghi rõ họ tên)",
  signHintSeal: "(Ký tên, đóng dấu)",
  chartTitle: "Biểu đồ: số tin, bài theo chủ đề",
  logbookTitle: "SỔ NHẬT KÝ CHƯƠNG TRÌNH PHÁT THANH",
  recipients: "Nơi nhận:",
  archive: "Lưu: VT",
};

/** "1.234,5": Vietnamese digit grouping and decimal comma. */
export function formatNumberVi(n: number, decimals = 0): string {
  return n.toLocaleString("vi-VN", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
