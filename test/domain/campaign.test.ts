import { describe, expect, it } from "vitest";
import { DomainError } from "../../server/domain/errors.ts";
import { campaignSpecFromRow, campaignZoneStatus, parseWindow, periodTarget, validateCampaign, windowsAllow } from "../../server/domain/campaign.ts";
import { asRun, campaign } from "./fixtures.ts";

describe("campaigns", () => {
  it("maps a Prisma row and validates it", () => {
    const spec = campaignSpecFromRow({
      id: 3, name: "Bầu cử", startDate: "2026-04-01", endDate: "2026-05-31", perDay: 2, perWeek: null, minGapMin: 120,
      maxPerSession: 1, windows: '["05:00-07:00","16:00-18:30"]', allZones: false, enabled: true,
      items: [{ itemId: 9 }, { itemId: 4 }], zones: [{ zoneId: 2 }],
    });
    expect(spec).toMatchObject({ itemIds: [4, 9], zoneIds: [2], windows: ["05:00-07:00", "16:00-18:30"] });
    expect(() => validateCampaign(spec)).not.toThrow();
    expect(() => validateCampaign({ ...spec, perDay: null })).toThrow(DomainError);
    expect(() => validateCampaign({ ...spec, windows: ["5-7"] })).toThrow(/HH:MM-HH:MM/);
    const row = { id: 1, name: "x", startDate: "2026-04-01", endDate: "2026-04-02", perDay: 1, perWeek: null, minGapMin: 0, maxPerSession: 1, allZones: true, enabled: true, items: [], zones: [] };
    expect(() => campaignSpecFromRow({ ...row, windows: "{bad" })).toThrow(DomainError);
  });

  it("matches windows on the session's local start (end exclusive, overnight allowed)", () => {
    const w = [parseWindow("05:00-07:00"), parseWindow("22:00-02:00")];
    expect(windowsAllow(w, 5 * 60)).toBe(true);
    expect(windowsAllow(w, 7 * 60)).toBe(false);
    expect(windowsAllow(w, 23 * 60)).toBe(true);
    expect(windowsAllow(w, 60)).toBe(true);
    expect(windowsAllow([], 12 * 60)).toBe(true);
  });

  it("prorates a week target the campaign only partly covers", () => {
    const c = campaign({ id: 1, itemIds: [1], perWeek: 10, startDate: "2026-04-09", endDate: "2026-04-30" }); // from a Thursday
    expect(periodTarget(c, "week", "2026-04-06")).toBe(Math.ceil((10 * 4) / 7));
    expect(periodTarget(c, "week", "2026-04-13")).toBe(10);
    expect(periodTarget(c, "day", "2026-04-08")).toBe(0);
  });

  it("reports today's target / aired / planned / deficit and a per-day history per zone", () => {
    const c = campaign({ id: 1, itemIds: [201, 202], perDay: 3, perWeek: 15, startDate: "2026-04-06" });
    const st = campaignZoneStatus({
      campaign: c, zoneId: 1, today: "2026-04-08",
      asRun: [
        asRun(1, 201, "2026-04-07", "05:30"), asRun(1, 202, "2026-04-07", "17:00"), asRun(1, 201, "2026-04-07", "17:05"),
        asRun(1, 201, "2026-04-08", "05:30"), asRun(1, 202, "2026-04-08", "05:32", "failed"),
        asRun(2, 201, "2026-04-08", "05:30"), asRun(1, 999, "2026-04-08", "05:40"),
      ],
      planned: [{ zoneId: 1, itemId: 202, localDate: "2026-04-08" }, { zoneId: 1, itemId: 201, localDate: "2026-04-09" }],
    });
    expect(st.today).toEqual({ periodKind: "day", periodStart: "2026-04-08", target: 3, aired: 1, failed: 1, planned: 1, deficit: 1 });
    expect(st.week).toEqual({ periodKind: "week", periodStart: "2026-04-06", target: 15, aired: 4, failed: 1, planned: 2, deficit: 9 });
    expect(st.history.map((h) => [h.periodStart, h.aired, h.deficit])).toEqual([["2026-04-06", 0, 3], ["2026-04-07", 3, 0], ["2026-04-08", 1, 1]]);
  });
});
