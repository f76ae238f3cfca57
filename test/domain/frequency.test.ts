// One test per frequency rule, through the pure planner (the path the scheduler uses).
import { describe, expect, it } from "vitest";
import type { CampaignSpec } from "../../server/domain/campaign.ts";
import type { AsRunRecord, PendingAiring } from "../../server/domain/frequency.ts";
import { spreadCumulative } from "../../server/domain/frequency.ts";
import { planSessions, type PlanInput } from "../../server/domain/plan.ts";
import type { ScheduleSpec } from "../../server/domain/recurrence.ts";
import { TZ, asRun, at, campaign, daily, item, program } from "./fixtures.ts";

const DAY = "2026-04-08"; // a Wednesday
const items = [item(101, 120), item(102, 120), item(103, 120), item(104, 120), item(201, 60), item(202, 60), item(203, 60)];
const twoSessions = [daily(1, 1, "05:30", [1]), daily(2, 1, "17:00", [1])];

function plan(c: CampaignSpec[], extra: Partial<PlanInput> = {}) {
  return planSessions({
    timeZone: TZ,
    from: at(DAY, "00:00"),
    to: at(DAY, "23:59"),
    schedules: twoSessions,
    programs: [program(1, [101, 102, 103, 104])],
    items,
    campaigns: c,
    asRun: [],
    ...extra,
  });
}
const inserted = (r: ReturnType<typeof plan>, startTime: string) =>
  r.sessions.find((s) => s.startTime === startTime)!.lines.filter((l) => !l.bumped && l.campaignId != null).map((l) => l.itemId);

describe("frequency engine rules", () => {
  it("spreads a daily target evenly, front-loading the remainder", () => {
    expect(spreadCumulative(3, 2, 2)).toEqual([0, 2, 3]);
    expect(spreadCumulative(2, 2, 2)).toEqual([0, 1, 2]);
    expect(spreadCumulative(5, 2, 2)).toEqual([0, 2, 4]);
    const r = plan([campaign({ id: 1, itemIds: [201, 202], perDay: 3, maxPerSession: 2 })]);
    expect(inserted(r, "05:30")).toEqual([201, 202]);
    expect(inserted(r, "17:00")).toEqual([201]); // round-robin continues in the next session
    expect(r.shortfalls).toEqual([]);
  });

  it("window: inserts only into sessions whose start lies in a window", () => {
    const r = plan([campaign({ id: 1, itemIds: [201, 202], perDay: 2, maxPerSession: 2, windows: ["05:00-07:00"] })]);
    expect(inserted(r, "05:30")).toEqual([201, 202]);
    expect(inserted(r, "17:00")).toEqual([]);
    const overnight = plan([campaign({ id: 1, itemIds: [201], perDay: 2, windows: ["16:00-06:00"] })]);
    expect(inserted(overnight, "05:30")).toEqual([201]);
    expect(inserted(overnight, "17:00")).toEqual([201]);
    const none = plan([campaign({ id: 1, itemIds: [201], perDay: 1, windows: ["09:00-10:00"] })]);
    expect(none.sessions.flatMap((s) => s.lines).filter((l) => l.campaignId)).toEqual([]);
    // No session in the window: the day has no target (plays.ts), so no shortfall either;
    // the campaign form warns about such a campaign before it is saved.
    expect(none.shortfalls).toEqual([]);
  });

  it("min gap: never two airings of an item closer than minGapMin (aired, pending or planned)", () => {
    // One item, 3/day, up to 3 per session, 60 min apart: once per session at most.
    const r = plan([campaign({ id: 1, itemIds: [201], perDay: 3, maxPerSession: 3, minGapMin: 60 })]);
    expect(inserted(r, "05:30")).toEqual([201]);
    expect(inserted(r, "17:00")).toEqual([201]);
    expect(r.shortfalls).toMatchObject([{ campaignId: 1, target: 3, aired: 0, planned: 2, cause: "min_gap" }]);
    expect(r.shortfalls[0]!.reasonVi).toContain("quy định cách nhau tối thiểu 60 phút giữa hai lần phát cùng một tin");
    // An airing at 05:00 (even a failed one: listeners heard part of it) blocks 201 at 05:30.
    const solo = plan([campaign({ id: 1, itemIds: [201], perDay: 2, maxPerSession: 2, minGapMin: 60 })], { asRun: [asRun(1, 201, DAY, "05:00", "failed")] });
    expect(inserted(solo, "05:30")).toEqual([]);
    expect(inserted(solo, "17:00")).toEqual([201]);
    expect(solo.shortfalls).toMatchObject([{ target: 2, aired: 0, planned: 1, cause: "min_gap" }]);
    // A later, frozen airing (e.g. a manual one at 06:00) blocks 202 too: the gap is two-sided.
    const c = campaign({ id: 1, itemIds: [201, 202], perDay: 2, minGapMin: 60 });
    const pending: PendingAiring[] = [{ scheduleId: null, zoneId: 1, scheduledStart: at(DAY, "06:00"), localDate: DAY, lines: [{ itemId: 202, offsetMs: 0 }] }];
    const both = plan([c], { asRun: [asRun(1, 201, DAY, "05:00", "failed")], pending });
    expect(inserted(both, "05:30")).toEqual([]);
    expect(inserted(both, "17:00")).toEqual([201]); // 202 at 06:00 counts as planned: 1 + 1 = 2
    expect(both.shortfalls).toEqual([]);
  });

  it("per-session cap: at most maxPerSession insertions, the rest reported", () => {
    const r = plan([campaign({ id: 1, itemIds: [201, 202, 203], perDay: 3, maxPerSession: 1 })]);
    expect(inserted(r, "05:30")).toEqual([201]);
    expect(inserted(r, "17:00")).toEqual([202]);
    expect(r.shortfalls).toMatchObject([{ campaignId: 1, target: 3, aired: 0, planned: 2, cause: "per_session_cap" }]);
    expect(r.shortfalls[0]!.reasonEn).toBe(
      "Campaign Phòng chống bão, zone 1, on 2026-04-08: aired 0/3, 2 more planned; missed 1, no make-good: at most 1 per session are allowed.",
    );
  });

  it("bump order: later normal entries first, then priority entries; key entries and length kept", () => {
    const its = [item(101, 400, "priority"), item(102, 400), item(103, 400), item(104, 400), ...[201, 202, 203, 204, 205].map((i) => item(i, 300))];
    const sched = [daily(1, 1, "05:30", [1])];
    const run = (perDay: number) =>
      planSessions({
        timeZone: TZ, from: at(DAY, "00:00"), to: at(DAY, "23:59"), schedules: sched, programs: [program(1, [101, 102, 103, 104], { gapMs: 0 })],
        items: its, campaigns: [campaign({ id: 1, itemIds: [201, 202, 203, 204, 205], perDay, maxPerSession: 5 })],
      }).sessions[0]!;
    const four = run(4);
    expect(four.lines.filter((l) => !l.bumped).map((l) => [l.itemId, l.reason])).toEqual([
      [101, "priority"], [201, "campaign"], [202, "campaign"], [203, "campaign"], [204, "campaign"],
    ]);
    expect(four.lines.filter((l) => l.bumped).map((l) => l.itemId)).toEqual([102, 103, 104]);
    expect(four.totalMs).toBe(1600_000);
    const five = run(5);
    expect(five.lines.filter((l) => l.bumped).map((l) => l.itemId)).toEqual([101, 102, 103, 104]);
    expect(five.totalMs).toBe(1500_000);
    expect(five.lines.find((l) => l.bumped)!.reasonVi).toBe("Tạm hoãn: buổi phát đã đầy (tối đa 30 phút), nhường chỗ cho nội dung trọng điểm");
    // Six would not fit even with every program entry bumped: the engine stops and reports.
    const six = planSessions({
      timeZone: TZ, from: at(DAY, "00:00"), to: at(DAY, "23:59"), schedules: sched, programs: [program(1, [101], { gapMs: 0 })],
      items: [...its, item(206, 300)], campaigns: [campaign({ id: 1, itemIds: [201, 202, 203, 204, 205, 206], perDay: 7, maxPerSession: 7 })],
    });
    expect(six.sessions[0]!.lines.filter((l) => !l.bumped).length).toBe(6);
    expect(six.sessions[0]!.totalMs).toBe(1800_000);
    expect(six.shortfalls).toMatchObject([{ target: 7, planned: 6, cause: "session_full" }]);
  });

  it("make-good: a failed airing leaves the deficit open and the next session makes it good", () => {
    const c = campaign({ id: 1, itemIds: [201, 202], perDay: 3, maxPerSession: 2 });
    const log: AsRunRecord[] = [asRun(1, 201, DAY, "05:30"), asRun(1, 202, DAY, "05:31", "failed")];
    const r = plan([c], { from: at(DAY, "12:00"), asRun: log });
    const lines = r.sessions[0]!.lines.filter((l) => l.campaignId === 1);
    expect(lines.map((l) => [l.itemId, l.reason])).toEqual([[202, "make_good"], [201, "campaign"]]);
    expect(lines[0]!.reasonVi).toBe("Chiến dịch Phòng chống bão: đã phát 1/3 hôm nay, bù 1 lần");
    expect(lines[0]!.reasonEn).toBe("Campaign Phòng chống bão: aired 1/3 today, making good 1");
    expect(lines[1]!.reasonVi).toBe("Chiến dịch Phòng chống bão: đã phát 1/3 hôm nay, chèn 1 lần theo kế hoạch");
    // Without the failure the evening carries its planned share only.
    const ok = plan([c], { from: at(DAY, "12:00"), asRun: [asRun(1, 201, DAY, "05:30"), asRun(1, 202, DAY, "05:31")] });
    expect(ok.sessions[0]!.lines.filter((l) => l.campaignId === 1).map((l) => l.reason)).toEqual(["campaign"]);
  });

  it("shortfall at period end: missed, no make-good, with the reason", () => {
    const c = campaign({ id: 1, itemIds: [201], perDay: 2, maxPerSession: 1 });
    // The evening is the last chance and can carry only one: reported when it is planned.
    const evening = plan([c], { from: at(DAY, "12:00"), asRun: [asRun(1, 201, DAY, "05:30", "failed")] });
    expect(evening.shortfalls).toMatchObject([{ campaignId: 1, zoneId: 1, periodKind: "day", periodStart: DAY, target: 2, aired: 0, planned: 1, cause: "per_session_cap" }]);
    // After the day's last session: 1 of 2 aired, nothing left → failed_airings.
    const after = plan([c], { from: at(DAY, "18:00"), asRun: [asRun(1, 201, DAY, "05:30", "failed"), asRun(1, 201, DAY, "17:00")] });
    expect(after.sessions).toEqual([]);
    expect(after.shortfalls).toMatchObject([{ target: 2, aired: 1, planned: 0, cause: "failed_airings" }]);
    expect(after.shortfalls[0]!.reasonVi).toBe(
      "Chiến dịch Phòng chống bão, cụm loa 1, ngày 08/04/2026: đã phát 1/2; thiếu 1 lần, không thể bù vì có lần phát bị lỗi hoặc gián đoạn và không còn buổi phát nào sau đó để bù.",
    );
    // A period that is still open (the horizon ends before its last session) is not reported.
    expect(plan([{ ...c, perDay: 5 }], { to: at(DAY, "12:00") }).shortfalls).toEqual([]);
    // A met target is not reported.
    expect(plan([c], { from: at(DAY, "18:00"), asRun: [asRun(1, 201, DAY, "05:30"), asRun(1, 201, DAY, "17:00")] }).shortfalls).toEqual([]);
  });

  it("places key content after intro and priority entries, before normal ones", () => {
    const r = planSessions({
      timeZone: TZ, from: at(DAY, "00:00"), to: at(DAY, "12:00"), schedules: twoSessions,
      programs: [program(1, [101, 102, 103], { introItemId: 104 })],
      items: [...items.filter((i) => i.id !== 102), item(102, 120, "priority")],
      campaigns: [campaign({ id: 1, itemIds: [201], perDay: 1 })],
    });
    expect(r.sessions[0]!.lines.map((l) => [l.itemId, l.reason])).toEqual([[104, "intro"], [102, "priority"], [201, "campaign"], [101, "program"], [103, "program"]]);
  });

  it("round-robin: the least-aired item of the campaign first, deterministic", () => {
    const three = [daily(1, 1, "05:30", [1]), daily(2, 1, "11:00", [1]), daily(3, 1, "17:00", [1])];
    const c = campaign({ id: 1, itemIds: [203, 201, 202], perDay: 3 });
    const r = plan([c], { schedules: three });
    expect(r.sessions.map((s) => s.lines.find((l) => l.campaignId)!.itemId)).toEqual([203, 201, 202]); // campaign order on ties
    const later = plan([c], { schedules: three, from: at(DAY, "10:00"), asRun: [asRun(1, 201, DAY, "05:30"), asRun(1, 203, "2026-04-07", "17:00")] });
    expect(later.sessions.map((s) => s.lines.find((l) => l.campaignId)!.itemId)).toEqual([202, 203]);
  });

  it("weekly targets spread over the ISO week and make good on later days", () => {
    const one = [daily(1, 1, "05:30", [1])];
    const c = campaign({ id: 1, itemIds: [201, 202], perDay: null, perWeek: 7, maxPerSession: 2 });
    const week = planSessions({ timeZone: TZ, from: at("2026-04-06", "00:00"), to: at("2026-04-13", "00:00"), schedules: one, programs: [program(1, [101])], items, campaigns: [c] });
    expect(week.sessions.map((s) => s.lines.filter((l) => l.campaignId).length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(week.sessions[0]!.lines.find((l) => l.campaignId)!.reasonVi).toBe("Chiến dịch Phòng chống bão: đã phát 0/7 tuần này, chèn 1 lần theo kế hoạch");
    const tue = planSessions({
      timeZone: TZ, from: at("2026-04-07", "00:00"), to: at("2026-04-08", "00:00"), schedules: one, programs: [program(1, [101])], items, campaigns: [c],
      asRun: [asRun(1, 201, "2026-04-06", "05:30", "failed")],
    });
    expect(tue.sessions[0]!.lines.filter((l) => l.campaignId).map((l) => l.reason)).toEqual(["make_good", "campaign"]);
  });

  it("counts pending airings as planned and does not re-plan them; honours campaign zones", () => {
    const c = campaign({ id: 1, itemIds: [201, 202], perDay: 3, maxPerSession: 2, zoneIds: [1] });
    const sched: ScheduleSpec[] = [daily(1, 1, "05:30", [1, 2]), daily(2, 1, "17:00", [1, 2])];
    const pending: PendingAiring[] = [
      { scheduleId: 1, zoneId: 1, scheduledStart: at(DAY, "05:30"), localDate: DAY, lines: [{ itemId: 201, offsetMs: 0 }, { itemId: 202, offsetMs: 61_000 }] },
    ];
    const r = plan([c], { schedules: sched, pending });
    expect(r.sessions.map((s) => [s.zoneId, s.startTime])).toEqual([[2, "05:30"], [1, "17:00"], [2, "17:00"]]);
    expect(inserted(r, "17:00")).toEqual([201]); // zone 1: 2 pending + 1
    expect(r.sessions.filter((s) => s.zoneId === 2).flatMap((s) => s.lines).filter((l) => l.campaignId)).toEqual([]);
  });
});
