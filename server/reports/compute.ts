// Computes the broadcast report for a range of commune dates. All counting happens in
// SQL GROUP BYs (queries.ts); this file only folds the grouped rows (a few thousand at
// most, whatever the size of the as-run log) into the typed breakdowns and joins the
// names of zones, items, topics and campaigns. Counting rules: see types.ts.
import { dbProvider, type Db } from "../db/client.ts";
import { dayNumber, eachDate, formatDateVi } from "./period.ts";
import { PRIORITY_LABELS, UNCATEGORISED, DELETED_ITEM } from "./labels.ts";
import {
  airingCountsSql, airingDistinctsSql, asRunFacetsSql, asRunZoneCampaignSql, emergenciesSql,
  problemAiringsSql, shortfallsSql, type DateRange,
} from "./queries.ts";
import type {
  BroadcastReport, CampaignRow, CategoryRow, DayRow, ItemRow, PriorityRow, ProblemAiring, ReportCommune, ReportTotals, ZoneRow,
} from "./types.ts";

/** A range of commune dates; a `Period` from period.ts fits and lends its key and labels. */
export type ReportRange = DateRange & { key?: string; labelVi?: string; labelEn?: string };

export interface ComputeOptions {
  /** Stamped on the report as generatedAt (inject the clock's now). */
  now?: Date;
  /** Most failed/interrupted/missed sessions listed individually (counts are always complete). */
  problemLimit?: number;
}

type N = number | bigint | null;
const num = (v: N | undefined): number => (v == null ? 0 : Number(v));
/** Minutes with one decimal. */
export const minutes = (ms: number): number => Math.round(ms / 6_000) / 10;

interface FacetRow {
  facet: "item" | "day"; date: string | null; itemId: N; categoryId: N; priority: string | null; itemKind: string | null; title: string | null;
  done: N; interrupted: N; failed: N; skipped: N; ms: N; emergency: N; makeGood: N;
}
interface ZoneCampaignRow { facet: "zone" | "campaign"; zoneId: N; campaignId: N; done: N; ms: N; makeGood: N }
interface AiringCountRow { facet: "zone" | "day" | "source"; key: string; status: string; n: N }
interface Acc { airings: number; ms: number; items: Set<number> }
const acc = (): Acc => ({ airings: 0, ms: 0, items: new Set() });

/** What the report reads with: the client or a transaction on it. */
type Reader = Pick<Db, "$queryRaw" | "commune" | "category" | "zone" | "campaign">;

/**
 * The report for [range.from, range.to] (commune dates, inclusive). All statements run in
 * one transaction, so the breakdowns agree with each other even while the playout worker
 * is appending to the as-run log (SQLite WAL: one read snapshot; PostgreSQL: REPEATABLE
 * READ, one snapshot for the whole transaction rather than one per statement).
 */
export async function computeReport(db: Db, range: ReportRange, opts: ComputeOptions = {}): Promise<BroadcastReport> {
  const days = dayNumber(range.to) - dayNumber(range.from) + 1;
  if (days < 1) throw new Error(`computeReport: range ${range.from}..${range.to} ends before it starts`);
  // The SQLite client's types only know "Serializable"; PostgreSQL takes RepeatableRead.
  const isolation = dbProvider(db) === "postgresql" ? { isolationLevel: "RepeatableRead" as unknown as "Serializable" } : {};
  return db.$transaction((tx) => compute(tx, range, days, opts), { maxWait: 30_000, timeout: 120_000, ...isolation });
}

async function compute(db: Reader, range: ReportRange, days: number, opts: ComputeOptions): Promise<BroadcastReport> {
  const r: DateRange = { from: range.from, to: range.to };
  const problemLimit = opts.problemLimit ?? 100;

  // Aggregates (SQL) first, then the small dimension tables.
  const facets = await db.$queryRaw<FacetRow[]>(asRunFacetsSql(r));
  const zoneCampaign = await db.$queryRaw<ZoneCampaignRow[]>(asRunZoneCampaignSql(r));
  const zoneRuns = zoneCampaign.filter((z) => z.facet === "zone");
  const campaignAired = zoneCampaign.filter((z) => z.facet === "campaign");
  const airingCounts = await db.$queryRaw<AiringCountRow[]>(airingCountsSql(r));
  const [distincts] = await db.$queryRaw<{ programs: N; programDays: N; slots: N }[]>(airingDistinctsSql(r));
  const emergencies = await db.$queryRaw<{ date: string; emergencyId: N; itemId: N; title: string | null; sessions: N; zones: N }[]>(emergenciesSql(r));
  const problems = await db.$queryRaw<(Omit<ProblemAiring, "airingId"> & { airingId: N; programName: string | null })[]>(problemAiringsSql(r, problemLimit + 1));
  const shortfalls = await db.$queryRaw<{ campaignId: N; n: N; missing: N }[]>(shortfallsSql(r));

  const communeRow = await db.commune.findUnique({ where: { id: 1 } });
  const commune: ReportCommune = {
    name: communeRow?.name ?? "", unitName: communeRow?.unitName ?? "", place: communeRow?.place ?? "",
    timeZone: communeRow?.timeZone ?? "Asia/Ho_Chi_Minh",
  };
  const categories = await db.category.findMany({ orderBy: [{ sortOrder: "asc" }, { code: "asc" }] });
  const zones = await db.zone.findMany({ orderBy: { code: "asc" } });

  // ---- as-run facets → items, topics, priorities, totals, days ----
  const totals: ReportTotals = {
    sessionsAired: 0, sessionSlots: num(distincts?.slots), sessionsBySource: { schedule: 0, manual: 0, emergency: 0 },
    programsAired: num(distincts?.programs), programDays: num(distincts?.programDays),
    itemsDistinct: 0, itemAirings: 0, airtimeMinutes: 0, ownMinutes: 0, relayMinutes: 0,
    emergencySessions: 0, emergencyItemAirings: 0, makeGoodAirings: 0,
    sessionStatus: { aired: 0, interrupted: 0, failed: 0, missed: 0, cancelled: 0 },
    itemStatus: { completed: 0, interrupted: 0, failed: 0, skipped: 0 },
  };
  const dayRows = new Map<string, DayRow>(eachDate(r.from, r.to).map((date) => [date, { date, sessionsAired: 0, sessionProblems: 0, airings: 0, airtimeMinutes: 0, emergencyAirings: 0 }]));
  const dayMs = new Map<string, number>();
  const byCat = new Map<number | null, Acc>();
  const byPrio = new Map<string, Acc>();
  type ItemAcc = { airings: number; ms: number; interrupted: number; failed: number; skipped: number; cat: Map<number | null, number>; prio: Map<string, number>; kind: Map<string, number> };
  const byItem = new Map<number | null, ItemAcc>();
  const distinctItems = new Set<number>();
  let ownMs = 0, relayMs = 0;
  const bump = <K>(m: Map<K, number>, k: K, by: number) => m.set(k, (m.get(k) ?? 0) + by);

  const titles = new Map<number, string>();
  for (const f of facets) {
    const done = num(f.done), ms = num(f.ms);
    if (f.facet === "day") {
      const d = dayRows.get(f.date ?? "");
      if (!d) continue;
      d.airings += done;
      d.emergencyAirings += num(f.emergency);
      bump(dayMs, d.date, ms);
      continue;
    }
    const [interrupted, failed, skipped] = [num(f.interrupted), num(f.failed), num(f.skipped)];
    const itemId = f.itemId == null ? null : num(f.itemId);
    if (itemId !== null && f.title != null) titles.set(itemId, f.title);
    const categoryId = f.categoryId == null ? null : num(f.categoryId);
    const priority = f.priority ?? "normal";
    const st = totals.itemStatus;
    st.completed += done; st.interrupted += interrupted; st.failed += failed; st.skipped += skipped;
    totals.emergencyItemAirings += num(f.emergency);
    totals.makeGoodAirings += num(f.makeGood);
    if (f.itemKind === "relay") relayMs += ms; else ownMs += ms;
    let it = byItem.get(itemId);
    if (!it) byItem.set(itemId, (it = { airings: 0, ms: 0, interrupted: 0, failed: 0, skipped: 0, cat: new Map(), prio: new Map(), kind: new Map() }));
    it.airings += done; it.ms += ms; it.interrupted += interrupted; it.failed += failed; it.skipped += skipped;
    // An item re-filed under another topic mid-period shows under the one it aired most with.
    const weight = done + interrupted + failed + skipped;
    bump(it.cat, categoryId, weight); bump(it.prio, priority, weight); bump(it.kind, f.itemKind ?? "", weight);
    const c = byCat.get(categoryId) ?? acc(); byCat.set(categoryId, c);
    const p = byPrio.get(priority) ?? acc(); byPrio.set(priority, p);
    c.airings += done; c.ms += ms; p.airings += done; p.ms += ms;
    if (done > 0 && itemId !== null) { c.items.add(itemId); p.items.add(itemId); distinctItems.add(itemId); }
  }
  totals.itemAirings = totals.itemStatus.completed;
  totals.itemsDistinct = distinctItems.size;
  totals.ownMinutes = minutes(ownMs);
  totals.relayMinutes = minutes(relayMs);
  totals.airtimeMinutes = minutes(ownMs + relayMs);
  for (const d of dayRows.values()) d.airtimeMinutes = minutes(dayMs.get(d.date) ?? 0);

  // ---- airings → sessions per zone and day ----
  const zoneSessions = new Map<number, { aired: number; interrupted: number; failed: number; missed: number }>();
  const onAir = (status: string) => status === "aired" || status === "interrupted";
  for (const a of airingCounts) {
    const n = num(a.n);
    if (a.facet === "source") {
      if (a.status in totals.sessionStatus) totals.sessionStatus[a.status as keyof ReportTotals["sessionStatus"]] += n;
      if (onAir(a.status) && a.key in totals.sessionsBySource) totals.sessionsBySource[a.key as keyof ReportTotals["sessionsBySource"]] += n;
    } else if (a.facet === "zone") {
      const zoneId = Number(a.key);
      const z = zoneSessions.get(zoneId) ?? { aired: 0, interrupted: 0, failed: 0, missed: 0 };
      zoneSessions.set(zoneId, z);
      if (onAir(a.status)) z.aired += n;
      if (a.status === "interrupted") z.interrupted += n;
      if (a.status === "failed") z.failed += n;
      if (a.status === "missed") z.missed += n;
    } else {
      const d = dayRows.get(a.key);
      if (!d) continue;
      if (onAir(a.status)) d.sessionsAired += n;
      if (a.status === "interrupted" || a.status === "failed" || a.status === "missed") d.sessionProblems += n;
    }
  }
  totals.sessionsAired = totals.sessionStatus.aired + totals.sessionStatus.interrupted;
  totals.emergencySessions = totals.sessionsBySource.emergency;

  const zoneRuns2 = new Map<number, { airings: number; ms: number }>(zoneRuns.map((z) => [num(z.zoneId), { airings: num(z.done), ms: num(z.ms) }]));
  const byZone: ZoneRow[] = zones
    .filter((z) => z.enabled || zoneSessions.has(z.id) || zoneRuns2.has(z.id))
    .map((z) => {
      const s = zoneSessions.get(z.id), a = zoneRuns2.get(z.id);
      return {
        zoneId: z.id, code: z.code, name: z.name, village: z.village,
        sessionsAired: s?.aired ?? 0, sessionsInterrupted: s?.interrupted ?? 0, sessionsFailed: s?.failed ?? 0, sessionsMissed: s?.missed ?? 0,
        airings: a?.airings ?? 0, airtimeMinutes: minutes(a?.ms ?? 0),
      };
    });

  // ---- names ----
  const catName = new Map(categories.map((c) => [c.id, c]));
  const byCategory: CategoryRow[] = categories.map((c) => {
    const a = byCat.get(c.id) ?? acc();
    return { categoryId: c.id, code: c.code, nameVi: c.nameVi, nameEn: c.nameEn, itemsDistinct: a.items.size, airings: a.airings, airtimeMinutes: minutes(a.ms) };
  });
  const orphanCats = [...byCat.keys()].filter((k) => k === null || !catName.has(k));
  if (orphanCats.length) {
    const merged = acc();
    for (const k of orphanCats) { const a = byCat.get(k)!; merged.airings += a.airings; merged.ms += a.ms; a.items.forEach((i) => merged.items.add(i)); }
    byCategory.push({ categoryId: null, code: "", ...UNCATEGORISED, itemsDistinct: merged.items.size, airings: merged.airings, airtimeMinutes: minutes(merged.ms) });
  }
  const byPriority: PriorityRow[] = [...new Set([...Object.keys(PRIORITY_LABELS), ...byPrio.keys()])].map((p) => {
    const a = byPrio.get(p) ?? acc();
    const l = PRIORITY_LABELS[p] ?? { labelVi: p, labelEn: p };
    return { priority: p, ...l, itemsDistinct: a.items.size, airings: a.airings, airtimeMinutes: minutes(a.ms) };
  });

  const top = <K>(m: Map<K, number>): K | undefined => [...m.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const byItemRows: ItemRow[] = [...byItem.entries()].map(([itemId, a]) => {
    const categoryId = top(a.cat) ?? null;
    return {
      itemId, title: itemId === null ? DELETED_ITEM.vi : titles.get(itemId) ?? DELETED_ITEM.vi, kind: top(a.kind) ?? "",
      categoryId, categoryNameVi: categoryId === null ? UNCATEGORISED.nameVi : catName.get(categoryId)?.nameVi ?? UNCATEGORISED.nameVi,
      priority: top(a.prio) ?? "normal", airings: a.airings, airtimeMinutes: minutes(a.ms),
      interrupted: a.interrupted, failed: a.failed, skipped: a.skipped,
    };
  }).sort((x, y) => y.airings - x.airings || x.title.localeCompare(y.title, "vi"));

  return {
    period: { from: r.from, to: r.to, days, key: range.key ?? `${r.from}..${r.to}`,
      labelVi: range.labelVi ?? `từ ngày ${formatDateVi(r.from)} đến ngày ${formatDateVi(r.to)}`, labelEn: range.labelEn ?? `${r.from} to ${r.to}` },
    commune,
    generatedAt: opts.now ?? new Date(),
    totals,
    byCategory,
    byPriority,
    byZone,
    byItem: byItemRows,
    byDay: [...dayRows.values()],
    emergencies: emergencies.map((e) => ({
      date: e.date, emergencyId: e.emergencyId == null ? null : num(e.emergencyId), itemId: e.itemId == null ? null : num(e.itemId),
      title: e.title ?? DELETED_ITEM.vi, sessions: num(e.sessions), zones: num(e.zones),
    })),
    problems: {
      failed: totals.sessionStatus.failed, interrupted: totals.sessionStatus.interrupted, missed: totals.sessionStatus.missed,
      list: problems.slice(0, problemLimit).map((p) => ({ ...p, airingId: num(p.airingId), programName: p.programName ?? "", reason: p.reason ?? "" })),
      truncated: problems.length > problemLimit,
    },
    campaigns: await campaignRows(db, r, campaignAired, shortfalls, zones),
  };
}

async function campaignRows(
  db: Reader, r: DateRange,
  aired: ZoneCampaignRow[],
  shortfalls: { campaignId: N; n: N; missing: N }[],
  zones: { id: number; enabled: boolean }[],
): Promise<CampaignRow[]> {
  const campaigns = await db.campaign.findMany({
    where: { startDate: { lte: r.to }, endDate: { gte: r.from } },
    include: { zones: { select: { zoneId: true } } },
    orderBy: [{ startDate: "asc" }, { id: "asc" }],
  });
  const enabledZones = zones.filter((z) => z.enabled).map((z) => z.id);
  const shortBy = new Map(shortfalls.map((s) => [num(s.campaignId), s]));
  const rows: CampaignRow[] = [];
  for (const c of campaigns) {
    const perZone = new Map<number, number>();
    let total = 0, makeGoods = 0;
    for (const a of aired) {
      if (num(a.campaignId) !== c.id) continue;
      const n = num(a.done); // completed rows only
      total += n;
      makeGoods += num(a.makeGood);
      perZone.set(num(a.zoneId), (perZone.get(num(a.zoneId)) ?? 0) + n);
    }
    if (!c.enabled && total === 0) continue;
    const overlapFrom = c.startDate > r.from ? c.startDate : r.from;
    const overlapTo = c.endDate < r.to ? c.endDate : r.to;
    const overlapDays = dayNumber(overlapTo) - dayNumber(overlapFrom) + 1;
    // perWeek is prorated over the overlap (a month holds 31/7 weeks), rounded up.
    const targetPerZone = Math.max((c.perDay ?? 0) * overlapDays, Math.ceil(((c.perWeek ?? 0) * overlapDays) / 7));
    const zoneIds = c.allZones ? enabledZones : c.zones.map((z) => z.zoneId);
    const target = targetPerZone * zoneIds.length;
    // Over-airing in one zone must not hide a deficit in another: cap each zone at its target.
    const fulfilled = zoneIds.reduce((s, z) => s + Math.min(perZone.get(z) ?? 0, targetPerZone), 0);
    const sf = shortBy.get(c.id);
    rows.push({
      campaignId: c.id, name: c.name, startDate: c.startDate, endDate: c.endDate, enabled: c.enabled,
      perDay: c.perDay, perWeek: c.perWeek, overlapFrom, overlapTo, overlapDays,
      zones: zoneIds.length, targetPerZone, target, aired: total, makeGoods,
      compliancePct: target === 0 ? 100 : Math.round((fulfilled / target) * 1000) / 10,
      zonesBelowTarget: zoneIds.filter((z) => (perZone.get(z) ?? 0) < targetPerZone).length,
      shortfalls: num(sf?.n), shortfallMissing: num(sf?.missing),
    });
  }
  return rows;
}
