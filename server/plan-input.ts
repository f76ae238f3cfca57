// What a planning pass reads: the commune's schedules, programs, items and campaigns, the
// as-run log of the weeks the horizon touches and the airings it must not rewrite, shaped
// as the pure planner's input (server/domain/plan.ts). Limited to a set of zones when a
// re-plan's scope allows it (server/plan-scope.ts): the frequency engine counts per zone.
import { programAsAired } from "./domain/program-approval.ts";
import { approvalRequired, withApproval } from "./approval.ts";
import { createHash } from "node:crypto";
import type { Db } from "./db/client.ts";
import type { PlanInput } from "./domain/plan.ts";
import { expandSchedules, scheduleSpecFromRow } from "./domain/recurrence.ts";
import { campaignSpecFromRow } from "./domain/campaign.ts";
import type { ItemInfo, ProgramSpec } from "./domain/rundown.ts";
import type { PendingAiring } from "./domain/frequency.ts";
import { localDateOf, startOfIsoWeek, addDays } from "./domain/time.ts";
import { settlePlays } from "./settle-plays.ts";
import { chunked } from "./db/chunks.ts";
import { fastReader, Where } from "./db/fast-read.ts";

type FrozenRow = { id: number; scheduleId: number | null; zoneId: number; scheduledStart: Date; localDate: string };
type AsRunRow = { id: number; zoneId: number; itemId: number | null; localDate: string; actualStart: Date; status: string; counted: boolean; settled: boolean };

export const OPEN = ["planned", "ready"];

export type LoadedInput = Required<Pick<PlanInput, "timeZone" | "schedules" | "programs" | "items" | "campaigns" | "asRun" | "pending" | "zoneIds">> & {
  zoneNames: Map<number, string>;
};

/** zones: only these zones' sessions are planned (null: all). */
export async function loadPlanInput(db: Db, from: Date, zones: ReadonlySet<number> | null): Promise<LoadedInput> {
  const inScope = (z: number) => !zones || zones.has(z);
  // Reads that do not depend on each other go together (a round trip each on PostgreSQL).
  // Settled rows only: the engine counts what plays.ts says is a play, for the campaigns it
  // names, so the as-run log is settled before it is read below.
  const [commune, allZones, scheduleRows, required] = await Promise.all([
    db.commune.findUniqueOrThrow({ where: { id: 1 } }),
    db.zone.findMany({ where: { enabled: true }, select: { id: true, name: true }, orderBy: { id: "asc" } }),
    db.schedule.findMany({ where: { enabled: true }, include: { zones: true }, orderBy: { id: "asc" } }),
    approvalRequired(db),
    settlePlays(db),
  ]);
  const tz = commune.timeZone;
  const zoneRows = allZones.filter((z) => inScope(z.id));
  const enabledZones = new Set(zoneRows.map((z) => z.id));
  const schedules = scheduleRows
    .map((r) => ({ ...scheduleSpecFromRow(r), zoneIds: r.zones.map((z) => z.zoneId).filter((z) => enabledZones.has(z)).sort((a, b) => a - b) }))
    .filter((s) => s.zoneIds.length > 0);
  const weekStart = addDays(startOfIsoWeek(localDateOf(from, tz)), -1);
  const [programRows, campaignRows, plays, pending] = await Promise.all([
    findIn([...new Set(schedules.map((s) => s.programId))], (ids) =>
      db.program.findMany({ where: { id: { in: ids } }, include: { entries: { orderBy: { position: "asc" } } }, orderBy: { id: "asc" } })),
    db.campaign.findMany({ where: { enabled: true, endDate: { gte: addDays(localDateOf(from, tz), -7) } }, include: { items: { orderBy: { itemId: "asc" } }, zones: { orderBy: { zoneId: "asc" } } }, orderBy: { id: "asc" } }),
    playsOfWeek(db, weekStart, zones),
    frozenAirings(db, from, weekStart, zones),
  ]);
  // A program whose arrangement waits for approval airs its last approved one (domain/program-approval.ts).
  const programs: ProgramSpec[] = programRows.map((p) => programAsAired({ id: p.id, name: p.name, introItemId: p.introItemId, outroItemId: p.outroItemId, gapMs: p.gapMs, entries: p.entries.map((e) => ({ itemId: e.itemId, position: e.position })), approval: p.approval, approvedVersion: p.approvedVersion }, required));
  const campaigns = campaignRows.map(campaignSpecFromRow);
  const itemIds = new Set<number>();
  for (const p of programs) {
    p.entries.forEach((e) => itemIds.add(e.itemId));
    p.held?.itemIds.forEach((i) => itemIds.add(i));
    if (p.introItemId) itemIds.add(p.introItemId);
    if (p.outroItemId) itemIds.add(p.outroItemId);
  }
  campaigns.forEach((c) => c.itemIds.forEach((i) => itemIds.add(i)));
  const read = fastReader(db);
  const [itemRows, asRunRows] = await Promise.all([
    findIn([...itemIds].sort((a, b) => a - b), (ids) =>
      db.item.findMany({ where: { id: { in: ids } }, select: { id: true, title: true, durationMs: true, priority: true, validFrom: true, validTo: true, archived: true, status: true, approval: true }, orderBy: { id: "asc" } })),
    // Thousands of rows each pass: plain SQL (server/db/fast-read.ts), not Prisma's row mapping.
    findIn([...new Set(campaigns.flatMap((c) => c.itemIds))], (ids) => {
      const w = zoneIn(new Where().cmp(`"localDate"`, ">=", weekStart).in(`"itemId"`, ids), zones);
      return read.rows(`SELECT "id", "zoneId", "itemId", "localDate", "actualStart", "status", "counted", "settled" FROM "AsRun" ${w} ORDER BY "id"`, w.params, { dates: ["actualStart"], bools: ["counted", "settled"] }) as Promise<AsRunRow[]>;
    }),
  ]);
  // Items not approved while approval is on are withheld from the run-downs (server/approval.ts).
  const items: ItemInfo[] = withApproval(itemRows, required);
  const asRun = asRunRows.map(({ id, ...r }) => ({ ...r, itemId: r.itemId!, counted: r.settled ? r.counted : false, campaignIds: r.settled ? (plays.get(id) ?? []) : [] }));
  return { timeZone: tz, schedules, programs, campaigns, items, asRun, pending, zoneIds: zoneRows.map((z) => z.id), zoneNames: new Map(zoneRows.map((z) => [z.id, z.name])) };
}

const zoneIn = (w: Where, zones: ReadonlySet<number> | null) => (zones ? w.in(`"zoneId"`, [...zones]) : w);

/** The campaigns each settled play since weekStart counts for, by as-run row (read apart:
 *  a relation include costs more). */
async function playsOfWeek(db: Db, weekStart: string, zones: ReadonlySet<number> | null): Promise<Map<number, number[]>> {
  const playsOf = new Map<number, number[]>();
  const w = zoneIn(new Where().cmp(`"localDate"`, ">=", weekStart), zones);
  for (const p of (await fastReader(db).rows(`SELECT "asRunId", "campaignId" FROM "AsRunCampaign" ${w} ORDER BY "asRunId", "campaignId"`, w.params)) as { asRunId: number; campaignId: number }[]) {
    const l = playsOf.get(p.asRunId);
    if (l) l.push(p.campaignId);
    else playsOf.set(p.asRunId, [p.campaignId]);
  }
  return playsOf;
}

/** Airings a pass must not rewrite (started, about to start, manual or emergency), with
 *  their lines still to air: not bumped, and no as-run row of the airing for them yet. */
async function frozenAirings(db: Db, from: Date, weekStart: string, zones: ReadonlySet<number> | null): Promise<PendingAiring[]> {
  const read = fastReader(db);
  const fw = zoneIn(new Where().cmp(`"localDate"`, ">=", weekStart).add(`("status" = 'airing' OR ("status" IN (${OPEN.map(() => "?").join(", ")}) AND ("scheduledStart" < ? OR "source" <> 'schedule')))`, ...OPEN, from), zones);
  const frozen = (await read.rows(`SELECT "id", "scheduleId", "zoneId", "scheduledStart", "localDate" FROM "Airing" ${fw} ORDER BY "id"`, fw.params, { dates: ["scheduledStart"] })) as FrozenRow[];
  const linesOf = new Map<number, { itemId: number; offsetMs: number }[]>();
  for (const ids of chunked(frozen.map((a) => a.id))) {
    const lw = new Where().in(`l."airingId"`, ids).add(`l."bumped" = ?`, false).add(`NOT EXISTS (SELECT 1 FROM "AsRun" r WHERE r."airingId" = l."airingId" AND r."rundownLineId" = l."id")`);
    for (const l of (await read.rows(`SELECT l."airingId", l."itemId", l."offsetMs" FROM "RundownLine" l ${lw} ORDER BY l."airingId", l."position"`, lw.params)) as { airingId: number; itemId: number; offsetMs: number }[]) {
      const list = linesOf.get(l.airingId);
      if (list) list.push({ itemId: l.itemId, offsetMs: l.offsetMs });
      else linesOf.set(l.airingId, [{ itemId: l.itemId, offsetMs: l.offsetMs }]);
    }
  }
  return frozen.map((a) => ({ scheduleId: a.scheduleId, zoneId: a.zoneId, scheduledStart: a.scheduledStart, localDate: a.localDate, lines: linesOf.get(a.id) ?? [] }));
}

/** findMany over an id list in chunks (SQLite's 999 bound parameters). */
async function findIn<T>(ids: readonly number[], find: (ids: number[]) => Promise<T[]>): Promise<T[]> {
  if (!ids.length) return [];
  const out: T[] = [];
  for (const c of chunked(ids)) out.push(...(await find(c)));
  return out;
}

/**
 * A digest of everything planSessions' result depends on for the window [from, to): its
 * input data, the sessions inside the window and the local dates it spans (shortfalls are
 * per day). Equal keys give equal plans (planSessions is a pure function), so an unchanged
 * re-pass skips planning and only checks that the database and the jobs agree with it.
 */
export function planKey(input: LoadedInput, from: Date, to: Date): string {
  const h = createHash("sha256");
  const { zoneNames, ...rest } = input;
  h.update(JSON.stringify(rest)).update(JSON.stringify([...zoneNames]));
  h.update(`|${localDateOf(from, input.timeZone)}|${localDateOf(to.getTime() - 1, input.timeZone)}|`);
  for (const s of expandSchedules(input.schedules, { from, to }, input.timeZone)) h.update(`${s.scheduleId},${s.zoneId},${s.start.getTime()};`);
  return h.digest("hex");
}
