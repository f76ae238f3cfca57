// Writes a plan set-wise: the airings of the window are read once, compared with the plan by
// their plan hash, and only the difference is written, in one transaction that first takes
// the plan version (server/plan-lock.ts): new airings and their run-down lines inserted and
// changed ones rewritten set-wise (server/db/bulk.ts), those the plan no longer has
// superseded, shortfalls of open periods brought in line. Id lists go in chunks under
// SQLite's 999 bound parameters.
import type { Db } from "./db/client.ts";
import type { Airing, Prisma } from "./generated/prisma/client.ts";
import { sessionKey, type PlannedSession } from "./domain/plan.ts";
import type { Shortfall } from "./domain/frequency.ts";
import type { RundownLinePlan } from "./domain/rundown.ts";
import { chunked } from "./db/chunks.ts";
import { bulkFor, insertRows, type Columns } from "./db/bulk.ts";
import { OPEN } from "./plan-input.ts";
import { takePlanVersion } from "./plan-lock.ts";

/** Removed by the planner because its schedule changed; unlike "cancelled" it may return. */
export const SUPERSEDED = "superseded";
export const REPLANNABLE = [...OPEN, SUPERSEDED];
export const SUPERSEDED_REASON = "Lịch phát đã thay đổi / The schedule changed";

export type WindowAiring = Pick<Airing, "id" | "scheduleId" | "zoneId" | "scheduledStart" | "status" | "planHash" | "renderHash" | "attempt" | "programId" | "maxDurationMs">;

/** Scheduled airings of [from, to) (of these zones), whatever their status. */
export async function loadWindow(db: Db, from: Date, to: Date, zones: ReadonlySet<number> | null): Promise<WindowAiring[]> {
  return db.airing.findMany({
    where: { source: "schedule", scheduledStart: { gte: from, lt: to }, ...(zones ? { zoneId: { in: [...zones] } } : {}) },
    select: { id: true, scheduleId: true, zoneId: true, scheduledStart: true, status: true, planHash: true, renderHash: true, attempt: true, programId: true, maxDurationMs: true },
  });
}

export interface PlanDiff {
  /** Sessions with no airing yet. */
  create: PlannedSession[];
  /** Sessions whose airing is open (or superseded) with another plan. */
  update: { session: PlannedSession; airing: WindowAiring }[];
  /** Airings that already carry their session's plan. */
  same: { session: PlannedSession; airing: WindowAiring }[];
  /** Open airings the plan no longer has (schedule edited, disabled or moved). */
  stale: WindowAiring[];
}

export function diffPlan(sessions: readonly PlannedSession[], window: readonly WindowAiring[]): PlanDiff {
  const byKey = new Map(window.map((a) => [sessionKey({ scheduleId: a.scheduleId, zoneId: a.zoneId, start: a.scheduledStart }), a]));
  const d: PlanDiff = { create: [], update: [], same: [], stale: [] };
  const planned = new Set<number>();
  for (const s of sessions) {
    const a = byKey.get(sessionKey(s));
    if (!a) {
      d.create.push(s);
      continue;
    }
    planned.add(a.id);
    // Started, finished or cancelled by an operator: never touched again. Only airings the
    // planner itself superseded (schedule moved and moved back) come back to life.
    if (!REPLANNABLE.includes(a.status)) continue;
    if (a.planHash === s.planHash && a.status !== SUPERSEDED) d.same.push({ session: s, airing: a });
    else d.update.push({ session: s, airing: a });
  }
  d.stale = window.filter((a) => OPEN.includes(a.status) && !planned.has(a.id));
  return d;
}

export interface ShortfallDiff {
  remove: number[];
  upsert: Shortfall[];
}

/** Shortfalls of periods still open (from openFrom on) are re-derived each pass; closed ones are final. */
export async function diffShortfalls(db: Db, shortfalls: readonly Shortfall[], openFrom: string, zones: ReadonlySet<number> | null): Promise<ShortfallDiff> {
  const key = (x: { campaignId: number; zoneId: number; periodKind: string; periodStart: string }) => `${x.campaignId}|${x.zoneId}|${x.periodKind}|${x.periodStart}`;
  const rows = await db.shortfall.findMany({ where: { periodStart: { gte: openFrom }, ...(zones ? { zoneId: { in: [...zones] } } : {}) } });
  const have = new Map(rows.map((r) => [key(r), r]));
  const want = shortfalls.filter((s) => !zones || zones.has(s.zoneId));
  const wanted = new Set(want.map(key));
  return {
    remove: rows.filter((r) => !wanted.has(key(r))).map((r) => r.id),
    upsert: want.filter((s) => {
      const r = have.get(key(s));
      return !r || r.target !== s.target || r.aired !== s.aired || r.reasonVi !== s.reasonVi || r.reasonEn !== s.reasonEn;
    }),
  };
}

export interface Committed {
  /** Airings created or rewritten (with their new plan). */
  written: { session: PlannedSession; airing: WindowAiring }[];
  superseded: WindowAiring[];
}

const txOptions = { maxWait: 30_000, timeout: 120_000 };
/** Rows per statement: one JSON parameter each, kept to a few MB. */
const ROWS = 5000;

const AIRING_COLUMNS: Columns = { scheduleId: "int", zoneId: "int", programId: "int", source: "text", localDate: "text", scheduledStart: "time", maxDurationMs: "int", planHash: "text", createdAt: "time", updatedAt: "time" };
const REWRITE_COLUMNS: Columns = { aid: "int", programId: "int", maxDurationMs: "int", localDate: "text", planHash: "text", updatedAt: "time" };
const LINE_COLUMNS: Columns = { airingId: "int", position: "int", itemId: "int", reason: "text", reasonVi: "text", reasonEn: "text", campaignId: "int", bumped: "bool", offsetMs: "int", durationMs: "int" };
const REPLANNABLE_SQL = REPLANNABLE.map((s) => `'${s}'`).join(", ");

/** Writes the difference if the plan version is still `version` (else throws PlanFenced).
 *  PostgreSQL (SQLite has its own path: server/plan-write-sqlite.ts). */
export async function commitPlan(db: Db, version: number, diff: PlanDiff, shortfalls: ShortfallDiff): Promise<Committed> {
  const bulk = bulkFor(db);
  return db.$transaction(async (tx) => {
    await takePlanVersion(tx, version);
    const at = new Date();
    const written: Committed["written"] = [];
    // The plan hash covers (schedule, zone, start): it names the session of each new row.
    const byHash = new Map(diff.create.map((s) => [s.planHash, s]));
    for (const part of chunked(diff.create, ROWS)) {
      const rows = part.map((s) => ({ ...s, scheduledStart: s.start, source: "schedule", createdAt: at, updatedAt: at }));
      const made = await insertRows<{ id: number | bigint; planHash: string }>(tx, bulk, "Airing", AIRING_COLUMNS, rows, `"id", "planHash"`);
      for (const m of made) {
        const s = byHash.get(m.planHash)!;
        written.push({ session: s, airing: { id: Number(m.id), scheduleId: s.scheduleId, zoneId: s.zoneId, scheduledStart: s.start, status: "planned", planHash: s.planHash, renderHash: "", attempt: 0, programId: s.programId, maxDurationMs: s.maxDurationMs } });
      }
    }
    // Rewritten in place, guarded on the status: on PostgreSQL a playout may claim one meanwhile.
    const current = new Map(diff.update.map((u) => [u.airing.id, u]));
    for (const part of chunked(diff.update, ROWS)) {
      const rows = part.map(({ session: s, airing: a }) => ({ aid: a.id, programId: s.programId, maxDurationMs: s.maxDurationMs, localDate: s.localDate, planHash: s.planHash, updatedAt: at }));
      const done = await tx.$queryRawUnsafe<{ id: number | bigint }[]>(
        `UPDATE "Airing" SET "programId" = v."programId", "maxDurationMs" = v."maxDurationMs", "localDate" = v."localDate", "planHash" = v."planHash", "status" = 'planned', "statusReason" = '', "updatedAt" = v."updatedAt"
         FROM ${bulk.rows(REWRITE_COLUMNS, "v")} WHERE "Airing"."id" = v."aid" AND "Airing"."status" IN (${REPLANNABLE_SQL}) RETURNING "id"`,
        bulk.param(REWRITE_COLUMNS, rows),
      );
      const rewritten = done.map((d) => current.get(Number(d.id))!);
      for (const ids of chunked(rewritten.map((u) => u.airing.id))) await tx.rundownLine.deleteMany({ where: { airingId: { in: ids } } });
      written.push(...rewritten.map(({ session: s, airing: a }) => ({ session: s, airing: { ...a, status: "planned", planHash: s.planHash, programId: s.programId, maxDurationMs: s.maxDurationMs } })));
    }
    const lines = written.flatMap((w) => w.session.lines.map((l) => ({ airingId: w.airing.id, ...lineFields(l) })));
    for (const part of chunked(lines, ROWS)) await insertRows(tx, bulk, "RundownLine", LINE_COLUMNS, part);
    const superseded: WindowAiring[] = [];
    for (const part of chunked(diff.stale)) {
      const done = await tx.airing.updateManyAndReturn({ where: { id: { in: part.map((a) => a.id) }, status: { in: OPEN } }, data: { status: SUPERSEDED, statusReason: SUPERSEDED_REASON }, select: { id: true } });
      const ids = new Set(done.map((a) => a.id));
      superseded.push(...part.filter((a) => ids.has(a.id)));
    }
    await writeShortfalls(tx, shortfalls);
    return { written, superseded };
  }, txOptions);
}

async function writeShortfalls(tx: Prisma.TransactionClient, d: ShortfallDiff): Promise<void> {
  for (const ids of chunked(d.remove)) await tx.shortfall.deleteMany({ where: { id: { in: ids } } });
  for (const sf of d.upsert) {
    const key = { campaignId: sf.campaignId, zoneId: sf.zoneId, periodKind: sf.periodKind, periodStart: sf.periodStart };
    const data = { target: sf.target, aired: sf.aired, reasonVi: sf.reasonVi, reasonEn: sf.reasonEn };
    await tx.shortfall.upsert({ where: { campaignId_zoneId_periodKind_periodStart: key }, update: data, create: { ...key, ...data } });
  }
}

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
