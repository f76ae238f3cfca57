// Every breakdown of the October 2026 report against numbers worked out by hand from the
// crafted rows in fixture.ts (rows on 30 Sept and 1 Nov local time must not count). The
// rows carry no run-down lines, so every row is news and only "completed" rows are plays.
//
// Sessions (buổi): p1 1/10 06:00 (A1 Z01, A2 Z02), p2 1/10 17:00 (A3, A4), p1 2/10 06:00
// (A5; A6 failed), p2 2/10 17:00 (A7 missed; A8 cancelled), emergency 3/10 09:00 (A9, A10).
// → 3 programs aired on 2 days; the 2/10 17:00 program aired nowhere (missed).
// News units (once per session): 1/10 06:00 i1 i2 i3 · 1/10 17:00 i1 i2 · 2/10 06:00 i1 and
// the deleted item → 7 in programs (3 distinct items); the emergency's i4 → 1.
// Plays per zone (completed news rows): A1 3, A2 2, A3 1, A4 1, A5 2, A9 1, A10 1 = 11.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeReport } from "../../server/reports/compute.ts";
import { resolvePeriod } from "../../server/reports/period.ts";
import { createIndexSql, playFacetsSql, REPORT_INDEXES, reportStatements } from "../../server/reports/queries.ts";
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

  it("counts programs as sessions once across zones, news items once per session, plays per zone", () => {
    expect(rep.totals).toEqual({
      programs: 3,
      daysAired: 2,
      newsItems: 7,
      itemsDistinct: 3, // i1, i2, i3 (the deleted item has no id)
      emergencyBroadcasts: 1,
      emergencyItems: 1,
      plays: 11,
      makeGoodPlays: 1,
      zoneSessionsAired: 7, // A1 A2 A3 A4 A5 A9 A10: some audio went out
      airtimeMinutes: 19.3, // longest zone per session: 780 + 120 + 168 + 90 s
      ownMinutes: 10.3, // units: i1 3×120 + i2 2×60 + deleted 48 + i4 90 s
      relayMinutes: 10, // the relay unit of 1/10 06:00 (Z01's 600 s)
      zoneSessions: { aired: 6, stopped: 0, preempted: 0, fault: 2, missed: 1, cancelled: 1 },
      sessionsMissed: 1,
    });
  });

  it("breaks down by topic (news items once per session), including topics with nothing aired", () => {
    expect(rep.byCategory.map((c) => [c.nameVi, c.itemsDistinct, c.newsItems, c.plays, c.airtimeMinutes])).toEqual([
      ["Chính sách, pháp luật", 1, 4, 5, 6.8],
      ["An ninh, trật tự", 1, 2, 3, 2],
      ["Thiên tai, dịch bệnh", 1, 1, 2, 1.5],
      ["Gương người tốt, việc tốt", 0, 0, 0, 0],
      ["Chưa phân loại", 1, 1, 1, 10],
    ]);
    expect(rep.byCategory.reduce((s, c) => s + c.newsItems, 0)).toBe(rep.totals.newsItems + rep.totals.emergencyItems);
  });

  it("breaks down by the level items aired at: an emergency broadcast is khẩn cấp", () => {
    expect(rep.byLevel.map((p) => [p.level, p.labelVi, p.itemsDistinct, p.newsItems, p.plays])).toEqual([
      ["normal", "Thông thường", 2, 5, 6],
      ["priority", "Ưu tiên", 1, 2, 3],
      ["emergency", "Khẩn cấp", 1, 1, 2],
    ]);
  });

  it("breaks down by zone: faults, missed and plays per zone (a disabled zone with no activity is left out)", () => {
    expect(rep.byZone.map((z) => [z.code, z.sessionsAired, z.stopped, z.preempted, z.faults, z.missed, z.plays, z.airtimeMinutes])).toEqual([
      ["Z01", 4, 0, 0, 0, 1, 7, 19.3],
      ["Z02", 3, 0, 0, 2, 0, 4, 11],
    ]);
  });

  it("breaks down by item, most news items first", () => {
    const byId = new Map(rep.byItem.map((i) => [i.itemId, i]));
    expect(rep.byItem[0]!.itemId).toBe(f.ids.i1);
    expect(byId.get(f.ids.i1)).toMatchObject({ title: "Tuyên truyền Luật Đất đai 2024", newsItems: 3, plays: 4, airtimeMinutes: 6, cut: 1, categoryNameVi: "Chính sách, pháp luật" });
    expect(byId.get(f.ids.i2)).toMatchObject({ newsItems: 2, plays: 3, skipped: 1, level: "priority", kind: "tts" });
    expect(byId.get(f.ids.i3)).toMatchObject({ newsItems: 1, plays: 1, cut: 1, airtimeMinutes: 10, kind: "relay", categoryId: null });
    expect(byId.get(f.ids.i4)).toMatchObject({ newsItems: 1, plays: 2, airtimeMinutes: 1.5, level: "emergency" });
    expect(byId.get(f.ids.i5)).toMatchObject({ newsItems: 0, plays: 0, failed: 2 });
    expect(byId.get(null)).toMatchObject({ title: "(tin bài đã xoá)", newsItems: 1, airtimeMinutes: 0.8 });
    expect(rep.byItem).toHaveLength(6);
  });

  it("breaks down by day, with a row for every day of the month", () => {
    expect(rep.byDay).toHaveLength(31);
    expect(rep.byDay.slice(0, 3)).toEqual([
      { date: "2026-10-01", programs: 2, newsItems: 5, plays: 7, airtimeMinutes: 15, emergencyBroadcasts: 0, problems: 1 },
      { date: "2026-10-02", programs: 1, newsItems: 2, plays: 2, airtimeMinutes: 2.8, emergencyBroadcasts: 0, problems: 2 },
      { date: "2026-10-03", programs: 0, newsItems: 0, plays: 2, airtimeMinutes: 1.5, emergencyBroadcasts: 1, problems: 0 },
    ]);
    expect(rep.byDay.slice(3).every((d) => d.plays === 0 && d.programs === 0)).toBe(true);
  });

  it("lists emergency broadcasts and problem sessions with Vietnamese reasons", () => {
    expect(rep.emergencies).toEqual([{ date: "2026-10-03", start: new Date("2026-10-03T02:00:00.000Z"), emergencyId: f.ids.e1, title: "Cảnh báo bão số 5", zonesAired: 2, zones: 2 }]);
    expect(rep.problems.truncated).toBe(false);
    expect(rep.problems.list.map((p) => [p.airingId, p.outcome, p.zoneName, p.programName, p.reasonVi])).toEqual([
      [f.ids.A4, "fault", "Cụm loa thôn Tây", "Chương trình chiều", "Lỗi kỹ thuật"],
      [f.ids.A6, "fault", "Cụm loa thôn Tây", "Chương trình sáng", "Lỗi kỹ thuật"],
      [f.ids.A7, "missed", "Cụm loa thôn Đông", "Chương trình chiều", "Lỗi kỹ thuật"],
    ]);
  });

  it("caps the problem list but not the counts", async () => {
    const small = await computeReport(f.db, { from: "2026-10-01", to: "2026-10-31" }, { problemLimit: 2 });
    expect(small.problems.truncated).toBe(true);
    expect(small.problems.list).toHaveLength(2);
    expect(small.totals.zoneSessions).toEqual(rep.totals.zoneSessions);
  });

  it("counts every play of a campaign's item in its zones, and targets only days with an eligible session", () => {
    expect(rep.campaigns).toEqual([
      {
        // Z01 3 plays of i1 (1/10 06:00 and 17:00, 2/10 06:00), Z02 1 (its 17:00 play was cut): 3 of 4 count.
        campaignId: f.ids.c1, name: "Tuyên truyền Luật Đất đai", startDate: "2026-09-25", endDate: "2026-10-02", enabled: true,
        perDay: 1, perWeek: null, overlapFrom: "2026-10-01", overlapTo: "2026-10-02", zones: 2,
        target: 4, plays: 4, inserted: 0, makeGoods: 0, compliancePct: 75, zonesBelowTarget: 1, daysWithoutSession: 0,
      },
      {
        // Only emergency broadcasts aired in its period: no eligible session, so no target.
        campaignId: f.ids.c2, name: "Phòng chống bão", startDate: "2026-10-03", endDate: "2026-12-31", enabled: true,
        perDay: null, perWeek: 3, overlapFrom: "2026-10-03", overlapTo: "2026-10-31", zones: 2,
        target: 0, plays: 2, inserted: 0, makeGoods: 0, compliancePct: 100, zonesBelowTarget: 0, daysWithoutSession: 58,
      },
    ]);
  });

  it("counts the day before and after by the local date only", async () => {
    const sept = await computeReport(f.db, { from: "2026-09-30", to: "2026-09-30" });
    expect(sept.totals).toMatchObject({ programs: 1, newsItems: 1, plays: 1 });
    expect(sept.campaigns.find((c) => c.campaignId === f.ids.c1)).toMatchObject({ plays: 1, target: 1, compliancePct: 100 });
    const nov1 = await computeReport(f.db, { from: "2026-11-01", to: "2026-11-01" });
    expect(nov1.totals).toMatchObject({ programs: 1, newsItems: 1, plays: 1 });
  });

  it("reads the as-run log through an index, never a full table scan", async () => {
    for (const stmt of reportStatements({ from: "2026-10-01", to: "2026-10-31" })) {
      const plan = await f.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${stmt.sql}`, ...stmt.values);
      const details = plan.map((p) => p.detail);
      expect(details.filter((d) => /^SCAN (AsRun|Airing|a)\b(?!.*INDEX)/.test(d)), details.join(" | ")).toEqual([]);
    }
  });

  it("streams the play facets along the covering index without a sort, with the same results", async () => {
    for (const ix of REPORT_INDEXES) await f.db.$executeRawUnsafe(createIndexSql(ix));
    const stmt = playFacetsSql({ from: "2026-10-01", to: "2026-10-31" });
    const plan = (await f.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${stmt.sql}`, ...stmt.values)).map((p) => p.detail);
    expect(plan.join(" | ")).toContain("SEARCH AsRun USING COVERING INDEX AsRun_play_idx (localDate>? AND localDate<?)");
    // The inner GROUP BY (right after the index search) needs no sort.
    expect(plan[plan.findIndex((d) => d.includes("AsRun_play_idx")) + 1]).not.toMatch(/TEMP B-TREE/);
    const again = await computeReport(f.db, resolvePeriod({ kind: "month", value: "2026-10" }, "Asia/Ho_Chi_Minh"), { now: rep.generatedAt });
    expect(again).toEqual(rep);
  });
});
