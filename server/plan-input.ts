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

export const OPEN = ["planned", "ready"];

export type LoadedInput = Required<Pick<PlanInput, "timeZone" | "schedules" | "programs" | "items" | "campaigns" | "asRun" | "pending" | "zoneIds">> & {
  zoneNames: Map<number, string>;
};

/** zones: only these zones' sessions are planned (null: all). */
export async function loadPlanInput(db: Db, from: Date, zones: ReadonlySet<number> | null): Promise<LoadedInput> {
  const inScope = (z: number) => !zones || zones.has(z);
  const commune = await db.commune.findUniqueOrThrow({ where: { id: 1 } });
  const tz = commune.timeZone;
  const zoneRows = (await db.zone.findMany({ where: { enabled: true }, select: { id: true, name: true }, orderBy: { id: "asc" } })).filter((z) => inScope(z.id));
  const enabledZones = new Set(zoneRows.map((z) => z.id));
  const scheduleRows = await db.schedule.findMany({ where: { enabled: true }, include: { zones: true }, orderBy: { id: "asc" } });
  const schedules = scheduleRows
    .map((r) => ({ ...scheduleSpecFromRow(r), zoneIds: r.zones.map((z) => z.zoneId).filter((z) => enabledZones.has(z)).sort((a, b) => a - b) }))
    .filter((s) => s.zoneIds.length > 0);
  const programRows = await findIn([...new Set(schedules.map((s) => s.programId))], (ids) =>
    db.program.findMany({ where: { id: { in: ids } }, include: { entries: { orderBy: { position: "asc" } } }, orderBy: { id: "asc" } }));
  const required = await approvalRequired(db);
  // A program whose arrangement waits for approval airs its last approved one (domain/program-approval.ts).
  const programs: ProgramSpec[] = programRows.map((p) => programAsAired({ id: p.id, name: p.name, introItemId: p.introItemId, outroItemId: p.outroItemId, gapMs: p.gapMs, entries: p.entries.map((e) => ({ itemId: e.itemId, position: e.position })), approval: p.approval, approvedVersion: p.approvedVersion }, required));
  const campaignRows = await db.campaign.findMany({ where: { enabled: true, endDate: { gte: addDays(localDateOf(from, tz), -7) } }, include: { items: { orderBy: { itemId: "asc" } }, zones: { orderBy: { zoneId: "asc" } } }, orderBy: { id: "asc" } });
  const campaigns = campaignRows.map(campaignSpecFromRow);
  const itemIds = new Set<number>();
  for (const p of programs) {
    p.entries.forEach((e) => itemIds.add(e.itemId));
    p.held?.itemIds.forEach((i) => itemIds.add(i));
    if (p.introItemId) itemIds.add(p.introItemId);
    if (p.outroItemId) itemIds.add(p.outroItemId);
  }
  campaigns.forEach((c) => c.itemIds.forEach((i) => itemIds.add(i)));
  // Items not approved while approval is on are withheld from the run-downs (server/approval.ts).
  const items: ItemInfo[] = withApproval(await findIn([...itemIds].sort((a, b) => a - b), (ids) =>
    db.item.findMany({ where: { id: { in: ids } }, select: { id: true, title: true, durationMs: true, priority: true, validFrom: true, validTo: true, archived: true, status: true, approval: true }, orderBy: { id: "asc" } })), required);
  const weekStart = addDays(startOfIsoWeek(localDateOf(from, tz)), -1);
  const campaignItems = [...new Set(campaigns.flatMap((c) => c.itemIds))];
  // Settled rows only: the engine counts what plays.ts says is a play, for the campaigns it names.
  await settlePlays(db);
  const zoneFilter = zones ? { zoneId: { in: [...zones] } } : {};
  const asRunRows = await findIn(campaignItems, (ids) =>
    db.asRun.findMany({
      where: { localDate: { gte: weekStart }, itemId: { in: ids }, ...zoneFilter },
      select: { id: true, zoneId: true, itemId: true, localDate: true, actualStart: true, status: true, counted: true, settled: true },
      orderBy: { id: "asc" },
    }));
  // The campaigns each settled play counts for, read apart (a relation include costs more).
  const playsOf = new Map<number, number[]>();
  for (const p of await db.asRunCampaign.findMany({ where: { localDate: { gte: weekStart }, ...zoneFilter }, select: { asRunId: true, campaignId: true }, orderBy: [{ asRunId: "asc" }, { campaignId: "asc" }] })) {
    const l = playsOf.get(p.asRunId) ?? [];
    l.push(p.campaignId);
    playsOf.set(p.asRunId, l);
  }
  const asRun = asRunRows.map(({ id, ...r }) => ({ ...r, itemId: r.itemId!, counted: r.settled ? r.counted : false, campaignIds: r.settled ? (playsOf.get(id) ?? []) : [] }));
  // Airings this pass must not rewrite: started, about to start, manual or emergency.
  const frozenRows = await db.airing.findMany({
    where: {
      localDate: { gte: weekStart },
      OR: [{ status: "airing" }, { status: { in: OPEN }, scheduledStart: { lt: from } }, { status: { in: OPEN }, source: { not: "schedule" } }],
      ...zoneFilter,
    },
    include: { lines: { where: { bumped: false }, orderBy: { position: "asc" } }, asRuns: { select: { rundownLineId: true } } },
    orderBy: { id: "asc" },
  });
  const pending: PendingAiring[] = frozenRows.map((a) => {
    const aired = new Set(a.asRuns.map((r) => r.rundownLineId));
    return { scheduleId: a.scheduleId, zoneId: a.zoneId, scheduledStart: a.scheduledStart, localDate: a.localDate, lines: a.lines.filter((l) => !aired.has(l.id)).map((l) => ({ itemId: l.itemId, offsetMs: l.offsetMs })) };
  });
  return { timeZone: tz, schedules, programs, campaigns, items, asRun, pending, zoneIds: zoneRows.map((z) => z.id), zoneNames: new Map(zoneRows.map((z) => [z.id, z.name])) };
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
