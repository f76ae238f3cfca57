// One counting truth (issue 11), as a property: for random months of schedules, programs
// with and without jingles, campaigns (items inserted by the planner AND items already in
// the program), emergencies (pre-empting sessions, stopped by an operator), manual airings
// and faults (missed, cancelled, broken output), aired through the REAL planner and the REAL
// playout handler on an injected clock, every surface gives the same counts: campaign status,
// the dashboard's daily figures, the report JSON, its XLSX (read by SheetJS) and PDF (read by
// pdftotext), and the log book — and they equal counts the test derives on its own from the
// raw as-run rows, airings and run-down lines (never from the stored counting facts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { localToUtcMs, addDays, toLocalParts } from "../../server/domain/time.ts";
import { createMonthHarness, makeCanonicalClips, onAir, type CanonicalClip, type MonthHarness } from "../helpers/air-month.ts";
import { signedIn, createUser, type Client } from "../helpers/env.ts";
import { flat, pdftotextPages, xlsxSheets } from "../helpers/readers.ts";

const TZ = "Asia/Ho_Chi_Minh";
const RUNS = Number(process.env.PROPERTY_RUNS ?? 3);
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;
type Fate = "ok" | "missed" | "cancelled" | "broken" | "preempt" | "stop";

interface Model {
  month: number;
  days: number;
  zones: number;
  items: { clip: number; priority: string; cat: number }[];
  jingles: boolean;
  sessions: string[];
  weekdays: number[];
  campaigns: { inProgram: boolean; perDay: number; window: string | null; allZones: boolean; maxPerSession: number }[];
  fates: Fate[];
  extras: { day: number; kind: "emergency" | "manual" }[];
}

const modelArb: fc.Arbitrary<Model> = fc.record({
  month: fc.integer({ min: 1, max: 12 }),
  // The aired span of the month: a whole month when PROPERTY_FULL_MONTH=1 (slower), else 3–8 days.
  days: process.env.PROPERTY_FULL_MONTH ? fc.constant(28) : fc.integer({ min: 3, max: 8 }),
  zones: fc.integer({ min: 1, max: 3 }),
  items: fc.array(fc.record({ clip: fc.integer({ min: 0, max: 1 }), priority: fc.constantFrom("normal", "normal", "priority", "emergency"), cat: fc.integer({ min: 0, max: 3 }) }), { minLength: 2, maxLength: 4 }),
  jingles: fc.boolean(),
  sessions: fc.uniqueArray(fc.constantFrom("05:30", "11:00", "17:00"), { minLength: 1, maxLength: 2 }),
  weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 4, maxLength: 7 }),
  campaigns: fc.array(fc.record({ inProgram: fc.boolean(), perDay: fc.integer({ min: 1, max: 3 }), window: fc.constantFrom(null, "05:00-07:00", "16:00-18:00"), allZones: fc.boolean(), maxPerSession: fc.integer({ min: 1, max: 2 }) }), { maxLength: 2 }),
  fates: fc.array(fc.constantFrom<Fate>("ok", "ok", "ok", "missed", "cancelled", "broken", "preempt", "stop"), { minLength: 12, maxLength: 12 }),
  extras: fc.array(fc.record({ day: fc.integer({ min: 0, max: 7 }), kind: fc.constantFrom<"emergency" | "manual">("emergency", "manual") }), { maxLength: 2 }),
});

let clips: CanonicalClip[];
let cleanupClips: () => Promise<void>;
beforeAll(async () => {
  ({ clips, cleanup: cleanupClips } = await makeCanonicalClips([1, 1.6]));
}, 120_000);
afterAll(async () => cleanupClips?.());

const at = (date: string, hhmm: string) => localToUtcMs(date, hhmm, TZ);

/** Builds the month's data through the API, as an operator would. */
async function setUp(h: MonthHarness, m: Model, month: string, admin: Client) {
  const { env } = h;
  const zoneIds: number[] = [];
  for (let z = 0; z < m.zones; z++) {
    const r = await admin.req("POST", "/api/zones", { code: `z${z}`, name: `Cụm loa ${z + 1}`, outputKind: "file", outputConfig: { dir: `zone-${z}` } });
    zoneIds.push(r.json.zone.id);
  }
  const cats = (await env.db.category.findMany({ orderBy: { sortOrder: "asc" }, take: 3 })).map((c) => c.id);
  const news: number[] = [];
  for (const [i, it] of m.items.entries()) news.push(await h.item(`Tin số ${i + 1}`, clips[it.clip]!, { priority: it.priority, categoryId: it.cat < 3 ? cats[it.cat]! : null, sourceRef: `${i + 1}-CV/ĐU` }));
  const keyOutside = await h.item("Tin trọng điểm chèn thêm", clips[0]!, { categoryId: cats[0]! });
  const intro = m.jingles ? await h.item("Nhạc hiệu mở đầu", clips[0]!) : null;
  const outro = m.jingles ? await h.item("Nhạc hiệu kết thúc", clips[0]!) : null;
  const prog = await admin.req("POST", "/api/programs", { name: "Chương trình thời sự", itemIds: news, gapMs: 200, introItemId: intro, outroItemId: outro });
  if (prog.status !== 201) throw new Error(JSON.stringify(prog.json));
  const programId = prog.json.program.id as number;
  const first = `${month}-01`, last = addDays(first, m.days - 1);
  for (const t of m.sessions) {
    const r = await admin.req("POST", "/api/schedules", { name: t, programId, kind: "recurring", daysOfWeek: m.weekdays, startTime: t, maxDurationSec: 60, zoneIds, validFrom: first, validTo: last });
    if (r.status !== 201) throw new Error(JSON.stringify(r.json));
  }
  const campaignIds: number[] = [];
  for (const [i, c] of m.campaigns.entries()) {
    const r = await admin.req("POST", "/api/campaigns", {
      name: `Chiến dịch ${i + 1}`, startDate: first, endDate: last, perDay: c.perDay, maxPerSession: c.maxPerSession, minGapMin: 0,
      windows: c.window ? [c.window] : [], itemIds: c.inProgram ? [news[0]!] : [keyOutside], zoneIds: c.allZones ? null : [zoneIds[0]!],
    });
    if (r.status !== 201) throw new Error(JSON.stringify(r.json));
    campaignIds.push(r.json.campaign.id);
  }
  return { zoneIds, news, programId, campaignIds, first, last };
}

/** Airs the month day by day through the planner and the playout handler. */
async function airMonth(h: MonthHarness, m: Model, s: Awaited<ReturnType<typeof setUp>>, userId: number) {
  const { env, clock, planner, emergencies } = h;
  let fateIdx = 0;
  for (let d = 0; d < m.days; d++) {
    const date = addDays(s.first, d);
    clock.jumpTo(at(date, "00:00") + 1000);
    await planner.planHorizon();
    const extras = m.extras.filter((e) => e.day === d);
    const instants = [...new Set((await env.db.airing.findMany({ where: { localDate: date, status: { in: ["planned", "ready"] }, source: "schedule" } })).map((a) => a.scheduledStart.getTime()))].sort((a, b) => a - b);
    const events: { t: number; run: () => Promise<void> }[] = instants.map((t) => ({ t, run: () => airSession(t, m.fates[fateIdx++ % m.fates.length]!) }));
    for (const e of extras) {
      const t = at(date, e.kind === "manual" ? "09:00" : "13:00");
      events.push({ t, run: () => (e.kind === "manual" ? manual(t) : emergency(t, false)) });
    }
    for (const e of events.sort((a, b) => a.t - b.t)) await e.run();
  }

  async function airSession(t: number, fate: Fate) {
    await planner.planHorizon(); // as the scheduler's tick would, before air
    const airings = await env.db.airing.findMany({ where: { scheduledStart: new Date(t), source: "schedule", status: { in: ["planned", "ready"] } }, orderBy: { zoneId: "asc" } });
    const ids = airings.map((a) => a.id);
    if (!ids.length) return;
    const zone0 = airings[0]!.zoneId;
    if (fate === "missed") {
      clock.jumpTo(t + 11 * 60_000); // the jobs fired after the grace window (system down)
      await h.play(ids);
      return;
    }
    if (fate === "cancelled") await planner.cancel(ids[0]!);
    if (fate === "broken") await h.breakOutput(zone0, true);
    clock.jumpTo(t - 40);
    if (fate === "preempt") {
      await h.play(ids, {
        slow: true,
        during: async (id) => {
          if (id !== ids[0]) return;
          await onAir(env, id);
          const em = await emergencies.start({ itemId: s.news[0]!, zoneIds: [zone0], userId });
          await h.play(em.airings.map((a) => a.id));
        },
      });
    } else {
      await h.play(fate === "cancelled" ? ids.slice(1) : ids);
    }
    if (fate === "broken") await h.breakOutput(zone0, false);
    if (fate === "stop") await emergency(clock.now().getTime() + 60_000, true);
  }

  async function manual(t: number) {
    clock.jumpTo(t);
    const airings = await planner.airNow({ programId: s.programId, zoneIds: s.zoneIds, userId });
    clock.jumpTo(airings[0]!.scheduledStart.getTime() - 40);
    await h.play(airings.map((a) => a.id));
  }

  async function emergency(t: number, stopIt: boolean) {
    clock.jumpTo(t);
    const em = await emergencies.start({ itemId: s.news.at(-1)!, zoneIds: s.zoneIds, userId });
    await h.play(em.airings.map((a) => a.id), {
      slow: stopIt,
      during: async (id) => {
        if (!stopIt || id !== em.airings[0]!.id) return;
        await onAir(env, id);
        await emergencies.cancel(em.emergency.id, userId);
      },
    });
  }
}

/** The counts, derived by the test from raw rows with its own reading of the rules. */
async function independentCounts(h: MonthHarness, s: Awaited<ReturnType<typeof setUp>>) {
  const db = h.env.db;
  const rows = await db.asRun.findMany({ where: { localDate: { gte: s.first, lte: s.last } }, select: { id: true, zoneId: true, itemId: true, status: true, durationMs: true, localDate: true, actualStart: true, rundownLineId: true, airingId: true, source: true } });
  const airings = new Map((await db.airing.findMany({ where: { localDate: { gte: s.first, lte: s.last } } })).map((a) => [a.id, a]));
  const lines = new Map((await db.rundownLine.findMany({ where: { id: { in: rows.map((r) => r.rundownLineId!).filter(Boolean) } } })).map((l) => [l.id, l]));
  const items = new Map((await db.item.findMany()).map((i) => [i.id, i]));
  const campaigns = await db.campaign.findMany({ include: { items: true, zones: true } });
  const sessionOf = (a: { source: string; emergencyId: number | null; programId: number | null; scheduledStart: Date }) =>
    a.source === "emergency" ? `e${a.emergencyId}@${a.scheduledStart.getTime()}` : `p${a.programId}@${a.scheduledStart.getTime()}`;
  const isPlay = (r: (typeof rows)[number]) => {
    const planned = r.rundownLineId ? lines.get(r.rundownLineId)?.durationMs ?? 0 : 0;
    return r.status === "completed" || (r.status === "interrupted" && planned > 0 && r.durationMs >= 0.9 * planned);
  };
  const isJingle = (r: (typeof rows)[number]) => ["intro", "outro"].includes(r.rundownLineId ? lines.get(r.rundownLineId)?.reason ?? "" : "");

  const audio = new Set<string>(); // sessions with audio
  const perSessionItemZone = new Map<string, Map<string, number>>(); // session → item|zone → plays
  let plays = 0;
  const levelUnits = new Map<string, number>();
  const campaignPlays = new Map<number, number>();
  for (const r of rows) {
    const a = airings.get(r.airingId!)!;
    const key = sessionOf(a);
    if ((r.status === "completed" || r.status === "interrupted") && r.durationMs > 0) audio.add(key);
    if (!isPlay(r)) continue;
    for (const c of campaigns) {
      if (!c.enabled || !c.items.some((i) => i.itemId === r.itemId) || r.localDate < c.startDate || r.localDate > c.endDate) continue;
      if (!c.allZones && !c.zones.some((z) => z.zoneId === r.zoneId)) continue;
      const windows = JSON.parse(c.windows) as string[];
      const minute = toLocalParts(a.scheduledStart, TZ).minuteOfDay;
      const inWindow = windows.length === 0 || windows.some((w) => {
        const [f, t] = w.split("-").map((x) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3)));
        return f! < t! ? minute >= f! && minute < t! : minute >= f! || minute < t!;
      });
      if (inWindow) campaignPlays.set(c.id, (campaignPlays.get(c.id) ?? 0) + 1);
    }
    if (isJingle(r)) continue;
    plays++;
    const m = perSessionItemZone.get(key) ?? new Map<string, number>();
    perSessionItemZone.set(key, m);
    const k = `${r.itemId}|${r.zoneId}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  let newsItems = 0, emergencyItems = 0;
  for (const [key, m] of perSessionItemZone) {
    const byItem = new Map<string, number>();
    for (const [k, n] of m) { const item = k.split("|")[0]!; byItem.set(item, Math.max(byItem.get(item) ?? 0, n)); }
    const units = [...byItem.values()].reduce((x, y) => x + y, 0);
    if (key.startsWith("p")) newsItems += units; else emergencyItems += units;
    for (const [item, n] of byItem) {
      const level = key.startsWith("e") ? "emergency" : items.get(Number(item))?.priority ?? "normal";
      levelUnits.set(level, (levelUnits.get(level) ?? 0) + n);
    }
  }
  const zoneAirings = [...airings.values()].filter((a) => a.status !== "superseded");
  const outcome = (a: (typeof zoneAirings)[number]) =>
    a.status === "missed" ? "missed" : a.status === "cancelled" ? "cancelled" : a.status === "failed" ? "fault"
      : a.status === "interrupted" ? (a.statusReason === "emergency cancelled" ? "stopped" : /^emergency$|Pre-empted/.test(a.statusReason) ? "preempted" : "fault") : "aired";
  const count = (o: string) => zoneAirings.filter((a) => outcome(a) === o).length;
  return {
    programs: [...audio].filter((k) => k.startsWith("p")).length,
    emergencyBroadcasts: [...audio].filter((k) => k.startsWith("e")).length,
    newsItems, emergencyItems, plays,
    levels: { normal: levelUnits.get("normal") ?? 0, priority: levelUnits.get("priority") ?? 0, emergency: levelUnits.get("emergency") ?? 0 },
    campaigns: Object.fromEntries(s.campaignIds.map((id) => [id, campaignPlays.get(id) ?? 0])),
    outcomes: { fault: count("fault"), missed: count("missed"), stopped: count("stopped"), preempted: count("preempted") },
  };
}

describe("one counting truth (property)", () => {
  it(`every surface counts the same, and as the raw rows say (${RUNS} random months)`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(modelArb, async (m) => {
        run++;
        const month = `2026-${String(m.month).padStart(2, "0")}`;
        const h = await createMonthHarness(at(`${month}-01`, "00:00"));
        try {
          const admin = await signedIn(h.env, "admin");
          const op = await createUser(h.env.db, `op-${run}`, "operator");
          const s = await setUp(h, m, month, admin);
          await airMonth(h, m, s, op.id);
          h.clock.jumpTo(at(s.last, "23:00"));
          const want = await independentCounts(h, s);
          if (process.env.PROPERTY_DEBUG) console.log((await h.env.db.airing.findMany({ orderBy: { scheduledStart: "asc" } })).map((a) => `#${a.id} ${a.scheduledStart.toISOString()} ${a.localDate} ${a.source} z${a.zoneId} ${a.status} ${a.statusReason}`).join("\n"));
          console.log(`run ${run}: ${month}, ${m.days} days, ${m.zones} zone(s), sessions ${m.sessions.join("+")}, ${m.campaigns.length} campaign(s) → ${JSON.stringify(want)}`);

          // The report (JSON) on the commune's basis.
          const get = async (url: string) => {
            const r = await admin.req("GET", url);
            if (r.status !== 200) throw new Error(`${url}: ${r.status} ${JSON.stringify(r.json)}`);
            return r;
          };
          const rep = (await get(`/api/reports?period=month&value=${month}`)).json.report;
          const got = {
            programs: rep.totals.programs, emergencyBroadcasts: rep.totals.emergencyBroadcasts, newsItems: rep.totals.newsItems,
            emergencyItems: rep.totals.emergencyItems, plays: rep.totals.plays,
            levels: Object.fromEntries(rep.byLevel.map((l: { level: string; newsItems: number }) => [l.level, l.newsItems])),
            campaigns: Object.fromEntries(rep.campaigns.map((c: { campaignId: number; plays: number }) => [c.campaignId, c.plays])),
            outcomes: { fault: rep.totals.zoneSessions.fault, missed: rep.totals.zoneSessions.missed, stopped: rep.totals.zoneSessions.stopped, preempted: rep.totals.zoneSessions.preempted },
          };
          expect(got).toEqual(want);
          expect(rep.byCategory.reduce((n: number, c: { newsItems: number }) => n + c.newsItems, 0)).toBe(want.newsItems + want.emergencyItems);

          // Campaign status (per zone, per day) sums to the same plays.
          for (const id of s.campaignIds) {
            const st = (await get(`/api/campaigns/${id}/status?days=${m.days}`)).json;
            const aired = st.zones.reduce((n: number, z: { history: { periodStart: string; aired: number }[] }) => n + z.history.filter((x) => x.periodStart >= s.first).reduce((a, x) => a + x.aired, 0), 0);
            expect(aired, `campaign ${id} status`).toBe(want.campaigns[id]);
          }

          // The dashboard's daily figures add up to the month.
          let dash = { programs: 0, newsItems: 0, plays: 0 };
          for (let d = 0; d < m.days; d++) {
            const c = (await get(`/api/status/counts?date=${addDays(s.first, d)}`)).json;
            dash = { programs: dash.programs + c.programs, newsItems: dash.newsItems + c.newsItems, plays: dash.plays + c.plays };
          }
          expect(dash).toEqual({ programs: want.programs, newsItems: want.newsItems, plays: want.plays });

          // XLSX (SheetJS) and PDF (pdftotext).
          const xlsx = await get(`/api/reports?period=month&value=${month}&format=xlsx`);
          const summary = xlsxSheets(new Uint8Array(await xlsx.res.arrayBuffer())).get("Tổng hợp")!;
          const cell = (label: string) => summary.find((r) => r[0] === label)?.[1];
          expect([cell("Số chương trình phát thanh (buổi phát)"), cell("Số tin, bài đã phát trong các chương trình"), cell("Tổng lượt phát tin, bài tại các cụm loa")])
            .toEqual([want.programs, want.newsItems, want.plays]);
          const pdf = await get(`/api/reports?period=month&value=${month}&format=pdf`);
          const text = flat(pdftotextPages(new Uint8Array(await pdf.res.arrayBuffer())));
          const n = (x: number) => x.toLocaleString("vi-VN");
          expect(text).toContain(`đã phát ${n(want.programs)} chương trình phát thanh`);
          expect(text).toContain(`với ${n(want.newsItems)} tin, bài`);
          expect(text).toContain(`với tổng số ${n(want.plays)} lượt phát tin, bài`);

          // The log book (XLSX): aired program sessions and their news lines.
          const lb = await get(`/api/reports/logbook?month=${month}&format=xlsx`);
          const lbRows = xlsxSheets(new Uint8Array(await lb.res.arrayBuffer())).get("Sổ nhật ký")!.slice(2);
          const sessionRows = lbRows.filter((r) => r[6] === null && typeof r[3] === "string" && /^\d+\/\d+$/.test(r[3] as string) && typeof r[13] === "string" && (r[13] as string).startsWith("Đã phát") && !(r[2] as string).startsWith("Phát khẩn cấp"));
          const newsLines = lbRows.filter((r) => typeof r[6] === "number" && r[10] !== "Nhạc hiệu" && !(r[2] as string).startsWith("Phát khẩn cấp"));
          expect([sessionRows.length, newsLines.length]).toEqual([want.programs, want.newsItems]);
        } finally {
          await h.cleanup();
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, verbose: true },
    );
  }, 30 * 60_000);
});
