// Computes the broadcast report for a range of commune dates from the SETTLED counting
// facts (server/settle-plays.ts; the rules are in server/domain/plays.ts and types.ts).
// Counting happens in SQL GROUP BYs (queries.ts) and over the small airing table; this file
// only folds those groups into the breakdowns and joins the names.
import { dbProvider, type Db } from "../db/client.ts";
import { sessionKind, type Outcome } from "../domain/plays.ts";
import { reasonVi } from "../domain/reasons.ts";
import { settlePlays } from "../settle-plays.ts";
import { dateRange, dayNumber, formatDateVi } from "../domain/time.ts";
import { DELETED_ITEM, LEVEL_LABELS, UNCATEGORISED } from "./labels.ts";
import { airingFactsSql, campaignPlaysSql, playFacetsSql, zonePlaysSql, type DateRange } from "./queries.ts";
import { campaignRows, type AiringFact } from "./campaigns.ts";
import { otherChannelsOf } from "./channels.ts";
import { directiveSection } from "./directives.ts";
import type { BroadcastReport, CategoryRow, DayRow, EmergencyRow, ItemRow, LevelRow, OutcomeCounts, ProblemAiring, ReportCommune, ReportTotals, ZoneRow } from "./types.ts";

export type ReportRange = DateRange & { key?: string; labelVi?: string; labelEn?: string };

export interface ComputeOptions {
  /** Stamped on the report as generatedAt (inject the clock's now). */
  now?: Date;
  /** Most problem sessions listed individually (counts are always complete). */
  problemLimit?: number;
}

type N = number | bigint | null;
const num = (v: N | undefined): number => (v == null ? 0 : Number(v));
/** Minutes with one decimal. */
export const minutes = (ms: number): number => Math.round(ms / 6_000) / 10;

interface FacetRow {
  facet: "item" | "day"; date: string | null; itemId: N; categoryId: N; level: string; itemKind: string; role: string; status: string; source: string;
  n: N; plays: N; units: N; programUnits: N; emergencyUnits: N; unitMs: N;
}
interface AiringRow {
  id: N; zoneId: N; date: string; start: Date | string; sessionKey: string; source: string; status: string; outcome: string; audioMs: N;
  reasonCode: string; reasonParams: string; programId: N; emergencyId: N;
}

type Reader = Pick<Db, "$queryRaw" | "commune" | "category" | "zone" | "campaign" | "item" | "program" | "emergency" | "channelStat" | "directive">;

/**
 * The report for [range.from, range.to] (commune dates, inclusive). Settles what has closed
 * first, then runs every statement in one transaction, so the breakdowns agree with each
 * other while the playout appends to the as-run log (SQLite WAL: one snapshot; PostgreSQL:
 * REPEATABLE READ).
 */
export async function computeReport(db: Db, range: ReportRange, opts: ComputeOptions = {}): Promise<BroadcastReport> {
  const days = dayNumber(range.to) - dayNumber(range.from) + 1;
  if (days < 1) throw new Error(`computeReport: range ${range.from}..${range.to} ends before it starts`);
  await settlePlays(db);
  const isolation = dbProvider(db) === "postgresql" ? { isolationLevel: "RepeatableRead" as unknown as "Serializable" } : {};
  return db.$transaction((tx) => compute(tx, range, days, opts), { maxWait: 30_000, timeout: 120_000, ...isolation });
}

const emptyOutcomes = (): OutcomeCounts => ({ aired: 0, stopped: 0, preempted: 0, fault: 0, missed: 0, cancelled: 0 });

async function compute(db: Reader, range: ReportRange, days: number, opts: ComputeOptions): Promise<BroadcastReport> {
  const r: DateRange = { from: range.from, to: range.to };
  const problemLimit = opts.problemLimit ?? 100;
  const facets = await db.$queryRaw<FacetRow[]>(playFacetsSql(r));
  const zonePlays = new Map<number, number>();
  for (const z of await db.$queryRaw<{ zoneId: N; plays: N }[]>(zonePlaysSql(r))) zonePlays.set(num(z.zoneId), (zonePlays.get(num(z.zoneId)) ?? 0) + num(z.plays));
  const airingRows = (await db.$queryRaw<AiringRow[]>(airingFactsSql(r))).map((a) => ({ ...a, id: num(a.id), zoneId: num(a.zoneId), audioMs: num(a.audioMs), start: new Date(a.start) }));
  const campaignPlays = (await db.$queryRaw<{ campaignId: N; zoneId: N; plays: N; inserted: N; makeGoods: N }[]>(campaignPlaysSql(r)))
    .map((c) => ({ campaignId: num(c.campaignId), zoneId: num(c.zoneId), plays: num(c.plays), inserted: num(c.inserted), makeGoods: num(c.makeGoods) }));

  const communeRow = await db.commune.findUnique({ where: { id: 1 } });
  const commune: ReportCommune = { name: communeRow?.name ?? "", unitName: communeRow?.unitName ?? "", place: communeRow?.place ?? "", timeZone: communeRow?.timeZone ?? "Asia/Ho_Chi_Minh" };
  const tz = commune.timeZone;
  const categories = await db.category.findMany({ orderBy: [{ sortOrder: "asc" }, { code: "asc" }] });
  const zones = await db.zone.findMany({ orderBy: { code: "asc" } });

  const totals: ReportTotals = {
    programs: 0, daysAired: 0, newsItems: 0, itemsDistinct: 0, emergencyBroadcasts: 0, emergencyItems: 0, plays: 0, makeGoodPlays: 0,
    zoneSessionsAired: 0, airtimeMinutes: 0, ownMinutes: 0, relayMinutes: 0, zoneSessions: emptyOutcomes(), sessionsMissed: 0,
  };
  const dayRows = new Map<string, DayRow>(dateRange(r.from, r.to).map((date) => [date, { date, programs: 0, newsItems: 0, plays: 0, airtimeMinutes: 0, emergencyBroadcasts: 0, problems: 0 }]));

  // ---- as-run facets → items, topics, levels, days ----
  type Acc = { units: number; plays: number; ms: number; items: Set<number> };
  const acc = (): Acc => ({ units: 0, plays: 0, ms: 0, items: new Set() });
  const byCat = new Map<number | null, Acc>();
  const byLevel = new Map<string, Acc>();
  type ItemAcc = { units: number; plays: number; ms: number; cut: number; failed: number; skipped: number; cat: Map<number | null, number>; level: Map<string, number>; kind: Map<string, number> };
  const byItem = new Map<number | null, ItemAcc>();
  const distinct = new Set<number>();
  let ownMs = 0, relayMs = 0;
  const bump = <K>(m: Map<K, number>, k: K, by: number) => m.set(k, (m.get(k) ?? 0) + by);
  for (const f of facets) {
    if (f.facet === "day") {
      const d = dayRows.get(f.date ?? "");
      if (d) { d.plays += num(f.plays); d.newsItems += num(f.programUnits); }
      continue;
    }
    if (f.role !== "news") continue; // jingles are neither news items nor topics
    const [n, plays, units, unitMs] = [num(f.n), num(f.plays), num(f.units), num(f.unitMs)];
    const itemId = f.itemId == null ? null : num(f.itemId);
    const categoryId = f.categoryId == null ? null : num(f.categoryId);
    totals.plays += plays;
    if (f.source === "make_good") totals.makeGoodPlays += plays;
    totals.emergencyItems += num(f.emergencyUnits);
    let it = byItem.get(itemId);
    if (!it) byItem.set(itemId, (it = { units: 0, plays: 0, ms: 0, cut: 0, failed: 0, skipped: 0, cat: new Map(), level: new Map(), kind: new Map() }));
    it.plays += plays;
    if (f.status === "interrupted") it.cut += n - plays;
    if (f.status === "failed") it.failed += n;
    if (f.status === "skipped") it.skipped += n;
    bump(it.cat, categoryId, n); bump(it.level, f.level, n); bump(it.kind, f.itemKind, n);
    const c = byCat.get(categoryId) ?? acc(); byCat.set(categoryId, c);
    const l = byLevel.get(f.level) ?? acc(); byLevel.set(f.level, l);
    c.plays += plays; l.plays += plays;
    if (units === 0) continue;
    // Session-level units (tin, bài): topics, levels and items count these.
    it.units += units; it.ms += unitMs;
    c.units += units; c.ms += unitMs; l.units += units; l.ms += unitMs;
    if (itemId !== null) { c.items.add(itemId); l.items.add(itemId); }
    if (f.itemKind === "relay") relayMs += unitMs; else ownMs += unitMs;
    const programUnits = num(f.programUnits);
    if (programUnits > 0) {
      totals.newsItems += programUnits;
      if (itemId !== null) distinct.add(itemId);
    }
  }
  totals.itemsDistinct = distinct.size;
  totals.ownMinutes = minutes(ownMs);
  totals.relayMinutes = minutes(relayMs);

  // ---- airings → sessions, zones, outcomes, days ----
  type Session = { key: string; date: string; start: Date; zones: number; aired: number; longestMs: number; missed: number; emergencyId: number | null; programId: number | null };
  const sessions = new Map<string, Session>();
  const zoneAcc = new Map<number, { aired: number; stopped: number; preempted: number; faults: number; missed: number; ms: number }>();
  const problems: ProblemAiring[] = [];
  const zoneName = new Map(zones.map((z) => [z.id, z.name]));
  for (const a of airingRows) {
    const outcome = a.outcome as Outcome;
    if (outcome in totals.zoneSessions) totals.zoneSessions[outcome as keyof OutcomeCounts]++;
    const z = zoneAcc.get(a.zoneId) ?? { aired: 0, stopped: 0, preempted: 0, faults: 0, missed: 0, ms: 0 };
    zoneAcc.set(a.zoneId, z);
    const onAir = a.audioMs > 0;
    if (onAir) { z.aired++; z.ms += a.audioMs; totals.zoneSessionsAired++; }
    if (outcome === "stopped") z.stopped++;
    if (outcome === "preempted") z.preempted++;
    if (outcome === "fault") z.faults++;
    if (outcome === "missed") z.missed++;
    if (outcome === "fault" || outcome === "missed") {
      const d = dayRows.get(a.date);
      if (d) d.problems++;
      problems.push({ airingId: a.id, date: a.date, scheduledStart: a.start, zoneName: zoneName.get(a.zoneId) ?? "", programName: "", outcome, reasonCode: a.reasonCode, reasonVi: reasonVi(a.reasonCode, a.reasonParams) });
    }
    if (outcome === "cancelled") continue; // a cancelled zone airing is not part of the session as broadcast
    let s = sessions.get(a.sessionKey);
    if (!s) sessions.set(a.sessionKey, (s = { key: a.sessionKey, date: a.date, start: a.start, zones: 0, aired: 0, longestMs: 0, missed: 0, emergencyId: a.emergencyId == null ? null : num(a.emergencyId), programId: a.programId == null ? null : num(a.programId) }));
    s.zones++;
    if (onAir) { s.aired++; s.longestMs = Math.max(s.longestMs, a.audioMs); }
    else if (outcome === "missed" || outcome === "fault") s.missed++;
  }
  const daysAired = new Set<string>();
  let airMs = 0;
  const emergencyRows: EmergencyRow[] = [];
  const emergencyTitles = new Map((await db.emergency.findMany({ where: { id: { in: [...sessions.values()].map((s) => s.emergencyId).filter((x): x is number => x != null) } }, include: { item: { select: { title: true } } } })).map((e) => [e.id, e.item.title]));
  for (const s of sessions.values()) {
    const kind = sessionKind(s.key);
    const d = dayRows.get(s.date);
    if (s.aired === 0) { if (s.missed > 0 && kind === "program") totals.sessionsMissed++; }
    else {
      airMs += s.longestMs;
      if (d) d.airtimeMinutes += s.longestMs;
      if (kind === "program") { totals.programs++; daysAired.add(s.date); if (d) d.programs++; }
      if (kind === "emergency") { totals.emergencyBroadcasts++; if (d) d.emergencyBroadcasts++; }
    }
    if (kind === "emergency") emergencyRows.push({ date: s.date, start: s.start, emergencyId: s.emergencyId, title: (s.emergencyId != null ? emergencyTitles.get(s.emergencyId) : undefined) ?? DELETED_ITEM.vi, zonesAired: s.aired, zones: s.zones });
  }
  totals.daysAired = daysAired.size;
  totals.airtimeMinutes = minutes(airMs);
  for (const d of dayRows.values()) d.airtimeMinutes = minutes(d.airtimeMinutes);
  emergencyRows.sort((a, b) => a.start.getTime() - b.start.getTime());

  // Program names of the listed problems.
  problems.sort((a, b) => a.scheduledStart.getTime() - b.scheduledStart.getTime() || a.airingId - b.airingId);
  const listed = problems.slice(0, problemLimit);
  const progOf = new Map(airingRows.map((a) => [a.id, a.programId == null ? null : num(a.programId)]));
  const progNames = new Map((await db.program.findMany({ where: { id: { in: [...new Set(listed.map((p) => progOf.get(p.airingId)).filter((x): x is number => x != null))] } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  for (const p of listed) p.programName = progNames.get(progOf.get(p.airingId) ?? -1) ?? "";

  const byZone: ZoneRow[] = zones
    .filter((z) => z.enabled || zoneAcc.has(z.id) || zonePlays.has(z.id))
    .map((z) => {
      const a = zoneAcc.get(z.id);
      return { zoneId: z.id, code: z.code, name: z.name, village: z.village, sessionsAired: a?.aired ?? 0, stopped: a?.stopped ?? 0, preempted: a?.preempted ?? 0,
        faults: a?.faults ?? 0, missed: a?.missed ?? 0, plays: zonePlays.get(z.id) ?? 0, airtimeMinutes: minutes(a?.ms ?? 0) };
    });

  // ---- names ----
  const catName = new Map(categories.map((c) => [c.id, c]));
  const byCategory: CategoryRow[] = categories.map((c) => {
    const a = byCat.get(c.id) ?? acc();
    return { categoryId: c.id, code: c.code, nameVi: c.nameVi, nameEn: c.nameEn, itemsDistinct: a.items.size, newsItems: a.units, plays: a.plays, airtimeMinutes: minutes(a.ms) };
  });
  const orphans = [...byCat.keys()].filter((k) => k === null || !catName.has(k));
  if (orphans.length) {
    const m = acc();
    for (const k of orphans) { const a = byCat.get(k)!; m.units += a.units; m.plays += a.plays; m.ms += a.ms; a.items.forEach((i) => m.items.add(i)); }
    if (m.units + m.plays > 0) byCategory.push({ categoryId: null, code: "", ...UNCATEGORISED, itemsDistinct: m.items.size, newsItems: m.units, plays: m.plays, airtimeMinutes: minutes(m.ms) });
  }
  const byLevelRows: LevelRow[] = Object.keys(LEVEL_LABELS).map((level) => {
    const a = byLevel.get(level) ?? acc();
    return { level, ...LEVEL_LABELS[level]!, itemsDistinct: a.items.size, newsItems: a.units, plays: a.plays, airtimeMinutes: minutes(a.ms) };
  });
  const ids = [...byItem.keys()].filter((x): x is number => x !== null);
  const items = new Map((await db.item.findMany({ where: { id: { in: ids } }, select: { id: true, title: true, sourceRef: true } })).map((i) => [i.id, i]));
  const top = <K>(m: Map<K, number>): K | undefined => [...m.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const byItemRows: ItemRow[] = [...byItem.entries()].map(([itemId, a]) => {
    const categoryId = top(a.cat) ?? null;
    const item = itemId === null ? undefined : items.get(itemId);
    return {
      itemId, title: item?.title ?? DELETED_ITEM.vi, sourceRef: item?.sourceRef ?? "", kind: top(a.kind) ?? "",
      categoryId, categoryNameVi: categoryId === null ? UNCATEGORISED.nameVi : catName.get(categoryId)?.nameVi ?? UNCATEGORISED.nameVi,
      level: top(a.level) ?? "normal", newsItems: a.units, plays: a.plays, airtimeMinutes: minutes(a.ms), cut: a.cut, failed: a.failed, skipped: a.skipped,
    };
  }).sort((x, y) => y.newsItems - x.newsItems || y.plays - x.plays || x.title.localeCompare(y.title, "vi"));

  const airingFacts: AiringFact[] = airingRows.map((a) => ({ zoneId: a.zoneId, date: a.date, start: a.start, source: a.source, status: a.status }));
  return {
    period: { from: r.from, to: r.to, days, key: range.key ?? `${r.from}..${r.to}`,
      labelVi: range.labelVi ?? `từ ngày ${formatDateVi(r.from)} đến ngày ${formatDateVi(r.to)}`, labelEn: range.labelEn ?? `${r.from} to ${r.to}` },
    commune,
    generatedAt: opts.now ?? new Date(),
    totals,
    byCategory,
    byLevel: byLevelRows,
    byZone,
    byItem: byItemRows,
    byDay: [...dayRows.values()],
    emergencies: emergencyRows,
    problems: { list: listed, truncated: problems.length > problemLimit },
    campaigns: await campaignRows(db, r, campaignPlays, airingFacts, tz),
    otherChannels: await otherChannelsOf(db, r),
    directives: await directiveSection(db, r, opts.now ?? new Date(), tz),
  };
}
