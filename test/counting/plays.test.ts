// The one definition of a play (server/domain/plays.ts), its reason catalogue, and the
// settling that stores the facts on each row — including two processes settling at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { airedLevel, campaignMatchers, campaignsOfPlay, dutyFromRoster, isPlay, outcomeOf, playRole, sessionKeyOf, PARTIAL_PLAY_FRACTION } from "../../server/domain/plays.ts";
import { classifyReason, reasonEn, reasonVi } from "../../server/domain/reasons.ts";
import { createDb, type Db } from "../../server/db/client.ts";
import { settlePlays } from "../../server/settle-plays.ts";
import { emptyDb } from "../reports/fixture.ts";

describe("what a play is", () => {
  it("counts completed rows, and interrupted ones only when almost all of it aired", () => {
    expect(PARTIAL_PLAY_FRACTION).toBe(0.9);
    expect(isPlay({ status: "completed", durationMs: 1000, plannedMs: 60_000 })).toBe(true);
    expect(isPlay({ status: "interrupted", durationMs: 54_000, plannedMs: 60_000 })).toBe(true);
    expect(isPlay({ status: "interrupted", durationMs: 53_999, plannedMs: 60_000 })).toBe(false);
    expect(isPlay({ status: "interrupted", durationMs: 5_000, plannedMs: 0 })).toBe(false); // unknown length: not a play
    for (const status of ["failed", "skipped", "playing"]) expect(isPlay({ status, durationMs: 60_000, plannedMs: 60_000 })).toBe(false);
  });

  it("is khẩn cấp in an emergency broadcast whatever the item's level; jingles are intro/outro lines", () => {
    expect(airedLevel("emergency", "normal")).toBe("emergency");
    expect(airedLevel("schedule", "priority")).toBe("priority");
    expect(airedLevel("manual", "bogus")).toBe("normal");
    expect([playRole("intro"), playRole("outro"), playRole("program"), playRole("make_good"), playRole(null)]).toEqual(["jingle", "jingle", "news", "news", "news"]);
  });

  it("keys a session by program and start (once across zones), an emergency by itself", () => {
    const start = new Date("2026-04-01T22:30:00Z");
    expect(sessionKeyOf({ id: 7, source: "schedule", programId: 3, emergencyId: null, scheduledStart: start })).toBe(`p3@${start.getTime()}`);
    expect(sessionKeyOf({ id: 8, source: "manual", programId: 3, emergencyId: null, scheduledStart: start })).toBe(`p3@${start.getTime()}`);
    expect(sessionKeyOf({ id: 9, source: "emergency", programId: null, emergencyId: 2, scheduledStart: start })).toBe(`e2@${start.getTime()}`);
  });

  it("counts a play for every campaign holding the item, in its zones, dates and session windows", () => {
    const base = { startDate: "2026-04-01", endDate: "2026-04-30", minGapMin: 0, maxPerSession: 1, perDay: 2 };
    const m = campaignMatchers([
      { ...base, id: 1, name: "a", itemIds: [10], zoneIds: "all", windows: [] },
      { ...base, id: 2, name: "b", itemIds: [10, 11], zoneIds: [1], windows: ["05:00-07:00"] },
      { ...base, id: 3, name: "c", itemIds: [10], zoneIds: "all", windows: [], enabled: false },
    ]);
    expect(campaignsOfPlay({ zoneId: 1, itemId: 10, localDate: "2026-04-02", sessionMinute: 330 }, m)).toEqual([1, 2]);
    expect(campaignsOfPlay({ zoneId: 1, itemId: 10, localDate: "2026-04-02", sessionMinute: 1020 }, m)).toEqual([1]); // outside b's window
    expect(campaignsOfPlay({ zoneId: 2, itemId: 11, localDate: "2026-04-02", sessionMinute: 330 }, m)).toEqual([]); // b is zone 1 only
    expect(campaignsOfPlay({ zoneId: 1, itemId: 10, localDate: "2026-05-01", sessionMinute: 330 }, m)).toEqual([]); // after the dates
  });

  it("does not call an operator's stop or a pre-emption a fault", () => {
    expect(outcomeOf({ status: "interrupted", reasonCode: "operator_stopped", audioMs: 5 })).toBe("stopped");
    expect(outcomeOf({ status: "interrupted", reasonCode: "preempted_emergency", audioMs: 0 })).toBe("preempted");
    expect(outcomeOf({ status: "interrupted", reasonCode: "worker_stopped", audioMs: 5 })).toBe("fault");
    expect(outcomeOf({ status: "aired", reasonCode: "", audioMs: 0 })).toBe("fault"); // "aired" with no audio never aired
    expect(outcomeOf({ status: "missed", reasonCode: "late_start", audioMs: 0 })).toBe("missed");
  });

  it("names the person on duty from the roster, across midnight too", () => {
    const roster = [{ days: [1, 2, 3, 4, 5], from: "04:00", to: "12:00", name: "Lan" }, { days: [6, 7], from: "22:00", to: "06:00", name: "Bình" }];
    expect(dutyFromRoster(roster, 3, 5 * 60 + 30)).toBe("Lan");
    expect(dutyFromRoster(roster, 6, 5 * 60)).toBe("Bình");
    expect(dutyFromRoster(roster, 3, 17 * 60)).toBe("");
  });
});

describe("reasons as codes, rendered in Vietnamese", () => {
  it("classifies every text the writers store", () => {
    const cases: [string, string][] = [
      ["Quá 10 phút so với giờ phát / More than 10 min late", "late_start"],
      ["Hệ thống không hoạt động lúc đến giờ phát / The system was down at air time", "system_down"],
      ["Tiến trình phát bị dừng đột ngột / The playout worker stopped unexpectedly", "worker_stopped"],
      ["Bị ngắt trước giờ phát / Pre-empted before air: Error: emergency", "preempted_emergency"],
      ["emergency", "preempted_emergency"],
      ["emergency cancelled", "operator_stopped"],
      ["Đã hủy phát khẩn cấp / Emergency cancelled", "emergency_cancelled"],
      ["Hủy bởi người vận hành / Cancelled by an operator", "operator_cancelled"],
      ["Lịch phát đã thay đổi / The schedule changed", "schedule_changed"],
      ["worker shutdown", "shutdown"],
      ["relay fallback", "relay_fallback"],
      ["closed by recovery", "closed_by_recovery"],
      ["worker stopped during playout", "worker_stopped"],
      ["ENOTDIR: not a directory, mkdir '/x/air/broken/zone'", "output_error"],
      ["something nobody foresaw", "other"],
    ];
    for (const [text, code] of cases) expect(classifyReason(text).code, text).toBe(code);
    expect(classifyReason("Quá 15 phút so với giờ phát").params).toEqual({ minutes: 15 });
  });

  it("prints Vietnamese in records and English only for the English UI", () => {
    expect(reasonVi("late_start", { minutes: 10 })).toBe("Quá 10 phút so với giờ phát");
    expect(reasonEn("late_start", '{"minutes":10}')).toBe("More than 10 min late");
    expect(reasonVi("other", { detail: "ECONNRESET socket hang up" })).toBe("Lỗi kỹ thuật"); // no English in official records
    expect(reasonVi("", {})).toBe("");
  });
});

describe("settling", () => {
  let a: Db;
  let b: Db;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const e = await emptyDb();
    a = e.db;
    cleanup = e.cleanup;
    b = await createDb(`file:${e.dir}/test.db`);
  });
  afterAll(async () => {
    await b?.$disconnect();
    await cleanup?.();
  });

  it("gives each (session, item, occurrence) one news unit, even when passes settle at once", async () => {
    await a.commune.create({ data: { id: 1, name: "Kiến Minh", timeZone: "Asia/Ho_Chi_Minh" } });
    const prog = await a.program.create({ data: { name: "Sáng" } });
    const item = await a.item.create({ data: { title: "Tin", kind: "tts", status: "ready", durationMs: 60_000 } });
    const start = new Date("2026-04-01T22:30:00Z");
    for (let z = 1; z <= 20; z++) {
      const zone = await a.zone.create({ data: { code: `z${z}`, name: `Z${z}`, outputKind: "file" } });
      const airing = await a.airing.create({ data: { zoneId: zone.id, programId: prog.id, source: "schedule", localDate: "2026-04-02", scheduledStart: start, maxDurationMs: 600_000, status: "aired" } });
      for (let k = 0; k < 2; k++) { // the item twice in the session (e.g. maxPerSession 2)
        const line = await a.rundownLine.create({ data: { airingId: airing.id, position: k, itemId: item.id, reason: "program", durationMs: 60_000 } });
        const t = new Date(start.getTime() + k * 61_000);
        await a.asRun.create({ data: { airingId: airing.id, zoneId: zone.id, itemId: item.id, rundownLineId: line.id, localDate: "2026-04-02", scheduledStart: t, actualStart: t, durationMs: 60_000, status: "completed", source: "schedule" } });
      }
    }
    // Interleaved passes (each await yields to the others) race for the same rows and units;
    // then a second connection finds nothing left to settle.
    await Promise.all([settlePlays(a), settlePlays(a), settlePlays(a)]);
    expect(await settlePlays(b)).toEqual({ rows: 0, airings: 0 });
    expect(await a.asRun.count({ where: { settled: true, counted: true } })).toBe(40);
    const units = await a.asRun.findMany({ where: { unitKey: { not: null } }, select: { unitKey: true } });
    expect(units.map((u) => u.unitKey).sort()).toEqual([`p${prog.id}@${start.getTime()}|${item.id}|1`, `p${prog.id}@${start.getTime()}|${item.id}|2`]);
    expect(await a.airing.count({ where: { settled: true, outcome: "aired", audioMs: 120_000 } })).toBe(20);
  });
});
