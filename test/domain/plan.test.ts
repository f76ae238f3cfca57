import { describe, expect, it } from "vitest";
import type { PendingAiring } from "../../server/domain/frequency.ts";
import { planSessions, sessionKey, type PlanInput } from "../../server/domain/plan.ts";
import { localTimeOf } from "../../server/domain/time.ts";
import { TZ, asRun, at, campaign, daily, item, program } from "./fixtures.ts";

const input = (extra: Partial<PlanInput> = {}): PlanInput => ({
  timeZone: TZ,
  from: at("2026-04-06", "00:00"),
  to: at("2026-04-08", "00:00"),
  schedules: [daily(1, 1, "05:30", [1, 2]), daily(2, 1, "17:00", [1, 2])],
  programs: [program(1, [101, 102, 103], { introItemId: 90 })],
  items: [item(90, 10), item(101, 120), item(102, 120, "priority"), item(103, 120), item(201, 60), item(202, 60)],
  campaigns: [campaign({ id: 1, itemIds: [201, 202], perDay: 3, maxPerSession: 2, minGapMin: 120 })],
  asRun: [],
  ...extra,
});

describe("planSessions", () => {
  it("plans every session of the horizon in time order with a deterministic planHash", () => {
    const a = planSessions(input());
    expect(a.sessions.map((s) => [s.localDate, s.startTime, s.zoneId])).toEqual([
      ["2026-04-06", "05:30", 1], ["2026-04-06", "05:30", 2], ["2026-04-06", "17:00", 1], ["2026-04-06", "17:00", 2],
      ["2026-04-07", "05:30", 1], ["2026-04-07", "05:30", 2], ["2026-04-07", "17:00", 1], ["2026-04-07", "17:00", 2],
    ]);
    // Earlier insertions count as planned for later sessions: 2 + 1 per day.
    expect(a.sessions.map((s) => s.lines.filter((l) => l.campaignId === 1).length)).toEqual([2, 2, 1, 1, 2, 2, 1, 1]);
    const b = planSessions(input());
    expect(b).toEqual(a);
    expect(a.sessions[0]!.planHash).toMatch(/^[0-9a-f]{32}$/);
    expect(a.sessions[0]!.planHash).not.toBe(a.sessions[1]!.planHash);
    // Same sound on both zones (what a render depends on), another plan hash (another airing).
    const heard = (x: (typeof a.sessions)[number]) => x.lines.filter((l) => !l.bumped).map((l) => [l.itemId, l.offsetMs, l.durationMs]);
    expect(heard(a.sessions[0]!)).toEqual(heard(a.sessions[1]!));
  });

  it("re-planning the rest of a day with the first session pending gives the same lines", () => {
    const full = planSessions(input());
    const morning = full.sessions.filter((s) => s.localDate === "2026-04-06" && s.startTime === "05:30");
    const pending: PendingAiring[] = morning.map((s) => ({
      scheduleId: s.scheduleId, zoneId: s.zoneId, scheduledStart: s.start, localDate: s.localDate,
      lines: s.lines.map((l) => ({ itemId: l.itemId, offsetMs: l.offsetMs, bumped: l.bumped })),
    }));
    const rest = planSessions(input({ pending }));
    const byKey = new Map(full.sessions.map((s) => [sessionKey(s), s]));
    expect(rest.sessions).toHaveLength(6);
    for (const s of rest.sessions) expect(s.planHash).toBe(byKey.get(sessionKey(s))!.planHash);
  });

  it("changes the plan (and its hash) when the as-run log changes", () => {
    const base = planSessions(input({ from: at("2026-04-06", "12:00") }));
    const failed = planSessions(input({ from: at("2026-04-06", "12:00"), asRun: [asRun(1, 201, "2026-04-06", "05:31", "failed"), asRun(1, 202, "2026-04-06", "05:32")] }));
    const z1 = (r: typeof base) => r.sessions.find((s) => s.zoneId === 1)!;
    expect(z1(failed).planHash).not.toBe(z1(base).planHash);
    expect(z1(failed).lines.filter((l) => l.reason === "make_good")).toHaveLength(1);
  });

  it("plans DST-zone schedules at the right local time", () => {
    const r = planSessions(input({
      timeZone: "Europe/Berlin",
      from: new Date("2026-03-28T00:00:00Z"), to: new Date("2026-03-31T00:00:00Z"),
      schedules: [daily(1, 1, "02:30", [1]), daily(2, 1, "05:30", [1])],
    }));
    expect(r.sessions.map((s) => [s.localDate, localTimeOf(s.start, "Europe/Berlin")])).toEqual([
      ["2026-03-28", "02:30"], ["2026-03-28", "05:30"], ["2026-03-29", "03:00"], ["2026-03-29", "05:30"], ["2026-03-30", "02:30"], ["2026-03-30", "05:30"],
    ]);
  });

  it("returns nothing for an empty horizon and fails loudly on a missing program", () => {
    expect(planSessions(input({ to: at("2026-04-06", "00:00") }))).toEqual({ sessions: [], shortfalls: [] });
    expect(() => planSessions(input({ programs: [] }))).toThrow(/Program 1/);
  });
});
