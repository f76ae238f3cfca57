// Why an airing or an item ended as it did, as a CODE with parameters, rendered by one
// catalogue in Vietnamese (official records) and English (the English UI only). The writers
// store a free-text statusReason/note; classifyReason maps every text they write to its code
// once, when the row is settled (server/settle-plays.ts), and records keep the code.
export type ReasonCode =
  | ""
  | "late_start"
  | "system_down"
  | "worker_stopped"
  | "preempted_emergency"
  | "operator_stopped"
  | "operator_cancelled"
  | "emergency_cancelled"
  | "schedule_changed"
  | "shutdown"
  | "relay_fallback"
  | "relay_refused"
  | "relay_failed"
  | "output_error"
  | "closed_by_recovery"
  | "other";

export interface Reason {
  code: ReasonCode;
  params: Record<string, string | number>;
}

const CATALOGUE: Record<Exclude<ReasonCode, "">, { vi: (p: Reason["params"]) => string; en: (p: Reason["params"]) => string }> = {
  late_start: { vi: (p) => `Quá ${p.minutes ?? "?"} phút so với giờ phát`, en: (p) => `More than ${p.minutes ?? "?"} min late` },
  system_down: { vi: () => "Hệ thống không hoạt động lúc đến giờ phát", en: () => "The system was down at air time" },
  worker_stopped: { vi: () => "Tiến trình phát bị dừng đột ngột", en: () => "The playout worker stopped unexpectedly" },
  preempted_emergency: { vi: () => "Nhường sóng cho phát khẩn cấp", en: () => "Pre-empted by an emergency broadcast" },
  operator_stopped: { vi: () => "Người vận hành dừng phát", en: () => "Stopped by an operator" },
  operator_cancelled: { vi: () => "Người vận hành hủy buổi phát", en: () => "Cancelled by an operator" },
  emergency_cancelled: { vi: () => "Đã hủy phát khẩn cấp", en: () => "Emergency broadcast cancelled" },
  schedule_changed: { vi: () => "Lịch phát đã thay đổi", en: () => "The schedule changed" },
  shutdown: { vi: () => "Hệ thống tắt khi đang phát", en: () => "The system shut down during the broadcast" },
  relay_fallback: { vi: () => "Mất tín hiệu tiếp sóng, đã phát tệp dự phòng", en: () => "Relay lost; the fallback file aired" },
  relay_refused: { vi: () => "Địa chỉ tiếp sóng không được phép", en: () => "Relay address not allowed" },
  relay_failed: { vi: () => "Không nhận được tín hiệu tiếp sóng", en: () => "The relay could not be received" },
  output_error: { vi: () => "Lỗi thiết bị phát (đầu ra)", en: () => "Output device error" },
  closed_by_recovery: { vi: () => "Đóng lại khi khôi phục sau sự cố", en: () => "Closed by recovery after a fault" },
  other: { vi: () => "Lỗi kỹ thuật", en: (p) => `Technical error${p.detail ? `: ${p.detail}` : ""}` },
};

// Ordered: the first pattern that matches a stored text decides its code.
const PATTERNS: [RegExp, ReasonCode, ((m: RegExpExecArray) => Reason["params"])?][] = [
  [/^(Bị ngắt trước giờ phát|Pre-empted before air)/i, "preempted_emergency"],
  [/(Quá|More than) (\d+) (phút|min)/i, "late_start", (m) => ({ minutes: Number(m[2]) })],
  [/Hệ thống không hoạt động|system was down/i, "system_down"],
  [/dừng đột ngột|worker stopped|stopped unexpectedly/i, "worker_stopped"],
  [/closed by recovery/i, "closed_by_recovery"],
  [/^emergency cancelled$|dừng phát|operator stop|stopped by operator/i, "operator_stopped"],
  [/Đã hủy phát khẩn cấp|Emergency cancelled/i, "emergency_cancelled"],
  [/Hủy bởi người vận hành|Cancelled by an operator/i, "operator_cancelled"],
  [/Lịch phát đã thay đổi|schedule changed/i, "schedule_changed"],
  [/^emergency$/i, "preempted_emergency"],
  [/shutdown|shutting down/i, "shutdown"],
  [/fallback|dự phòng/i, "relay_fallback"],
  [/private|not allowed|không được phép|refused to relay/i, "relay_refused"],
  [/relay|tiếp sóng/i, "relay_failed"],
  [/sink|output|icecast|alsa|ENOENT|ENOTDIR|EACCES|ECONNREFUSED|đầu ra/i, "output_error"],
];

/** The code of a stored reason text ("" stays ""); unknown texts become "other" with the text as detail. */
export function classifyReason(text: string | null | undefined): Reason {
  const t = (text ?? "").trim();
  if (!t) return { code: "", params: {} };
  for (const [re, code, params] of PATTERNS) {
    const m = re.exec(t);
    if (m) return { code, params: params ? params(m) : {} };
  }
  return { code: "other", params: { detail: t.slice(0, 200) } };
}

export function reasonText(code: string, params: Reason["params"] | string, lang: "vi" | "en"): string {
  if (!code) return "";
  const p = typeof params === "string" ? parseParams(params) : params;
  const entry = CATALOGUE[code as Exclude<ReasonCode, "">] ?? CATALOGUE.other;
  return entry[lang](p);
}

export const reasonVi = (code: string, params: Reason["params"] | string = {}) => reasonText(code, params, "vi");
export const reasonEn = (code: string, params: Reason["params"] | string = {}) => reasonText(code, params, "en");

function parseParams(s: string): Reason["params"] {
  try {
    const v = JSON.parse(s || "{}") as unknown;
    return v && typeof v === "object" ? (v as Reason["params"]) : {};
  } catch {
    return {};
  }
}
