// Campaign figures shared by the campaign status API, the report and the campaign form:
// which days (weeks) carry a target (those with an eligible session, plays.ts), the report's
// compliance rows, and whether a campaign's target can be met by the schedules at all.
import type { Db } from "../db/client.ts";
import { campaignSpecFromRow, periodTarget, type CampaignSpec } from "../domain/campaign.ts";
import { campaignCovers, campaignMatchers, isEligibleSession } from "../domain/plays.ts";
import { expandSchedules, scheduleSpecFromRow } from "../domain/recurrence.ts";
import { addDays, dateRange, localToUtcMs, startOfIsoWeek, toLocalParts } from "../domain/time.ts";
import type { CampaignRow } from "./types.ts";

export interface AiringFact {
  zoneId: number;
  date: string;
  start: Date;
  source: string;
  status: string;
}

/** zoneId → local dates with an eligible session of the campaign (program session, in its zones, dates and windows). */
export function eligibleDatesOf(spec: CampaignSpec, airings: readonly AiringFact[], tz: string): Map<number, Set<string>> {
  const [m] = campaignMatchers([spec]);
  const out = new Map<number, Set<string>>();
  for (const a of airings) {
    if (!isEligibleSession(a) || !campaignCovers(m!, a.zoneId, a.date, toLocalParts(a.start, tz).minuteOfDay)) continue;
    let s = out.get(a.zoneId);
    if (!s) out.set(a.zoneId, (s = new Set()));
    s.add(a.date);
  }
  return out;
}

export async function eligibleSessionDates(db: Db, spec: CampaignSpec, tz: string, from: string, to: string): Promise<Map<number, Set<string>>> {
  const airings = await db.airing.findMany({
    where: { localDate: { gte: from, lte: to }, source: { not: "emergency" }, status: { notIn: ["cancelled", "superseded"] } },
    select: { zoneId: true, localDate: true, scheduledStart: true, source: true, status: true },
  });
  return eligibleDatesOf(spec, airings.map((a) => ({ zoneId: a.zoneId, date: a.localDate, start: a.scheduledStart, source: a.source, status: a.status })), tz);
}

/**
 * Target of one zone over [from, to] (already inside the campaign's dates): perDay on each
 * eligible date; perWeek for each ISO week with an eligible date, prorated to the days of
 * the week inside the range. With both, the larger.
 */
export function zoneTarget(spec: CampaignSpec, eligible: ReadonlySet<string>, from: string, to: string): number {
  const dates = dateRange(from, to);
  const dayTarget = (spec.perDay ?? 0) * dates.filter((d) => eligible.has(d)).length;
  let weekTarget = 0;
  if (spec.perWeek) {
    const weeks = new Map<string, string[]>();
    for (const d of dates) weeks.set(startOfIsoWeek(d), [...(weeks.get(startOfIsoWeek(d)) ?? []), d]);
    for (const [monday, ds] of weeks) {
      if (!ds.some((d) => eligible.has(d))) continue;
      weekTarget += ds.length === 7 ? periodTarget(spec, "week", monday) : Math.ceil((spec.perWeek * ds.length) / 7);
    }
  }
  return Math.max(dayTarget, weekTarget);
}

export interface CampaignPlays {
  campaignId: number;
  zoneId: number;
  plays: number;
  inserted: number;
  makeGoods: number;
}

export async function campaignRows(db: Pick<Db, "campaign" | "zone">, range: { from: string; to: string }, plays: readonly CampaignPlays[], airings: readonly AiringFact[], tz: string): Promise<CampaignRow[]> {
  const rows = await db.campaign.findMany({
    where: { startDate: { lte: range.to }, endDate: { gte: range.from } },
    include: { items: true, zones: true },
    orderBy: [{ startDate: "asc" }, { id: "asc" }],
  });
  const enabledZones = (await db.zone.findMany({ where: { enabled: true }, select: { id: true } })).map((z) => z.id);
  const out: CampaignRow[] = [];
  for (const row of rows) {
    const spec = campaignSpecFromRow(row);
    const mine = plays.filter((p) => p.campaignId === row.id);
    const total = mine.reduce((s, p) => s + p.plays, 0);
    if (!row.enabled && total === 0) continue;
    const from = row.startDate > range.from ? row.startDate : range.from;
    const to = row.endDate < range.to ? row.endDate : range.to;
    const zoneIds = row.allZones ? [...new Set([...enabledZones, ...mine.map((p) => p.zoneId)])] : row.zones.map((z) => z.zoneId);
    const eligible = eligibleDatesOf(spec, airings.filter((a) => a.date >= from && a.date <= to), tz);
    let target = 0, fulfilled = 0, below = 0, noSession = 0;
    const days = dateRange(from, to).length;
    for (const z of zoneIds) {
      const e = eligible.get(z) ?? new Set<string>();
      noSession += days - e.size;
      const t = zoneTarget(spec, e, from, to);
      const p = mine.filter((x) => x.zoneId === z).reduce((s, x) => s + x.plays, 0);
      target += t;
      // Over-airing in one zone must not hide a deficit in another: cap each zone at its target.
      fulfilled += Math.min(p, t);
      if (p < t) below++;
    }
    out.push({
      campaignId: row.id, name: row.name, startDate: row.startDate, endDate: row.endDate, enabled: row.enabled,
      perDay: row.perDay, perWeek: row.perWeek, overlapFrom: from, overlapTo: to, zones: zoneIds.length, target,
      plays: total, inserted: mine.reduce((s, p) => s + p.inserted, 0), makeGoods: mine.reduce((s, p) => s + p.makeGoods, 0),
      compliancePct: target === 0 ? 100 : Math.round((fulfilled / target) * 1000) / 10, zonesBelowTarget: below, daysWithoutSession: noSession,
    });
  }
  return out;
}

// ---------------------------------------------------------------- feasibility

export interface FeasibilityProblem {
  code: "no_eligible_session" | "days_without_session" | "per_day_over_capacity" | "per_week_over_capacity";
  zoneIds: number[];
  /** Worst case seen: eligible sessions and the most plays they can hold. */
  sessions: number;
  capacity: number;
  target: number;
  days: number;
  messageVi: string;
  messageEn: string;
}

/**
 * Whether the enabled schedules can meet a campaign's targets: per zone and day, the
 * eligible sessions (in its windows) × maxPerSession, with sessions closer than minGapMin
 * counted once. Looks at the campaign's dates, at most the first 8 weeks.
 */
export async function campaignFeasibility(db: Db, spec: CampaignSpec, tz: string): Promise<{ ok: boolean; problems: FeasibilityProblem[] }> {
  const zoneRows = await db.zone.findMany({ where: { enabled: true }, select: { id: true } });
  const zoneIds = spec.zoneIds === "all" ? zoneRows.map((z) => z.id) : [...spec.zoneIds];
  const last = addDays(spec.startDate, 55) < spec.endDate ? addDays(spec.startDate, 55) : spec.endDate;
  const schedules = (await db.schedule.findMany({ where: { enabled: true }, include: { zones: true } })).map((r) => ({ ...scheduleSpecFromRow(r), zoneIds: r.zones.map((z) => z.zoneId) }));
  const sessions = expandSchedules(schedules, { from: new Date(localToUtcMs(spec.startDate, 0, tz)), to: new Date(localToUtcMs(addDays(last, 1), 0, tz)) }, tz);
  const [m] = campaignMatchers([{ ...spec, enabled: true }]);
  const starts = new Map<string, number[]>(); // zone|date → session starts in window
  for (const s of sessions) {
    if (!zoneIds.includes(s.zoneId) || !campaignCovers(m!, s.zoneId, s.localDate, toLocalParts(s.start, tz).minuteOfDay)) continue;
    const k = `${s.zoneId}|${s.localDate}`;
    starts.set(k, [...(starts.get(k) ?? []), s.start.getTime()]);
  }
  const gapMs = spec.minGapMin * 60_000;
  const capacityOf = (ts: number[]) => {
    let n = 0, lastT = -Infinity;
    for (const t of [...ts].sort((a, b) => a - b)) if (t - lastT >= gapMs || gapMs === 0) { n++; lastT = t; }
    return gapMs > 0 ? n : n * spec.maxPerSession;
  };
  const dates = dateRange(spec.startDate, last);
  const problems: FeasibilityProblem[] = [];
  const noSession: number[] = [], someDaysEmpty: number[] = [], dayShort: number[] = [], weekShort: number[] = [];
  let worst = { sessions: 0, capacity: Infinity, days: 0 }, worstWeek = { sessions: 0, capacity: Infinity };
  for (const z of zoneIds) {
    const perDate = dates.map((d) => starts.get(`${z}|${d}`) ?? []);
    const eligibleDays = perDate.filter((x) => x.length > 0).length;
    if (eligibleDays === 0) { noSession.push(z); continue; }
    if (eligibleDays < dates.length) { someDaysEmpty.push(z); worst.days = Math.max(worst.days, dates.length - eligibleDays); }
    if (spec.perDay) {
      for (const ts of perDate) {
        if (!ts.length) continue;
        const cap = capacityOf(ts);
        if (cap < spec.perDay) {
          if (!dayShort.includes(z)) dayShort.push(z);
          if (cap < worst.capacity) worst = { ...worst, sessions: ts.length, capacity: cap };
        }
      }
    }
    if (spec.perWeek) {
      const weeks = new Map<string, number[]>();
      dates.forEach((d, i) => weeks.set(startOfIsoWeek(d), [...(weeks.get(startOfIsoWeek(d)) ?? []), ...perDate[i]!]));
      for (const [monday, ts] of weeks) {
        const want = periodTarget(spec, "week", monday);
        if (!ts.length || want === 0) continue;
        const cap = capacityOf(ts);
        if (cap < want && !weekShort.includes(z)) { weekShort.push(z); if (cap < worstWeek.capacity) worstWeek = { sessions: ts.length, capacity: cap }; }
      }
    }
  }
  const windows = spec.windows.length ? ` trong khung giờ ${spec.windows.join(", ")}` : "";
  const windowsEn = spec.windows.length ? ` within ${spec.windows.join(", ")}` : "";
  if (noSession.length) problems.push({ code: "no_eligible_session", zoneIds: noSession, sessions: 0, capacity: 0, target: spec.perDay ?? spec.perWeek ?? 0, days: dates.length,
    messageVi: `${noSession.length} cụm loa không có buổi phát nào${windows} trong thời gian chiến dịch: chỉ tiêu không thể đạt.`,
    messageEn: `${noSession.length} zone(s) have no session${windowsEn} during the campaign: the target cannot be met.` });
  if (someDaysEmpty.length) problems.push({ code: "days_without_session", zoneIds: someDaysEmpty, sessions: 0, capacity: 0, target: spec.perDay ?? 0, days: worst.days,
    messageVi: `Có ngày không có buổi phát${windows} (tối đa ${worst.days} ngày ở một cụm loa): những ngày đó không tính chỉ tiêu.`,
    messageEn: `Some days have no session${windowsEn} (up to ${worst.days} days in one zone): those days carry no target.` });
  if (dayShort.length) problems.push({ code: "per_day_over_capacity", zoneIds: dayShort, sessions: worst.sessions, capacity: worst.capacity, target: spec.perDay ?? 0, days: 0,
    messageVi: `Chỉ tiêu ${spec.perDay} lượt/ngày vượt khả năng của lịch phát: có ngày chỉ ${worst.sessions} buổi phát, phát được tối đa ${worst.capacity} lượt (tối đa ${spec.maxPerSession} lượt/buổi${spec.minGapMin ? `, cách nhau ít nhất ${spec.minGapMin} phút` : ""}).`,
    messageEn: `The target of ${spec.perDay}/day exceeds what the schedule can hold: some days have ${worst.sessions} session(s), at most ${worst.capacity} play(s) (${spec.maxPerSession} per session${spec.minGapMin ? `, ${spec.minGapMin} min apart` : ""}).` });
  if (weekShort.length) problems.push({ code: "per_week_over_capacity", zoneIds: weekShort, sessions: worstWeek.sessions, capacity: worstWeek.capacity, target: spec.perWeek ?? 0, days: 0,
    messageVi: `Chỉ tiêu ${spec.perWeek} lượt/tuần vượt khả năng của lịch phát: có tuần chỉ phát được tối đa ${worstWeek.capacity} lượt.`,
    messageEn: `The target of ${spec.perWeek}/week exceeds what the schedule can hold: some weeks hold at most ${worstWeek.capacity} play(s).` });
  return { ok: !problems.some((p) => p.code !== "days_without_session"), problems };
}
