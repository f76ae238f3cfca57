// The frequency engine's parts, each on its own (the engine as a whole: frequency.test.ts,
// simulation.test.ts, test/counting).
import { describe, expect, it } from "vitest";
import { createKeys, Table, ZONE_CAP } from "../../server/domain/frequency/keys.ts";
import { prepareCampaigns } from "../../server/domain/frequency/campaigns.ts";
import { createLedger, loadHistory } from "../../server/domain/frequency/ledger.ts";
import { indexEligibleSessions } from "../../server/domain/frequency/eligible.ts";
import { itemsInSession, sessionDemands } from "../../server/domain/frequency/demand.ts";
import { insertionLines, pickInsertions } from "../../server/domain/frequency/pick.ts";
import { findShortfalls } from "../../server/domain/frequency/shortfalls.ts";
import type { EngineParts } from "../../server/domain/frequency/parts.ts";
import type { CalendarSession } from "../../server/domain/frequency.ts";
import type { CampaignSpec } from "../../server/domain/campaign.ts";
import type { BaseRundown, ItemInfo } from "../../server/domain/rundown.ts";
import { localMinuteOfDay, toLocalParts } from "../../server/domain/time.ts";
import { asRun, at, campaign, item, TZ } from "./fixtures.ts";

const items = new Map<number, ItemInfo>([1, 2, 3, 9].map((id) => [id, item(id, 60)]));

function engineParts(specs: CampaignSpec[], calendar: CalendarSession[], history: Parameters<typeof loadHistory>[1] = []): EngineParts {
  const keys = createKeys();
  const campaigns = prepareCampaigns(specs, items, keys);
  const ledger = createLedger(keys, campaigns);
  loadHistory(ledger, history, [], (ms) => localMinuteOfDay(ms, TZ));
  return { timeZone: TZ, items, keys, campaigns, ledger, eligibility: indexEligibleSessions(calendar, keys, campaigns) };
}

const session = (date: string, time: string, zoneId = 1, frozen = false): CalendarSession => ({
  scheduleId: 1, zoneId, localDate: date, startMs: at(date, time).getTime(), minuteOfDay: localMinuteOfDay(at(date, time), TZ), frozen,
});

const base = (itemIds: number[], gapMs = 1000): BaseRundown => ({
  intro: null, outro: null, priority: [], gapMs,
  normal: itemIds.map((itemId, position) => ({ itemId, durationMs: 60_000, position, key: null })),
});

describe("keys", () => {
  it("gives a week one key, whatever its day, and a day its own", () => {
    const k = createKeys();
    expect(k.pk("week", "2026-04-06")).toBe(k.pk("week", "2026-04-12")); // Monday and Sunday
    expect(k.pk("week", "2026-04-13")).not.toBe(k.pk("week", "2026-04-12"));
    expect(k.pk("day", "2026-04-06") % 2).toBe(0);
    expect(k.pk("week", "2026-04-06") % 2).toBe(1);
    expect(k.periodStart("week", "2026-04-09")).toBe("2026-04-06");
  });

  it("hands out dense zone indexes and refuses more than the tables hold", () => {
    const k = createKeys();
    expect([k.zk(500), k.zk(7), k.zk(500)]).toEqual([0, 1, 0]);
    for (let z = 0; z < ZONE_CAP - 2; z++) k.zk(10_000 + z);
    expect(() => k.zk(99_999)).toThrow(/more than 2048/);
  });

  it("counts in a two-level table", () => {
    const t = new Table<number>();
    t.inc(3, 40);
    t.inc(3, 40);
    t.inc(4, 40);
    expect([t.get(3, 40), t.get(4, 40), t.get(3, 41)]).toEqual([2, 1, undefined]);
    expect([...t.values()].sort()).toEqual([1, 2]);
  });
});

describe("campaigns", () => {
  it("keeps enabled campaigns by id, and an item's strictest gap", () => {
    const c = prepareCampaigns([campaign({ id: 7, itemIds: [1, 2], minGapMin: 30 }), campaign({ id: 3, itemIds: [2], minGapMin: 90 }), campaign({ id: 5, itemIds: [1], enabled: false })], items, createKeys());
    expect(c.list.map((x) => x.spec.id)).toEqual([3, 7]);
    expect(c.byItem.get(2)!.map((x) => x.spec.id)).toEqual([3, 7]);
    expect(c.itemGap.get(2)).toBe(90 * 60_000);
    expect(c.itemGap.get(1)).toBe(30 * 60_000);
  });
});

describe("ledger", () => {
  it("counts a completed play for each period kind of the item's active campaigns, a failed one apart", () => {
    const p = engineParts([campaign({ id: 1, itemIds: [1], perDay: 2, perWeek: 5 })], [], [
      asRun(1, 1, "2026-04-06", "06:00"), asRun(1, 1, "2026-04-07", "06:00"), asRun(1, 1, "2026-04-07", "18:00", "failed"), asRun(1, 9, "2026-04-07", "06:00"),
    ]);
    const row = p.keys.ck(p.campaigns.list[0]!.ci, 1);
    expect(p.ledger.aired.get(row, p.keys.pk("day", "2026-04-07"))).toBe(1);
    expect(p.ledger.aired.get(row, p.keys.pk("week", "2026-04-07"))).toBe(2);
    expect(p.ledger.failed.get(row, p.keys.pk("day", "2026-04-07"))).toBe(1);
    // Every non-skipped airing of the item is an instant for the min gap, in order.
    expect(p.ledger.times.get(p.keys.ik(1, 1))).toEqual([at("2026-04-06", "06:00"), at("2026-04-07", "06:00"), at("2026-04-07", "18:00")].map((d) => d.getTime()));
  });

  it("counts a planned line only for campaigns whose windows admit its session", () => {
    const p = engineParts([campaign({ id: 1, itemIds: [1], windows: ["05:00-08:00"] }), campaign({ id: 2, itemIds: [1] })], []);
    p.ledger.count(1, 1, "2026-04-06", at("2026-04-06", "18:00").getTime(), "planned", true, undefined, 18 * 60);
    const [c1, c2] = p.campaigns.list;
    const day = p.keys.pk("day", "2026-04-06");
    expect(p.ledger.planned.get(p.keys.ck(c1!.ci, 1), day)).toBeUndefined();
    expect(p.ledger.planned.get(p.keys.ck(c2!.ci, 1), day)).toBe(1);
  });
});

describe("eligible sessions", () => {
  it("lists a campaign's window sessions per period with how many are left to plan", () => {
    const p = engineParts([campaign({ id: 1, itemIds: [1], windows: ["05:00-08:00"] })], [
      session("2026-04-06", "06:00", 1, true), session("2026-04-06", "07:00"), session("2026-04-06", "18:00"), session("2026-04-07", "06:00"),
    ]);
    const e = p.eligibility.cal.get(p.keys.ck(0, 1), p.keys.pk("day", "2026-04-06"))!;
    expect(e.starts).toEqual([at("2026-04-06", "06:00"), at("2026-04-06", "07:00")].map((d) => d.getTime()));
    expect(e.open).toEqual([1, 1, 0]); // the frozen first session is not planned again
    expect(p.eligibility.zoneHadSession(p.keys.zk(1), p.keys.pk("day", "2026-04-07"))).toBe(true);
    expect(p.eligibility.zoneHadSession(p.keys.zk(1), p.keys.pk("day", "2026-04-08"))).toBe(false);
  });
});

describe("a session's demands and picks", () => {
  const cal = [session("2026-04-06", "06:00"), session("2026-04-06", "12:00"), session("2026-04-06", "18:00")];

  it("spreads what a target needs over the sessions left, make-goods when behind the spread", () => {
    const p = engineParts([campaign({ id: 1, itemIds: [1, 2], perDay: 4, maxPerSession: 2 })], cal);
    // Morning: 4 over 3 sessions → ceil(4/3) = 2 wanted, on time (nothing expected before the first).
    expect(sessionDemands(p, cal[0]!, new Map()).map((d) => [d.want, d.makeGood])).toEqual([[2, 0]]);
    // Noon with nothing aired: the spread expected 2 by now → both wanted are make-goods.
    expect(sessionDemands(p, cal[1]!, new Map()).map((d) => [d.want, d.makeGood])).toEqual([[2, 2]]);
    // Items already in the program count toward the target.
    expect(sessionDemands(p, cal[0]!, itemsInSession(base([1, 2, 1, 2]))).length).toBe(0);
  });

  it("picks the least aired item, and blocks on the min gap with the cause recorded", () => {
    const p = engineParts([campaign({ id: 1, itemIds: [1, 2], perDay: 7, maxPerSession: 2, minGapMin: 120 })], cal, [asRun(1, 1, "2026-04-06", "05:30")]);
    const demands = sessionDemands(p, cal[0]!, new Map());
    expect(demands[0]!.want).toBe(2); // 6 more over 3 sessions
    const order = pickInsertions(p, cal[0]!, base([]), 30 * 60_000, new Map(), demands);
    // Item 1 aired 30 minutes ago and item 2 cannot go in twice (gap 2 h): one insertion.
    expect(insertionLines(order).map((l) => [l.itemId, l.reason])).toEqual([[2, "campaign"]]);
    expect(demands[0]!.blocked).toBe("min_gap");
  });

  it("blocks on a full session", () => {
    const p = engineParts([campaign({ id: 1, itemIds: [1, 2], perDay: 3, maxPerSession: 1 })], cal);
    const demands = sessionDemands(p, cal[0]!, new Map());
    const withOutro: BaseRundown = { ...base([]), outro: { itemId: 9, durationMs: 60_000, position: 99, key: null } };
    expect(pickInsertions(p, cal[0]!, withOutro, 90_000, new Map(), demands)).toEqual([]); // 60 s + 1 s gap + 60 s > 90 s
    expect(demands[0]!.blocked).toBe("session_full");
  });
});

describe("shortfalls", () => {
  it("reports a closed period below target, with the strongest blocker as its cause", () => {
    const cal = [session("2026-04-06", "06:00")];
    const p = engineParts([campaign({ id: 1, itemIds: [1], perDay: 3, maxPerSession: 1 })], cal);
    sessionDemands(p, cal[0]!, new Map()); // 3 needed, 1 per session, 1 session: per-session cap
    const day = { fromMs: at("2026-04-06", "00:00").getTime(), toMs: at("2026-04-07", "00:00").getTime() };
    const [s, ...rest] = findShortfalls(p, day, [1]);
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ campaignId: 1, zoneId: 1, periodKind: "day", periodStart: "2026-04-06", target: 3, aired: 0, planned: 0, cause: "per_session_cap" });
    // A range ending before the period's last eligible session leaves the period open.
    expect(findShortfalls(p, { fromMs: day.fromMs, toMs: at("2026-04-06", "05:00").getTime() }, [1])).toEqual([]);
  });
});

describe("localMinuteOfDay", () => {
  it("agrees with toLocalParts across a day and a DST change", () => {
    for (const tz of [TZ, "Europe/Berlin", "America/Santiago"]) {
      for (let ms = Date.UTC(2026, 2, 28, 0, 0); ms < Date.UTC(2026, 2, 30); ms += 7 * 60_000 + 13_000) {
        expect(localMinuteOfDay(ms, tz)).toBe(toLocalParts(ms, tz).minuteOfDay);
      }
    }
  });
});
