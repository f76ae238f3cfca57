// diffPlan (server/plan-write.ts): what a pass writes, from the plan and the window's airings.
// A session whose schedule's time was edited moves its open airing (same id) instead of
// superseding it beside a new one; the run-down is kept when it is the same.
import { describe, expect, it } from "vitest";
import { planSessions, type PlanInput, type PlannedSession } from "../../server/domain/plan.ts";
import { diffPlan, movedAirings, type WindowAiring } from "../../server/plan-write.ts";
import { TZ, at, daily, item, program } from "./fixtures.ts";

const plan = (schedules: PlanInput["schedules"], items = [item(101, 120), item(102, 120)]) =>
  planSessions({ timeZone: TZ, from: at("2026-04-06", "00:00"), to: at("2026-04-08", "00:00"), schedules, programs: [program(1, [101, 102])], items }).sessions;

let nextId = 1;
const airingOf = (s: PlannedSession, status = "planned"): WindowAiring => ({
  id: nextId++, scheduleId: s.scheduleId, zoneId: s.zoneId, localDate: s.localDate, scheduledStart: s.start, status, planHash: s.planHash, renderHash: "r", attempt: 0, programId: s.programId, maxDurationMs: s.maxDurationMs,
});

describe("diffPlan", () => {
  it("moves the open airings of a schedule whose time changed, in time order within each day, keeping their run-down", () => {
    const before = plan([daily(1, 1, "05:30", [1, 2]), daily(2, 1, "17:00", [1])]);
    const window = before.map((s) => airingOf(s));
    const after = plan([daily(1, 1, "06:00", [1, 2]), daily(2, 1, "17:00", [1])]);
    const d = diffPlan(after, window);
    expect([d.create.length, d.update.length, d.stale.length, d.same.length]).toEqual([0, 0, 0, 2]);
    expect(d.move.map((m) => [m.airing.id, m.session.start.getTime() - m.airing.scheduledStart.getTime(), m.session.zoneId === m.airing.zoneId, m.session.localDate === m.airing.localDate])).toEqual(
      window.filter((a) => a.scheduleId === 1).map((a) => [a.id, 30 * 60_000, true, true]),
    );
    expect(movedAirings(d).map((a) => a.id).sort()).toEqual(d.move.map((m) => m.airing.id).sort());
  });

  it("rewrites a moved airing whose run-down changed, and never moves one across days, schedules or statuses", () => {
    const before = plan([daily(1, 1, "05:30", [1])]);
    const [mon, tue] = before.map((s) => airingOf(s));
    // Longer: the run-down no longer fits as it was (another max duration): rewritten, and moved.
    const longer = plan([daily(1, 1, "06:00", [1], 45)]);
    const d = diffPlan(longer, [mon!, tue!]);
    expect([d.move.length, d.create.length, d.stale.length]).toEqual([0, 0, 0]);
    expect(d.update.map((u) => [u.airing.id, u.session.localDate])).toEqual([[mon!.id, "2026-04-06"], [tue!.id, "2026-04-07"]]);
    expect(movedAirings(d).map((a) => a.id)).toEqual([mon!.id, tue!.id]);
    // On air (not open): a new airing at the new time, the old one left alone.
    const onAir = { ...mon!, status: "airing" };
    const e = diffPlan(plan([daily(1, 1, "06:00", [1])]), [onAir, tue!]);
    expect([e.create.map((s) => s.localDate), e.move.map((m) => m.airing.id), e.stale]).toEqual([["2026-04-06"], [tue!.id], []]);
    // Another schedule's session at the new time does not take the airing: it is superseded.
    const f = diffPlan(plan([daily(2, 1, "06:00", [1])]), [mon!]);
    expect([f.create.length, f.move.length, f.stale.map((a) => a.id)]).toEqual([2, 0, [mon!.id]]);
  });
});
