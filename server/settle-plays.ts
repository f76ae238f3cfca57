// Settles what aired: once an as-run row or an airing is closed, stores the counting facts of
// server/domain/plays.ts on it (play or not, level, role, session, news unit, campaigns,
// reason code, outcome, person on duty). Idempotent and safe to run from several processes
// at once (each row is settled by a guarded update; the news unit is a unique key). Every
// reader calls it first, and the planner calls it on each pass (so after each airing ends).
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

export async function settlePlays(db: Db): Promise<SettleSummary> {
  const out = { rows: 0, airings: 0 };
  const unsettledRows = await db.asRun.count({ where: { settled: false, status: { not: "playing" } } });
  const unsettledAirings = await db.airing.count({ where: { settled: false, status: { in: CLOSED_AIRING } } });
  if (!unsettledRows && !unsettledAirings) return out;
  const tz = (await db.commune.findUnique({ where: { id: 1 }, select: { timeZone: true } }))?.timeZone ?? "Asia/Ho_Chi_Minh";
  if (unsettledRows) out.rows = await settleRows(db, tz);
  if (unsettledAirings) out.airings = await settleAirings(db, tz);
  return out;
}

async function settleRows(db: Db, tz: string): Promise<number> {
  const campaigns = campaignMatchers((await db.campaign.findMany({ include: { items: true, zones: true } })).map(campaignSpecFromRow));
  let done = 0;
  for (;;) {
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
    for (const r of rows) {
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

      // Guarded on settled = false: another process may have settled it meanwhile.
      const n = await db.asRun.updateMany({
        where: { id: r.id, settled: false },
        data: { ...facts, counted, noteCode: note.code, noteParams: JSON.stringify(note.params), settled: true },
      });
      if (n.count === 0) continue;
      done++;
      if (campaignIds.length) {
        await db.asRunCampaign.createMany({
          data: campaignIds.map((campaignId) => ({
            asRunId: r.id, campaignId, zoneId: r.zoneId, localDate: r.localDate,
            inserted: line?.campaignId === campaignId, makeGood: line?.campaignId === campaignId && line.reason === "make_good",
          })),
        });
      }
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
        await claimUnit(db, r.id, unitKeyOf(facts.sessionKey, r.itemId, Math.max(1, k)));
      }
    }
  }
}

/** Takes the session-level news unit unless another zone's play of the session holds it. */
async function claimUnit(db: Db, asRunId: number, unitKey: string): Promise<void> {
  const unit = sessionKind(unitKey) === "emergency" ? 2 : sessionKind(unitKey) === "program" ? 1 : 3;
  try {
    await db.asRun.update({ where: { id: asRunId }, data: { unitKey, unit } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
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
    for (const a of airings) {
      after = a.id;
      const audioMs = a.asRuns.filter(wentOnAir).reduce((s, r) => s + r.durationMs, 0);
      const reason = classifyReason(a.statusReason);
      const outcome = outcomeOf({ status: a.status, reasonCode: reason.code, audioMs });
      const local = toLocalParts(a.scheduledStart, tz);
      // Who was on duty: whoever started a manual or emergency airing, else the roster.
      const starter = a.source === "emergency" ? a.emergency?.createdById : a.startedById;
      const dutyName = (starter != null ? users.get(starter) : undefined) ?? dutyFromRoster(roster, local.weekday, local.minuteOfDay);
      const n = await db.airing.updateMany({
        where: { id: a.id, settled: false, status: a.status },
        data: { sessionKey: sessionKeyOf(a), audioMs, outcome, reasonCode: reason.code, reasonParams: JSON.stringify(reason.params), dutyName, settled: true },
      });
      done += n.count;
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
