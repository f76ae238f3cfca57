// The alert catalogue: every kind reads as a full sentence in Vietnamese and English with
// the parameters it was given, and commune time is rendered in the commune's zone.
import { describe, expect, it } from "vitest";
import { ALERT_KINDS, alertMessage, communeIso, communeTime } from "../../server/alert-messages.ts";

const params = { zone: "Cụm loa thôn Đông", at: "05:30 01/12/2026", seconds: 12, worker: "may-1", attempts: 6, detail: "Máy chủ webhook trả về HTTP 500.", detailEn: "The webhook server answered HTTP 500.", reason: "Quá 10 phút so với giờ phát", nextSession: "17:00 01/12/2026", document: "12-CV/ĐU (Về tuyên truyền phòng, chống bão)", due: "04/12/2026", days: 2, program: "Chương trình sáng", items: '"Thông báo tiêm chủng"', count: 1 };

describe("alert messages", () => {
  it("renders every kind in both languages, with no placeholder left and no stand-in used", () => {
    for (const kind of ALERT_KINDS) {
      for (const lang of ["vi", "en"] as const) {
        const m = alertMessage(kind, params, lang);
        expect(m, `${kind} ${lang}`).toMatch(/\.$/);
        expect(m).not.toMatch(/\{|\}|undefined|\(không rõ\)|\(unknown\)/);
      }
    }
    expect(alertMessage("airing_missed", params, "vi")).toBe("Buổi phát lúc 05:30 01/12/2026 tại Cụm loa thôn Đông đã bị lỡ, không được phát (Quá 10 phút so với giờ phát).");
    expect(alertMessage("airing_missed", params, "en")).toBe("The session at 05:30 01/12/2026 on Cụm loa thôn Đông was missed and did not air (More than 10 min late).");
    expect(alertMessage("airing_dropout", params, "vi")).toBe("Mất tín hiệu phát 12 giây tại Cụm loa thôn Đông lúc 05:30 01/12/2026; phần này không đến được loa.");
    expect(alertMessage("zone_unserved", params, "vi")).toBe("Cụm loa thôn Đông không có tiến trình phát nào phục vụ; các buổi phát tại đây (buổi kế tiếp lúc 17:00 01/12/2026) sẽ không lên sóng.");
    expect(alertMessage("webhook_failed", params, "en")).toBe("Alerts could not be delivered to the webhook after 6 attempts (The webhook server answered HTTP 500.); check the address in Settings.");
  });

  it("says plainly when a parameter is missing, and names a kind it does not know", () => {
    expect(alertMessage("airing_failed", {}, "vi")).toBe("Buổi phát lúc (không rõ) tại (không rõ) bị lỗi, không phát được.");
    expect(alertMessage("future_kind", '{"detail":"x"}', "vi")).toBe("Cảnh báo hệ thống (future_kind): x.");
    expect(alertMessage("airing_failed", "not json", "en")).toBe("The session at (unknown) on (unknown) failed and did not air.");
  });

  it("formats instants in the commune's time zone", () => {
    const t = new Date("2026-11-30T22:30:05.000Z");
    expect(communeTime(t, "Asia/Ho_Chi_Minh")).toBe("05:30 01/12/2026");
    expect(communeTime(t, "Asia/Ho_Chi_Minh", true)).toBe("05:30:05 01/12/2026");
    expect(communeIso(t, "Asia/Ho_Chi_Minh")).toBe("2026-12-01T05:30:05+07:00");
    expect(communeIso(t, "America/St_Johns")).toBe("2026-11-30T19:00:05-03:30");
  });
});
