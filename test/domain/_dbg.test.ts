import { it } from "vitest";
import { planSessions } from "../../server/domain/plan.ts";
import { TZ, at, campaign, daily, item, program, asRun } from "./fixtures.ts";
it("dbg", () => {
  const items = [...[101,102,103,104,105,106,107,108].map((id) => item(id, 190)), item(201, 90), item(202, 90), item(301, 90), item(302, 90)];
  const schedules = [daily(1, 1, "05:30", [1]), daily(2, 1, "17:00", [1])];
  const C1 = campaign({ id: 1, itemIds: [201, 202], perDay: 3, maxPerSession: 2, minGapMin: 240 });
  const C2 = campaign({ id: 2, name: "Bầu cử", itemIds: [301, 302], perDay: 2, maxPerSession: 2, minGapMin: 120 });
  const r = planSessions({ timeZone: TZ, from: at("2026-04-06","00:00"), to: at("2026-04-07","00:00"), schedules, programs:[program(1,[101,102,103,104,105,106,107,108])], items, campaigns:[C1,C2],
    asRun: [] });
  for (const s of r.sessions) { console.log(s.localDate, s.startTime, s.totalMs/1000, s.planHash); for (const l of s.lines) console.log("  ", l.position, l.itemId, l.reason, l.offsetMs/1000, l.bumped, l.reasonVi, "|", l.reasonEn); }
  console.log(r.shortfalls);
  const r2 = planSessions({ timeZone: TZ, from: at("2026-04-06","17:00"), to: at("2026-04-07","00:00"), schedules, programs:[program(1,[101,102,103,104,105,106,107,108])], items, campaigns:[C1,C2],
    asRun: [asRun(1,201,"2026-04-06","05:30","failed"),asRun(1,202,"2026-04-06","05:32","failed"), asRun(1,301,"2026-04-06","05:33","failed")] });
  for (const s of r2.sessions) { console.log(s.localDate, s.startTime, s.totalMs/1000); for (const l of s.lines) console.log("  ", l.position, l.itemId, l.reason, l.offsetMs/1000, l.bumped, l.reasonVi, "|", l.reasonEn); }
  console.log(r2.shortfalls);
});
