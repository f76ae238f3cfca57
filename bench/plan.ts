// Planner benchmark (issue 5): 31 days × 50 zones × 3 sessions a day with 10 active
// campaigns and two weeks of as-run history. Prints JSON; the LAST line is
// {"airings":…, "ms":…, "peak_rss_mb":…}. Target ms ≤ 2000.
import type { CampaignSpec } from "../server/domain/campaign.ts";
import type { AsRunRecord } from "../server/domain/frequency.ts";
import { planSessions } from "../server/domain/plan.ts";
import type { ScheduleSpec } from "../server/domain/recurrence.ts";
import type { ItemInfo, ProgramSpec } from "../server/domain/rundown.ts";
import { addDays, localToUtc } from "../server/domain/time.ts";

const TZ = "Asia/Ho_Chi_Minh";
const ZONES = Array.from({ length: 50 }, (_, i) => i + 1);
const FIRST = "2026-05-01";
const DAYS = 31;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

// 3 programs of 10 items (2–4 min, one priority bulletin each); 10 campaigns of 3 items.
const items: ItemInfo[] = [];
for (let i = 1; i <= 30; i++) items.push({ id: i, durationMs: (120 + (i % 5) * 30) * 1000, priority: i % 10 === 1 ? "priority" : "normal", status: "ready" });
for (let i = 101; i <= 130; i++) items.push({ id: i, durationMs: (45 + (i % 4) * 15) * 1000, priority: "normal", status: "ready" });
items.push({ id: 900, durationMs: 10_000, priority: "normal", status: "ready" }, { id: 901, durationMs: 8_000, priority: "normal", status: "ready" });
const programs: ProgramSpec[] = [0, 1, 2].map((p) => ({
  id: p + 1,
  gapMs: 1000,
  introItemId: 900,
  outroItemId: 901,
  entries: Array.from({ length: 10 }, (_, k) => ({ itemId: p * 10 + k + 1, position: k })),
}));
const schedules: ScheduleSpec[] = [
  ["05:30", 45],
  ["11:00", 30],
  ["17:00", 45],
].map(([t, max], i) => ({
  id: i + 1,
  name: `Buổi ${i + 1}`,
  programId: i + 1,
  kind: "recurring",
  daysOfWeek: [1, 2, 3, 4, 5, 6, 7],
  startTime: t as string,
  maxDurationSec: (max as number) * 60,
  zoneIds: ZONES,
}));
const campaigns: CampaignSpec[] = Array.from({ length: 10 }, (_, c) => ({
  id: c + 1,
  name: `Chiến dịch ${c + 1}`,
  itemIds: [101 + c * 3, 102 + c * 3, 103 + c * 3],
  startDate: "2026-04-15",
  endDate: "2026-06-30",
  zoneIds: c % 2 === 0 ? "all" : ZONES.filter((z) => z % (c + 1) !== 0),
  perDay: c % 3 === 2 ? null : 2 + (c % 3),
  perWeek: c % 3 === 2 ? 10 : null,
  windows: c % 4 === 3 ? ["05:00-12:00"] : [],
  minGapMin: 60 + c * 10,
  maxPerSession: 1 + (c % 2),
}));

// Two weeks of history before the horizon (every campaign item aired once a day per zone, some failed).
const asRun: AsRunRecord[] = [];
for (let d = -14; d < 0; d++) {
  const day = addDays(FIRST, d);
  for (const z of ZONES) {
    for (const c of campaigns) {
      const itemId = c.itemIds[(d + 14) % 3]!;
      asRun.push({ zoneId: z, itemId, localDate: day, actualStart: localToUtc(day, "05:40", TZ), status: (z + d) % 10 === 0 ? "failed" : "completed" });
    }
  }
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = planSessions({
  timeZone: TZ,
  from: localToUtc(FIRST, "00:00", TZ),
  to: localToUtc(addDays(FIRST, DAYS), "00:00", TZ),
  schedules,
  programs,
  items,
  campaigns,
  asRun,
});
const ms = Math.round(performance.now() - t0);
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const lines = result.sessions.reduce((a, s) => a + s.lines.length, 0);
const inserted = result.sessions.reduce((a, s) => a + s.lines.filter((l) => l.reason === "campaign" || l.reason === "make_good").length, 0);
const bumped = result.sessions.reduce((a, s) => a + s.lines.filter((l) => l.bumped).length, 0);
console.log(JSON.stringify({ sessions: result.sessions.length, lines, inserted, bumped, shortfalls: result.shortfalls.length, asRunRows: asRun.length, cpu_ms: Math.round((cpu.user + cpu.system) / 1000) }));
console.log(JSON.stringify({ airings: result.sessions.length, ms, peak_rss_mb: Math.round(peakRss / 1048576) }));
