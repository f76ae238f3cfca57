// Reason texts an operator reads beside each run-down line, shortfall and conflict.
// Every text exists in Vietnamese (with diacritics) and English; this is the one place
// the domain layer words them.

export interface Bilingual {
  vi: string;
  en: string;
}

export type PeriodKind = "day" | "week";

export type ShortfallCause =
  | "session_full"
  | "min_gap"
  | "per_session_cap"
  | "no_eligible_items"
  | "no_session_in_window"
  | "no_session"
  | "failed_airings"
  | "no_session_left";

/** "30 phút" / "30 min", "1 giờ 30 phút" / "1 h 30 min", seconds below a minute. */
export function durationText(ms: number): Bilingual {
  const totalSec = Math.round(ms / 1000);
  if (totalSec < 60) return { vi: `${totalSec} giây`, en: `${totalSec} s` };
  const min = Math.round(totalSec / 60);
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h === 0) return { vi: `${m} phút`, en: `${m} min` };
  if (m === 0) return { vi: `${h} giờ`, en: `${h} h` };
  return { vi: `${h} giờ ${m} phút`, en: `${h} h ${m} min` };
}

/** "10/04/2026" for Vietnamese readers, ISO for English. */
export function dateText(localDate: string): Bilingual {
  const [y, m, d] = localDate.split("-");
  return { vi: `${d}/${m}/${y}`, en: localDate };
}

function periodWord(kind: PeriodKind): Bilingual {
  return kind === "day" ? { vi: "hôm nay", en: "today" } : { vi: "tuần này", en: "this week" };
}

const INTRO: Bilingual = Object.freeze({ vi: "Nhạc hiệu mở đầu", en: "Opening jingle" });
const OUTRO: Bilingual = Object.freeze({ vi: "Nhạc hiệu kết thúc", en: "Closing jingle" });
const PROGRAM: Bilingual = Object.freeze({ vi: "Theo chương trình", en: "Program entry" });
const PRIORITY: Bilingual = Object.freeze({ vi: "Tin ưu tiên: phát đầu chương trình", en: "Priority bulletin: played first in the program" });
export const introText = (): Bilingual => INTRO;
export const outroText = (): Bilingual => OUTRO;
export const programText = (): Bilingual => PROGRAM;
export const priorityText = (): Bilingual => PRIORITY;

/** A program entry that is also a campaign item: it counts toward the campaign and is never bumped. */
export function keyProgramText(campaignName: string, priority: boolean): Bilingual {
  const base = priority ? priorityText() : programText();
  return {
    vi: `${base.vi} (nội dung trọng điểm, chiến dịch ${campaignName})`,
    en: `${base.en} (key content, campaign ${campaignName})`,
  };
}

export interface CampaignLineFacts {
  campaignName: string;
  period: PeriodKind;
  aired: number; // completed airings so far in the period (as-run)
  target: number;
  /** Lines planned in other sessions of the period and not aired yet. */
  planned: number;
  /** Campaign insertions in this session, and how many of them are make-goods. */
  inserting: number;
  makingGood: number;
}

/**
 * E.g. "Chiến dịch Phòng chống bão: đã phát 1/3 hôm nay, bù 1 lần" /
 * "Campaign Storm preparedness: aired 1/3 today, making good 1"; "(đã lên lịch 2)" /
 * "(2 planned)" is added when other sessions of the period already carry lines.
 */
export function campaignLineText(f: CampaignLineFacts, makeGood: boolean): Bilingual {
  const p = periodWord(f.period);
  const pl = f.planned > 0 ? { vi: ` (đã lên lịch ${f.planned})`, en: ` (${f.planned} planned)` } : { vi: "", en: "" };
  const head = {
    vi: `Chiến dịch ${f.campaignName}: đã phát ${f.aired}/${f.target} ${p.vi}${pl.vi}`,
    en: `Campaign ${f.campaignName}: aired ${f.aired}/${f.target} ${p.en}${pl.en}`,
  };
  if (makeGood) {
    return { vi: `${head.vi}, bù ${f.makingGood} lần`, en: `${head.en}, making good ${f.makingGood}` };
  }
  const regular = f.inserting - f.makingGood;
  return { vi: `${head.vi}, chèn ${regular} lần theo kế hoạch`, en: `${head.en}, inserting ${regular} as planned` };
}

export function bumpedText(why: "key_content" | "too_long", maxDurationMs: number): Bilingual {
  const d = durationText(maxDurationMs);
  return why === "key_content"
    ? {
        vi: `Tạm hoãn: buổi phát đã đầy (tối đa ${d.vi}), nhường chỗ cho nội dung trọng điểm`,
        en: `Bumped: the session is full (max ${d.en}); key content takes precedence`,
      }
    : {
        vi: `Tạm hoãn: chương trình dài hơn thời lượng tối đa của buổi phát (${d.vi})`,
        en: `Bumped: the program is longer than the session's maximum length (${d.en})`,
      };
}

/** A line withheld because a leader has not approved its item (server/approval.ts). */
export function withheldText(approval: string | undefined): Bilingual {
  return approval === "rejected"
    ? { vi: "Không phát: tin bài bị lãnh đạo từ chối duyệt", en: "Not aired: a leader rejected the item" }
    : { vi: "Không phát: tin bài chưa được lãnh đạo duyệt", en: "Not aired: the item has not been approved by a leader" };
}

/** A line withheld because the program's arrangement (not the item) waits for approval. */
export function programWithheldText(approval: "pending" | "rejected"): Bilingual {
  return approval === "rejected"
    ? { vi: "Không phát: thay đổi chương trình bị lãnh đạo từ chối duyệt", en: "Not aired: a leader rejected the program change" }
    : { vi: "Không phát: thay đổi chương trình chưa được lãnh đạo duyệt", en: "Not aired: the program change has not been approved by a leader" };
}

export interface CauseFacts {
  minGapMin: number;
  maxPerSession: number;
  windows: readonly string[];
}

export function causeText(cause: ShortfallCause, f: CauseFacts): Bilingual {
  switch (cause) {
    case "session_full":
      return { vi: "các buổi phát đã đầy", en: "the sessions are full" };
    case "min_gap":
      return {
        vi: `quy định cách nhau tối thiểu ${f.minGapMin} phút giữa hai lần phát cùng một tin`,
        en: `the minimum gap of ${f.minGapMin} min between two plays of the same item leaves no room`,
      };
    case "per_session_cap":
      return {
        vi: `giới hạn tối đa ${f.maxPerSession} lần mỗi buổi phát`,
        en: `at most ${f.maxPerSession} per session are allowed`,
      };
    case "no_eligible_items":
      return { vi: "không có tin bài nào sẵn sàng để phát", en: "no campaign item is ready to air" };
    case "no_session_in_window":
      return {
        vi: `không có buổi phát nào trong khung giờ ${f.windows.join(", ")}`,
        en: `no session starts within the time windows ${f.windows.join(", ")}`,
      };
    case "no_session":
      return { vi: "không có buổi phát nào được lên lịch", en: "no session is scheduled" };
    case "failed_airings":
      return {
        vi: "có lần phát bị lỗi hoặc gián đoạn và không còn buổi phát nào sau đó để bù",
        en: "airings failed or were interrupted and no later session was left to make them good",
      };
    case "no_session_left":
      return { vi: "không còn buổi phát nào trong kỳ để bù", en: "no session was left in the period to make good" };
  }
}

export interface ShortfallFacts extends CauseFacts {
  campaignName: string;
  zoneName: string;
  period: PeriodKind;
  periodStart: string;
  target: number;
  aired: number;
  planned: number;
  cause: ShortfallCause;
}

/** "Missed, no make-good" explanation for one campaign, zone and period. */
export function shortfallText(f: ShortfallFacts): Bilingual {
  const d = dateText(f.periodStart);
  const when = f.period === "day" ? { vi: `ngày ${d.vi}`, en: `on ${d.en}` } : { vi: `tuần từ ${d.vi}`, en: `in the week of ${d.en}` };
  const missing = Math.max(0, f.target - f.aired - f.planned);
  const c = causeText(f.cause, f);
  const planned = f.planned > 0 ? { vi: `, đã lên lịch thêm ${f.planned}`, en: `, ${f.planned} more planned` } : { vi: "", en: "" };
  return {
    vi:
      `Chiến dịch ${f.campaignName}, cụm loa ${f.zoneName}, ${when.vi}: đã phát ${f.aired}/${f.target}${planned.vi}; ` +
      `thiếu ${missing} lần, không thể bù vì ${c.vi}.`,
    en:
      `Campaign ${f.campaignName}, zone ${f.zoneName}, ${when.en}: aired ${f.aired}/${f.target}${planned.en}; ` +
      `missed ${missing}, no make-good: ${c.en}.`,
  };
}

export interface OverlapFacts {
  otherName: string;
  zoneName: string;
  localDate: string;
  startTime: string;
  otherStartTime: string;
}

export function overlapText(f: OverlapFacts): Bilingual {
  const d = dateText(f.localDate);
  return {
    vi: `trùng với lịch "${f.otherName}" (bắt đầu ${f.otherStartTime}) tại cụm loa ${f.zoneName} ngày ${d.vi} lúc ${f.startTime}`,
    en: `overlaps "${f.otherName}" (starting ${f.otherStartTime}) on zone ${f.zoneName} on ${d.en} at ${f.startTime}`,
  };
}
