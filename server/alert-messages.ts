// The alert catalogue: what each kind of alert says, in Vietnamese (first: what the commune
// reads, forwards to its chat group and files) and English, rendered from the parameters
// stored with the alert. Stored rows keep kind + params only, so wording can be corrected
// here and every alert, old ones included, reads the new way.
import { classifyReason, reasonText } from "./domain/reasons.ts";
import { zoneOffsetMs } from "./domain/time.ts";

export type AlertParams = Record<string, string | number>;

export const ALERT_KINDS = [
  "airing_failed",
  "airing_interrupted",
  "airing_missed",
  "airing_dropout",
  "output_down",
  "redis_down",
  "worker_lost",
  "scheduler_lost",
  "zone_unserved",
  "webhook_failed",
  "directive_overdue",
  "content_withheld",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

type Lang = "vi" | "en";
type Render = (p: AlertParams, lang: Lang) => string;

/** A parameter as text, with a neutral stand-in when a producer left it out. */
const v = (p: AlertParams, k: string, lang: Lang) => {
  const x = p[k];
  return x === undefined || x === "" ? (lang === "vi" ? "(không rõ)" : "(unknown)") : String(x);
};

/** " (reason)" from a stored statusReason text, rendered through the reason catalogue. */
const reason = (p: AlertParams, lang: Lang) => {
  const r = p.reason === undefined ? "" : String(p.reason);
  if (!r) return "";
  const c = classifyReason(r);
  return ` (${reasonText(c.code, c.params, lang)})`;
};

// Parameters per kind (all optional; producers pass what they know):
//   zone  — the zone (cụm loa) name;  at — commune time "HH:MM DD/MM/YYYY";
//   reason — the airing's statusReason;  seconds — length of a dropout;
//   worker — a worker id;  detail / detailEn — a technical detail (Vietnamese / English);
//   attempts — delivery attempts;  nextSession — the next session's commune time;
//   document — a directive's "số, ký hiệu" and trích yếu;  due — its due date (dd/mm/yyyy);
//   days — days past it;  program, items, count — a session's program and the items withheld
//   from it for want of approval.
// A time passed as an ISO instant is stored as commune time by raiseAlert.
const CATALOGUE: Record<AlertKind, { vi: Render; en: Render }> = {
  airing_failed: {
    vi: (p) => `Buổi phát lúc ${v(p, "at", "vi")} tại ${v(p, "zone", "vi")} bị lỗi, không phát được${reason(p, "vi")}.`,
    en: (p) => `The session at ${v(p, "at", "en")} on ${v(p, "zone", "en")} failed and did not air${reason(p, "en")}.`,
  },
  airing_interrupted: {
    vi: (p) => `Buổi phát lúc ${v(p, "at", "vi")} tại ${v(p, "zone", "vi")} bị gián đoạn, chưa phát hết${reason(p, "vi")}.`,
    en: (p) => `The session at ${v(p, "at", "en")} on ${v(p, "zone", "en")} was interrupted before its end${reason(p, "en")}.`,
  },
  airing_missed: {
    vi: (p) => `Buổi phát lúc ${v(p, "at", "vi")} tại ${v(p, "zone", "vi")} đã bị lỡ, không được phát${reason(p, "vi")}.`,
    en: (p) => `The session at ${v(p, "at", "en")} on ${v(p, "zone", "en")} was missed and did not air${reason(p, "en")}.`,
  },
  airing_dropout: {
    vi: (p) => `Mất tín hiệu phát ${p.seconds !== undefined ? `${p.seconds} giây ` : ""}tại ${v(p, "zone", "vi")} lúc ${v(p, "at", "vi")}; phần này không đến được loa.`,
    en: (p) => `Audio dropped out ${p.seconds !== undefined ? `for ${p.seconds} s ` : ""}on ${v(p, "zone", "en")} at ${v(p, "at", "en")}; that part did not reach the speakers.`,
  },
  output_down: {
    vi: (p) => `Mất kết nối đầu ra âm thanh của ${v(p, "zone", "vi")}${p.at !== undefined ? ` từ ${p.at}` : ""}; loa không nhận được tín hiệu.`,
    en: (p) => `The audio output of ${v(p, "zone", "en")} is down${p.at !== undefined ? ` since ${p.at}` : ""}; the speakers receive nothing.`,
  },
  redis_down: {
    vi: (p) => `Mất kết nối Redis (hàng đợi công việc)${p.at !== undefined ? ` từ ${p.at}` : ""}; các buổi phát sắp tới có thể không được chuẩn bị.`,
    en: (p) => `Redis (the job queue) is unreachable${p.at !== undefined ? ` since ${p.at}` : ""}; upcoming sessions may not be prepared.`,
  },
  worker_lost: {
    vi: (p) => `Mất liên lạc với tiến trình phát ${v(p, "worker", "vi")}; các buổi phát do tiến trình này đảm nhận sẽ được chuyển sang tiến trình khác nếu có.`,
    en: (p) => `Lost contact with the playout worker ${v(p, "worker", "en")}; its sessions move to another worker if one is available.`,
  },
  scheduler_lost: {
    vi: () => "Bộ lập lịch không hoạt động; lịch phát mới sẽ không được chuẩn bị cho đến khi khởi động lại.",
    en: () => "The scheduler is not running; no new sessions are prepared until it restarts.",
  },
  zone_unserved: {
    vi: (p) => `${v(p, "zone", "vi")} không có tiến trình phát nào phục vụ; các buổi phát tại đây${p.nextSession ? ` (buổi kế tiếp lúc ${p.nextSession})` : ""} sẽ không lên sóng.`,
    en: (p) => `No playout worker serves ${v(p, "zone", "en")}; its sessions${p.nextSession ? ` (next at ${p.nextSession})` : ""} will not air.`,
  },
  webhook_failed: {
    vi: (p) => `Không gửi được cảnh báo tới địa chỉ webhook sau ${v(p, "attempts", "vi")} lần thử${p.detail ? ` (${p.detail})` : ""}; hãy kiểm tra địa chỉ trong phần Cài đặt.`,
    en: (p) => `Alerts could not be delivered to the webhook after ${v(p, "attempts", "en")} attempts${p.detailEn ?? p.detail ? ` (${p.detailEn ?? p.detail})` : ""}; check the address in Settings.`,
  },
  directive_overdue: {
    vi: (p) => `Văn bản ${v(p, "document", "vi")} đã quá hạn phát (hạn ${v(p, "due", "vi")}${p.days !== undefined ? `, quá ${p.days} ngày` : ""}) mà chưa được phát trên hệ thống truyền thanh.`,
    en: (p) => `Directive ${v(p, "document", "en")} is past its due date (${v(p, "due", "en")}${p.days !== undefined ? `, ${p.days} day(s) late` : ""}) and has not aired on the loudspeakers.`,
  },
  content_withheld: {
    vi: (p) => `Buổi phát lúc ${v(p, "at", "vi")}${p.program ? ` (${p.program})` : ""} phát thiếu ${v(p, "count", "vi")} tin bài chưa được lãnh đạo duyệt: ${v(p, "items", "vi")}.`,
    en: (p) => `The session at ${v(p, "at", "en")}${p.program ? ` (${p.program})` : ""} airs without ${v(p, "count", "en")} item(s) not approved by a leader: ${v(p, "items", "en")}.`,
  },
};

export function isAlertKind(k: string): k is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(k);
}

export function alertMessage(kind: string, params: AlertParams | string, lang: Lang): string {
  const p = typeof params === "string" ? parseAlertParams(params) : params;
  if (isAlertKind(kind)) return CATALOGUE[kind][lang](p, lang);
  // A kind this version does not know (written by a newer process): say so plainly.
  const detail = p.detail ? `: ${p.detail}` : "";
  return lang === "vi" ? `Cảnh báo hệ thống (${kind})${detail}.` : `System alert (${kind})${detail}.`;
}

export const alertMessages = (kind: string, params: AlertParams | string) => ({
  messageVi: alertMessage(kind, params, "vi"),
  messageEn: alertMessage(kind, params, "en"),
});

export function parseAlertParams(s: string): AlertParams {
  try {
    const x = JSON.parse(s || "{}") as unknown;
    if (!x || typeof x !== "object" || Array.isArray(x)) return {};
    return Object.fromEntries(Object.entries(x).filter(([, val]) => typeof val === "string" || typeof val === "number")) as AlertParams;
  } catch {
    return {};
  }
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "05:30 01/12/2026" in the commune's time zone (seconds too when asked: dropouts). */
export function communeTime(instant: Date, timeZone: string, withSeconds = false): string {
  const w = new Date(instant.getTime() + zoneOffsetMs(timeZone, instant.getTime()));
  const time = `${pad2(w.getUTCHours())}:${pad2(w.getUTCMinutes())}${withSeconds ? `:${pad2(w.getUTCSeconds())}` : ""}`;
  return `${time} ${pad2(w.getUTCDate())}/${pad2(w.getUTCMonth() + 1)}/${w.getUTCFullYear()}`;
}

/** ISO 8601 in the commune's time zone with its offset: "2026-12-01T05:30:00+07:00". */
export function communeIso(instant: Date, timeZone: string): string {
  const off = zoneOffsetMs(timeZone, instant.getTime());
  const wall = new Date(instant.getTime() + off);
  const sign = off < 0 ? "-" : "+";
  const a = Math.abs(off) / 60_000;
  return `${wall.toISOString().slice(0, 19)}${sign}${pad2(Math.floor(a / 60))}:${pad2(a % 60)}`;
}
