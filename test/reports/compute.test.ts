// Every breakdown of the October 2026 report against numbers worked out by hand from the
// crafted rows in fixture.ts (rows on 30 Sept and 1 Nov local time must not count).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeReport } from "../../server/reports/compute.ts";
import { resolvePeriod } from "../../server/reports/period.ts";
import { asRunFacetsSql, asRunZoneCampaignSql, createIndexSql, REPORT_INDEXES, reportStatements } from "../../server/reports/queries.ts";
import type { BroadcastReport } from "../../server/reports/types.ts";
import { createFixture, type Fixture } from "./fixture.ts";

let f: Fixture;
let rep: BroadcastReport;

beforeAll(async () => {
  f = await createFixture();
  rep = await computeReport(f.db, resolvePeriod({ kind: "month", value: "2026-10" }, "Asia/Ho_Chi_Minh"), { now: new Date("2026-11-01T00:00:00Z") });
});
afterAll(async () => f.cleanup());

describe("computeReport (October 2026 fixture)", () => {
  it("labels the period and the commune", () => {
    expect(rep.period).toEqual({ from: "2026-10-01", to: "2026-10-31", days: 31, key: "2026-10", labelVi: "tháng 10/2026", labelEn: "October 2026" });
    expect(rep.commune).toMatchObject({ name: "Kiến Minh", place: "Kiến Minh", timeZone: "Asia/Ho_Chi_Minh" });
  });

  it("counts sessions, programs, items and airtime", () => {
    expect(rep.totals).toEqual({
      sessionsAired: 7, // 6 aired + 1 interrupted (failed, missed, cancelled and other months excluded)
      sessionSlots: 4, // 1 Oct 06:00 and 17:00, 2 Oct 06:00, 3 Oct 09:00
      sessionsBySource: { schedule: 5, manual: 0, emergency: 2 },
      programsAired: 2,
      programDays: 3,
      itemsDistinct: 4, // deleted item not counted, the only-failed item not counted
      itemAirings: 11,
      airtimeMinutes: 30.3, // completed + interrupted durations: 1,818,000 ms
      ownMinutes: 15.3,
      relayMinutes: 15,
      emergencySessions: 2,
      emergencyItemAirings: 2,
      makeGoodAirings: 1,
      sessionStatus: { aired: 6, interrupted: 1, failed: 1, missed: 1, cancelled: 1 },
      itemStatus: { completed: 11, interrupted: 2, failed: 2, skipped: 1 },
    });
  });

  it("breaks down by topic, including topics with nothing aired and items without a topic", () => {
    expect(rep.byCategory.map((c) => [c.nameVi, c.itemsDistinct, c.airings, c.airtimeMinutes])).toEqual([
      ["Chính sách, pháp luật", 1, 5, 9.3],
      ["An ninh, trật tự", 1, 3, 3],
      ["Thiên tai, dịch bệnh", 1, 2, 3],
      ["Gương người tốt, việc tốt", 0, 0, 0],
      ["Chưa phân loại", 1, 1, 15],
    ]);
    expect(rep.byCategory.reduce((s, c) => s + c.airings, 0)).toBe(rep.totals.itemAirings);
  });

  it("breaks down by priority level", () => {
    expect(rep.byPriority.map((p) => [p.priority, p.labelVi, p.itemsDistinct, p.airings, p.airtimeMinutes])).toEqual([
      ["normal", "Thông thường", 2, 6, 24.3],
      ["priority", "Ưu tiên", 1, 3, 3],
      ["emergency", "Khẩn cấp", 1, 2, 3],
    ]);
  });

  it("breaks down by zone (a disabled zone with no activity is left out)", () => {
    expect(rep.byZone.map((z) => [z.code, z.sessionsAired, z.sessionsInterrupted, z.sessionsFailed, z.sessionsMissed, z.airings, z.airtimeMinutes])).toEqual([
      ["Z01", 4, 0, 0, 1, 7, 19.3],
      ["Z02", 3, 1, 1, 0, 4, 11],
    ]);
  });

  it("breaks down by item, most aired first", () => {
    const byId = new Map(rep.byItem.map((i) => [i.itemId, i]));
    expect(rep.byItem.slice(0, 3).map((i) => i.itemId)).toEqual([f.ids.i1, f.ids.i2, f.ids.i4]);
    expect(byId.get(f.ids.i1)).toMatchObject({ title: "Tuyên truyền Luật Đất đai 2024", airings: 4, airtimeMinutes: 8.5, interrupted: 1, categoryNameVi: "Chính sách, pháp luật" });
    expect(byId.get(f.ids.i2)).toMatchObject({ airings: 3, skipped: 1, priority: "priority", kind: "tts" });
    expect(byId.get(f.ids.i3)).toMatchObject({ airings: 1, interrupted: 1, airtimeMinutes: 15, kind: "relay", categoryId: null });
    expect(byId.get(f.ids.i4)).toMatchObject({ airings: 2, airtimeMinutes: 3, priority: "emergency" });
    expect(byId.get(f.ids.i5)).toMatchObject({ airings: 0, failed: 2 });
    expect(byId.get(null)).toMatchObject({ title: "(tin bài đã xoá)", airings: 1, airtimeMinutes: 0.8 });
    expect(rep.byItem).toHaveLength(6);
  });

  it("breaks down by day, with a row for every day of the month", () => {
    expect(rep.byDay).toHaveLength(31);
    expect(rep.byDay.slice(0, 3)).toEqual([
      { date: "2026-10-01", sessionsAired: 4, sessionProblems: 1, airings: 7, airtimeMinutes: 24.5, emergencyAirings: 0 },
      { date: "2026-10-02", sessionsAired: 1, sessionProblems: 2, airings: 2, airtimeMinutes: 2.8, emergencyAirings: 0 },
      { date: "2026-10-03", sessionsAired: 2, sessionProblems: 0, airings: 2, airtimeMinutes: 3, emergencyAirings: 2 },
    ]);
    expect(rep.byDay.slice(3).every((d) => d.airings === 0 && d.sessionsAired === 0)).toBe(true);
  });

  it("lists emergency broadcasts and problem sessions", () => {
    expect(rep.emergencies).toEqual([{ date: "2026-10-03", emergencyId: f.ids.e1, itemId: f.ids.i4, title: "Cảnh báo bão số 5", sessions: 2, zones: 2 }]);
    expect(rep.problems).toMatchObject({ failed: 1, interrupted: 1, missed: 1, truncated: false });
    expect(rep.problems.list.map((p) => [p.airingId, p.status, p.zoneName, p.programName])).toEqual([
      [f.ids.A4, "interrupted", "Cụm loa thôn Tây", "Chương trình chiều"],
      [f.ids.A6, "failed", "Cụm loa thôn Tây", "Chương trình sáng"],
      [f.ids.A7, "missed", "Cụm loa thôn Đông", "Chương trình chiều"],
    ]);
    expect(rep.problems.list[0]!.scheduledStart.toISOString()).toBe("2026-10-01T10:00:00.000Z");
  });

  it("caps the problem list but not the counts", async () => {
    const small = await computeReport(f.db, { from: "2026-10-01", to: "2026-10-31" }, { problemLimit: 2 });
    expect(small.problems).toMatchObject({ failed: 1, interrupted: 1, missed: 1, truncated: true });
    expect(small.problems.list).toHaveLength(2);
  });

  it("measures campaign compliance from the as-run log, clipped to the month", () => {
    expect(rep.campaigns).toEqual([
      {
        campaignId: f.ids.c1, name: "Tuyên truyền Luật Đất đai", startDate: "2026-09-25", endDate: "2026-10-02", enabled: true,
        perDay: 1, perWeek: null, overlapFrom: "2026-10-01", overlapTo: "2026-10-02", overlapDays: 2, zones: 2,
        targetPerZone: 2, target: 4, aired: 2, makeGoods: 1, compliancePct: 50, zonesBelowTarget: 1, shortfalls: 2, shortfallMissing: 2,
      },
      {
        campaignId: f.ids.c2, name: "Phòng chống bão", startDate: "2026-10-03", endDate: "2026-12-31", enabled: true,
        perDay: null, perWeek: 3, overlapFrom: "2026-10-03", overlapTo: "2026-10-31", overlapDays: 29, zones: 2, // all enabled zones
        targetPerZone: 13, target: 26, aired: 1, makeGoods: 0, compliancePct: 3.8, zonesBelowTarget: 2, shortfalls: 0, shortfallMissing: 0,
      },
    ]);
  });

  it("counts the day before and after by the local date only", async () => {
    const sept = await computeReport(f.db, { from: "2026-09-30", to: "2026-09-30" });
    expect(sept.totals).toMatchObject({ sessionsAired: 1, itemAirings: 1 });
    expect(sept.campaigns.find((c) => c.campaignId === f.ids.c1)).toMatchObject({ aired: 1, target: 2, compliancePct: 50 });
    const nov1 = await computeReport(f.db, { from: "2026-11-01", to: "2026-11-01" });
    expect(nov1.totals).toMatchObject({ sessionsAired: 1, itemAirings: 1 });
  });

  it("reads the as-run log through an index, never a full table scan", async () => {
    for (const stmt of reportStatements({ from: "2026-10-01", to: "2026-10-31" })) {
      const plan = await f.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${stmt.sql}`, ...stmt.values);
      const details = plan.map((p) => p.detail);
      expect(details.filter((d) => /^SCAN (AsRun|Airing|a)\b(?!.*INDEX)/.test(d)), details.join(" | ")).toEqual([]);
    }
  });

  it("streams both as-run statements along the recommended covering indexes, with the same results", async () => {
    for (const ix of REPORT_INDEXES) await f.db.$executeRawUnsafe(createIndexSql(ix));
    const r = { from: "2026-10-01", to: "2026-10-31" };
    for (const [stmt, index] of [[asRunFacetsSql(r), "AsRun_report_item_idx"], [asRunZoneCampaignSql(r), "AsRun_report_zone_idx"]] as const) {
      const plan = (await f.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${stmt.sql}`, ...stmt.values)).map((p) => p.detail);
      expect(plan.join(" | ")).toContain(`SEARCH AsRun USING COVERING INDEX ${index} (localDate>? AND localDate<?)`);
      // The inner GROUP BY (right after the index search) needs no sort.
      expect(plan[plan.findIndex((d) => d.includes(index)) + 1]).not.toMatch(/TEMP B-TREE/);
    }
    const again = await computeReport(f.db, resolvePeriod({ kind: "month", value: "2026-10" }, "Asia/Ho_Chi_Minh"), { now: rep.generatedAt });
    expect(again).toEqual(rep);
  });
});
