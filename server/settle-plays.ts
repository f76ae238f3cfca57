// Settles what aired: once an as-run row or an airing is closed, stores the counting facts of
// server/domain/plays.ts on it (play or not, level, role, session, news unit, campaigns,
// reason code, outcome, person on duty). Idempotent and safe to run from several processes
// at once (each row is settled by a guarded update; the news unit is a unique key). Every
// reader calls it first, and the planner calls it on each pass (so after each airing ends).
// Rows are written in chunks, one transaction each, rows with the same facts in one update:
// a month of history (14,000 rows) settles in seconds, not minutes, and SQLite commits once
// a chunk rather than once a row.
import { fastReader, type SqlParam } from "./db/fast-read.ts";
import { Prisma } from "./generated/prisma/client.ts";
import { isUniqueViolation, type Db } from "./db/client.ts";
import { campaignSpecFromRow } from "./domain/campaign.ts";
import {
  airedLevel, asRunFacts, campaignMatchers, campaignsOfPlay, dutyFromRoster, isPlay, outcomeOf, playRole, sessionKeyOf, sessionKind, unitKeyOf, wentOnAir, type DutyShift,
} from "./domain/plays.ts";
import { classifyReason } from "./domain/reasons.ts";
import { toLocalParts } from "./domain/time.ts";

const CLOSED_AIRING = ["aired", "interrupted", "failed", "missed", "cancelled"];
const BATCH = 500;

export interface SettleSummary {
  rows: number;
  airings: number;
}

/**
 * What waits to be settled, in one statement: every report and as-run read asks first, so
 * under load this is one query per request rather than two (each Prisma call costs ~0.5 ms).
 */
async function pending(db: Db): Promise<{ unsettledRows: number; unsettledAirings: number }> {
  // Asked before every as-run page and report: on the fast reader (server/db/fast-read.ts).
  const q = Prisma.sql`
    SELECT (SELECT COUNT(*) FROM "AsRun" WHERE "settled" = FALSE AND "status" <> 'playing') AS "rows",
           (SELECT COUNT(*) FROM "Airing" WHERE "settled" = FALSE AND "status" IN (${Prisma.join(CLOSED_AIRING)})) AS "airings"`;
  const [row] = await fastReader(db).rows(q.sql, q.values as SqlParam[]);
  return { unsettledRows: Number(row?.rows ?? 0), unsettledAirings: Number(row?.airings ?? 0) };
}

export async function settlePlays(db: Db): Promise<SettleSummary> {
  const out = { rows: 0, airings: 0 };
  const { unsettledRows, unsettledAirings } = await pending(db);
  if (!unsettledRows && !unsettledAirings) return out;
  const tz = (await db.commune.findUnique({ where: { id: 1 }, select: { timeZone: true } }))?.timeZone ?? "Asia/Ho_Chi_Minh";
  if (unsettledRows) out.rows = await settleRows(db, tz);
  if (unsettledAirings) out.airings = await settleAirings(db, tz);
  return out;
}

/** Rows settled in one transaction: short enough not to hold SQLite's write lock for long. */
const TX_ROWS = 250;
/** A chunk another process settled meanwhile is read again, at most this often in a row. */
const RACE_RETRIES = 5;

/** Another process settled part of a chunk between our read and our write: read it again. */
class SettleRace extends Error {}

interface RowSettlement {
  id: number;
  data: { role: string; plannedMs: number; sessionKey: string; priority: string; counted: boolean; noteCode: string; noteParams: string };
  campaigns: { asRunId: number; campaignId: number; zoneId: number; localDate: string; inserted: boolean; makeGood: boolean }[];
  /** The session-level news unit this play claims, if it is one. */
  unitKey: string | null;
}

async function settleRows(db: Db, tz: string): Promise<number> {
  const campaigns = campaignMatchers((await db.campaign.findMany({ include: { items: true, zones: true } })).map(campaignSpecFromRow));
  let done = 0;
  for (let races = 0; ; ) {
    const rows = await db.asRun.findMany({
      where: { settled: false, status: { not: "playing" } },
      orderBy: { id: "asc" },
      take: BATCH,
      include: { airing: { select: { id: true, source: true, programId: true, emergencyId: true, scheduledStart: true } } },
    });
    if (rows.length === 0) return done;
    // Occurrence of an item within its airing: among the airing's plays, in airing order.
    const airingIds = [...new Set(rows.map((r) => r.airingId).filter((x): x is number => x != null))];
    const siblings = await db.asRun.findMany({
      where: { airingId: { in: airingIds }, status: { not: "playing" } },
      select: { id: true, airingId: true, itemId: true, status: true, durationMs: true, plannedMs: true, role: true, rundownLineId: true, actualStart: true },
      orderBy: [{ actualStart: "asc" }, { id: "asc" }],
    });
    const lineIds = [...rows, ...siblings].map((r) => r.rundownLineId).filter((x): x is number => x != null);
    const lines = new Map((await db.rundownLine.findMany({ where: { id: { in: [...new Set(lineIds)] } }, select: { id: true, reason: true, durationMs: true, campaignId: true } })).map((l) => [l.id, l]));
    const settlements: RowSettlement[] = rows.map((r) => {
      const line = r.rundownLineId != null ? lines.get(r.rundownLineId) : undefined;
      const airing = r.airing ?? { id: -r.id, source: r.source, programId: null, emergencyId: null, scheduledStart: r.scheduledStart };
      // Facts the playout already stored from the first frame are kept as they are.
      const facts = {
        ...(r.role ? { role: r.role, plannedMs: r.plannedMs, sessionKey: r.sessionKey || sessionKeyOf(airing) } : asRunFacts(airing, { reason: line?.reason, durationMs: line?.durationMs ?? 0 })),
        priority: airedLevel(airing.source, r.priority),
      };
      const counted = isPlay({ status: r.status, durationMs: r.durationMs, plannedMs: facts.plannedMs });
      const note = classifyReason(r.note);
      const minute = toLocalParts(airing.scheduledStart, tz).minuteOfDay;
      const campaignIds = campaignsOfPlay({ zoneId: r.zoneId, itemId: r.itemId, localDate: r.localDate, sessionMinute: minute }, campaigns);
      let unitKey: string | null = null;
      if (counted && facts.role === "news" && r.airingId != null) {
        let k = 0;
        for (const s of siblings) {
          if (s.airingId !== r.airingId || s.itemId !== r.itemId) continue;
          const sLine = s.rundownLineId != null ? lines.get(s.rundownLineId) : undefined;
          const sRole = s.id === r.id ? facts.role : s.role || playRole(sLine?.reason);
          if (sRole !== "news") continue;
          const planned = s.id === r.id ? facts.plannedMs : s.plannedMs || (sLine?.durationMs ?? 0);
          if (isPlay({ status: s.status, durationMs: s.durationMs, plannedMs: planned })) k++;
          if (s.id === r.id) break;
        }
        unitKey = unitKeyOf(facts.sessionKey, r.itemId, Math.max(1, k));
      }
      return {
        id: r.id,
        data: { ...facts, counted, noteCode: note.code, noteParams: JSON.stringify(note.params) },
        campaigns: campaignIds.map((campaignId) => ({
          asRunId: r.id, campaignId, zoneId: r.zoneId, localDate: r.localDate,
          inserted: line?.campaignId === campaignId, makeGood: line?.campaignId === campaignId && line.reason === "make_good",
        })),
        unitKey,
      };
    });
    try {
      for (let i = 0; i < settlements.length; i += TX_ROWS) done += await writeRows(db, settlements.slice(i, i + TX_ROWS));
      races = 0;
    } catch (err) {
      // Another process settled rows or took a unit meanwhile: what it wrote stands; read again.
      if (!(err instanceof SettleRace || isUniqueViolation(err)) || ++races > RACE_RETRIES) throw err;
    }
  }
}

/**
 * Writes one chunk in one transaction: rows with the same facts in one update, campaign rows
 * in one insert, and each news unit to the first play of the session that claims it (a
 * zone's play whose unit another zone's play already holds counts without one). Throws
 * SettleRace when another process settled part of the chunk first.
 */
async function writeRows(db: Db, chunk: RowSettlement[]): Promise<number> {
  const units = [...new Set(chunk.map((s) => s.unitKey).filter((k): k is string => k != null))];
  return db.$transaction(async (tx) => {
    const open = new Set((await tx.asRun.findMany({ where: { id: { in: chunk.map((s) => s.id) }, settled: false }, select: { id: true } })).map((r) => r.id));
    const todo = chunk.filter((s) => open.has(s.id));
    if (!todo.length) return 0;
    const held = new Set((await tx.asRun.findMany({ where: { unitKey: { in: units } }, select: { unitKey: true } })).map((r) => r.unitKey));
    const groups = new Map<string, { data: RowSettlement["data"]; ids: number[] }>();
    for (const s of todo) {
      const key = JSON.stringify(s.data);
      const g = groups.get(key) ?? groups.set(key, { data: s.data, ids: [] }).get(key)!;
      g.ids.push(s.id);
    }
    let n = 0;
    for (const g of groups.values()) n += (await tx.asRun.updateMany({ where: { id: { in: g.ids }, settled: false }, data: { ...g.data, settled: true } })).count;
    if (n !== todo.length) throw new SettleRace();
    const campaignRows = todo.flatMap((s) => s.campaigns);
    if (campaignRows.length) await tx.asRunCampaign.createMany({ data: campaignRows });
    for (const s of todo) {
      if (s.unitKey == null || held.has(s.unitKey)) continue;
      held.add(s.unitKey);
      const kind = sessionKind(s.unitKey);
      await tx.asRun.update({ where: { id: s.id }, data: { unitKey: s.unitKey, unit: kind === "emergency" ? 2 : kind === "program" ? 1 : 3 } });
    }
    return todo.length;
  });
}

async function settleAirings(db: Db, tz: string): Promise<number> {
  const setting = await db.reportSetting.findUnique({ where: { id: 1 } });
  const roster = parseRoster(setting?.dutyRoster);
  let done = 0;
  let after = 0;
  for (;;) {
    // Only airings whose items are all closed: the session's audio is then final.
    const airings = await db.airing.findMany({
      where: { id: { gt: after }, settled: false, status: { in: CLOSED_AIRING }, asRuns: { none: { status: "playing" } } },
      orderBy: { id: "asc" },
      take: BATCH,
      include: { asRuns: { select: { status: true, durationMs: true } }, emergency: { select: { createdById: true } } },
    });
    if (airings.length === 0) return done;
    const userIds = [...new Set(airings.flatMap((a) => [a.startedById, a.emergency?.createdById]).filter((x): x is number => x != null))];
    const users = new Map((await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, displayName: true } })).map((u) => [u.id, u.displayName]));
    const updates = airings.map((a) => {
      const audioMs = a.asRuns.filter(wentOnAir).reduce((s, r) => s + r.durationMs, 0);
      const reason = classifyReason(a.statusReason);
      const outcome = outcomeOf({ status: a.status, reasonCode: reason.code, audioMs });
      const local = toLocalParts(a.scheduledStart, tz);
      // Who was on duty: whoever started a manual or emergency airing, else the roster.
      const starter = a.source === "emergency" ? a.emergency?.createdById : a.startedById;
      const dutyName = (starter != null ? users.get(starter) : undefined) ?? dutyFromRoster(roster, local.weekday, local.minuteOfDay);
      // Guarded on the status read: an airing changed meanwhile is settled by a later pass.
      return { where: { id: a.id, settled: false, status: a.status }, data: { sessionKey: sessionKeyOf(a), audioMs, outcome, reasonCode: reason.code, reasonParams: JSON.stringify(reason.params), dutyName, settled: true } };
    });
    after = airings.at(-1)!.id;
    for (let i = 0; i < updates.length; i += TX_ROWS) {
      const chunk = updates.slice(i, i + TX_ROWS);
      done += await db.$transaction(async (tx) => {
        let n = 0;
        for (const u of chunk) n += (await tx.airing.updateMany(u)).count;
        return n;
      });
    }
    if (airings.length < BATCH) return done;
  }
}

export function parseRoster(json: string | null | undefined): DutyShift[] {
  try {
    const v = JSON.parse(json || "[]") as unknown;
    return Array.isArray(v) ? (v as DutyShift[]).filter((s) => s && Array.isArray(s.days) && typeof s.from === "string" && typeof s.to === "string" && typeof s.name === "string") : [];
  } catch {
    return [];
  }
}
