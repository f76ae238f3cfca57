// Writes a plan set-wise: the airings of the window are read once and compared with the plan
// by their plan hash; only the difference is written, by the database's own writer
// (server/plan-write-sqlite.ts, plan-write-pg.ts), which first takes the plan version
// (server/plan-lock.ts): new airings and their run-down lines inserted, changed ones
// rewritten, those the plan no longer has superseded, shortfalls of open periods brought in line.
import type { Db } from "./db/client.ts";
import { fastReader, Where } from "./db/fast-read.ts";
import type { Airing, Shortfall as ShortfallRow } from "./generated/prisma/client.ts";
import { planHashOf, sessionKey, TextDigests, type PlannedSession } from "./domain/plan.ts";
import type { Shortfall } from "./domain/frequency.ts";
import type { RundownLinePlan } from "./domain/rundown.ts";
import { OPEN } from "./plan-input.ts";

/** Removed by the planner because its schedule changed; unlike "cancelled" it may return. */
export const SUPERSEDED = "superseded";
export const REPLANNABLE = [...OPEN, SUPERSEDED];
export const SUPERSEDED_REASON = "Lịch phát đã thay đổi / The schedule changed";

export type WindowAiring = Pick<Airing, "id" | "scheduleId" | "zoneId" | "localDate" | "scheduledStart" | "status" | "planHash" | "renderHash" | "attempt" | "programId" | "maxDurationMs">;

/** Scheduled airings of [from, to) (of these zones), whatever their status. */
export async function loadWindow(db: Db, from: Date, to: Date, zones: ReadonlySet<number> | null): Promise<WindowAiring[]> {
  // Thousands of rows each pass: plain SQL (server/db/fast-read.ts), not Prisma's row mapping.
  const where = new Where().add(`"source" = 'schedule'`).cmp(`"scheduledStart"`, ">=", from).cmp(`"scheduledStart"`, "<", to);
  if (zones) where.in(`"zoneId"`, [...zones]);
  const rows = await fastReader(db).rows(
    `SELECT "id", "scheduleId", "zoneId", "localDate", "scheduledStart", "status", "planHash", "renderHash", "attempt", "programId", "maxDurationMs" FROM "Airing" ${where}`,
    where.params,
    { dates: ["scheduledStart"] },
  );
  return rows as WindowAiring[];
}

export interface PlanDiff {
  /** Sessions with no airing yet. */
  create: PlannedSession[];
  /** Sessions whose airing is open (or superseded) with another plan; the airing may also
   *  move to the session's start (see `move`). */
  update: { session: PlannedSession; airing: WindowAiring }[];
  /** Open airings that move to another start of their day with the run-down they have: only
   *  the time (and plan hash) changes; lines, render and status stay. */
  move: { session: PlannedSession; airing: WindowAiring }[];
  /** Airings that already carry their session's plan. */
  same: { session: PlannedSession; airing: WindowAiring }[];
  /** Open airings the plan no longer has (schedule edited, disabled or moved). */
  stale: WindowAiring[];
}

export function diffPlan(sessions: readonly PlannedSession[], window: readonly WindowAiring[]): PlanDiff {
  const byKey = new Map(window.map((a) => [sessionKey({ scheduleId: a.scheduleId, zoneId: a.zoneId, start: a.scheduledStart }), a]));
  const d: PlanDiff = { create: [], update: [], move: [], same: [], stale: [] };
  const planned = new Set<number>();
  const created: PlannedSession[] = [];
  for (const s of sessions) {
    const a = byKey.get(sessionKey(s));
    if (!a) {
      created.push(s);
      continue;
    }
    planned.add(a.id);
    // Started, finished or cancelled by an operator: never touched again. Only airings the
    // planner itself superseded (schedule moved and moved back) come back to life.
    if (!REPLANNABLE.includes(a.status)) continue;
    if (a.planHash === s.planHash && a.status !== SUPERSEDED) d.same.push({ session: s, airing: a });
    else d.update.push({ session: s, airing: a });
  }
  // A new session and an open airing the plan no longer has, of the same schedule, zone and
  // day: the schedule's time was edited. The airing moves to the new start, in time order
  // within the day, rather than being superseded beside a new one: it keeps its id, and its
  // lines, render and status when the run-down is the same (the session hashed at the
  // airing's old start gives the airing's plan hash).
  const left = new Map<string, WindowAiring[]>();
  const day = (x: { scheduleId: number | null; zoneId: number; localDate: string }) => `${x.scheduleId}|${x.zoneId}|${x.localDate}`;
  for (const a of window) {
    if (!OPEN.includes(a.status) || planned.has(a.id)) continue;
    const l = left.get(day(a));
    if (l) l.push(a);
    else left.set(day(a), [a]);
  }
  for (const l of left.values()) if (l.length > 1) l.sort((x, y) => x.scheduledStart.getTime() - y.scheduledStart.getTime());
  const digests = new TextDigests();
  for (const s of [...created].sort((x, y) => x.start.getTime() - y.start.getTime())) {
    const a = left.get(day(s))?.shift();
    if (!a) {
      d.create.push(s);
      continue;
    }
    planned.add(a.id);
    if (planHashOf({ ...s, start: a.scheduledStart }, s.lines, digests) === a.planHash) d.move.push({ session: s, airing: a });
    else d.update.push({ session: s, airing: a });
  }
  d.stale = window.filter((a) => OPEN.includes(a.status) && !planned.has(a.id));
  return d;
}

/** Airings this diff gives another start: their playout jobs are due at another time. */
export function movedAirings(d: PlanDiff): WindowAiring[] {
  return [...d.move, ...d.update].filter((x) => x.airing.scheduledStart.getTime() !== x.session.start.getTime()).map((x) => x.airing);
}

export interface ShortfallDiff {
  remove: number[];
  upsert: Shortfall[];
}

const shortfallKey = (x: { campaignId: number; zoneId: number; periodKind: string; periodStart: string }) => `${x.campaignId}|${x.zoneId}|${x.periodKind}|${x.periodStart}`;

/** The recorded shortfalls of periods still open (from openFrom on), of these zones. */
export function loadShortfalls(db: Db, openFrom: string, zones: ReadonlySet<number> | null): Promise<ShortfallRow[]> {
  return db.shortfall.findMany({ where: { periodStart: { gte: openFrom }, ...(zones ? { zoneId: { in: [...zones] } } : {}) } });
}

/** Shortfalls of periods still open are re-derived each pass (`rows`: loadShortfalls); closed ones are final. */
export function diffShortfalls(rows: readonly ShortfallRow[], shortfalls: readonly Shortfall[], zones: ReadonlySet<number> | null): ShortfallDiff {
  const have = new Map(rows.map((r) => [shortfallKey(r), r]));
  const want = shortfalls.filter((s) => !zones || zones.has(s.zoneId));
  const wanted = new Set(want.map(shortfallKey));
  return {
    remove: rows.filter((r) => !wanted.has(shortfallKey(r))).map((r) => r.id),
    upsert: want.filter((s) => {
      const r = have.get(shortfallKey(s));
      return !r || r.target !== s.target || r.aired !== s.aired || r.reasonVi !== s.reasonVi || r.reasonEn !== s.reasonEn;
    }),
  };
}

export interface Committed {
  /** Airings created or rewritten (with their new plan). */
  written: { session: PlannedSession; airing: WindowAiring }[];
  superseded: WindowAiring[];
}

/** What a rewrite or a move sets on the airing, from its session. */
export const rewrittenFields = (s: PlannedSession) => ({ scheduledStart: s.start, localDate: s.localDate, planHash: s.planHash, programId: s.programId, maxDurationMs: s.maxDurationMs });

export function lineFields(l: RundownLinePlan) {
  return {
    position: l.position,
    itemId: l.itemId,
    reason: l.reason,
    reasonVi: l.reasonVi,
    reasonEn: l.reasonEn,
    campaignId: l.campaignId,
    bumped: l.bumped,
    offsetMs: l.offsetMs,
    durationMs: l.durationMs,
  };
}
