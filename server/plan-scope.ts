// Which zones a re-plan must touch after an edit. The frequency engine couples every session
// of a zone (a campaign's day and week counts, minimum gaps and make-goods run across all of
// a zone's sessions in the ISO week) but never two zones: each campaign's counts are per
// zone. So a re-plan is limited to the zones the edited thing reaches, and within them the
// whole horizon is re-derived. A date alone (localDate) limits nothing: a change on one
// day moves the week's counts, so it re-plans every zone.
import type { Db } from "./db/client.ts";
import { OPEN } from "./plan-input.ts";

export type ReplanScope = { itemId?: number; programId?: number; scheduleId?: number; zoneId?: number; localDate?: string; campaignId?: number };

const REPLANNABLE = [...OPEN, "superseded"];

/** The zones these scopes reach, or null for every zone. */
export async function zonesOfScopes(db: Db, scopes: readonly ReplanScope[] | null): Promise<Set<number> | null> {
  if (!scopes) return null;
  const out = new Set<number>();
  for (const s of scopes) {
    const zones = await zonesOfScope(db, s);
    if (!zones) return null;
    zones.forEach((z) => out.add(z));
  }
  return out;
}

async function zonesOfScope(db: Db, s: ReplanScope): Promise<number[] | null> {
  const known = [s.itemId, s.programId, s.scheduleId, s.zoneId, s.campaignId].filter((x) => x !== undefined);
  if (!known.length || s.localDate !== undefined) return null;
  const zones: number[] = [];
  if (s.zoneId !== undefined) zones.push(s.zoneId);
  // Zones already planned with it (it may have left them) and zones it reaches now.
  const planned = async (where: object) =>
    (await db.airing.findMany({ where: { status: { in: REPLANNABLE }, ...where }, select: { zoneId: true }, distinct: ["zoneId"] })).map((a) => a.zoneId);
  const ofSchedules = async (where: object) =>
    (await db.scheduleZone.findMany({ where: { schedule: where }, select: { zoneId: true }, distinct: ["zoneId"] })).map((z) => z.zoneId);
  if (s.scheduleId !== undefined) zones.push(...(await ofSchedules({ id: s.scheduleId })), ...(await planned({ scheduleId: s.scheduleId })));
  if (s.programId !== undefined) zones.push(...(await ofSchedules({ programId: s.programId })), ...(await planned({ programId: s.programId })));
  if (s.campaignId !== undefined) {
    const reach = await campaignZones(db, { id: s.campaignId });
    if (!reach) return null;
    zones.push(...reach, ...(await planned({ lines: { some: { campaignId: s.campaignId } } })));
  }
  if (s.itemId !== undefined) {
    const reach = await campaignZones(db, { items: { some: { itemId: s.itemId } } });
    if (!reach) return null;
    const inProgram = { OR: [{ entries: { some: { itemId: s.itemId } } }, { introItemId: s.itemId }, { outroItemId: s.itemId }] };
    zones.push(...reach, ...(await ofSchedules({ program: inProgram })), ...(await planned({ lines: { some: { itemId: s.itemId } } })));
  }
  return zones;
}

/** Zones of the matching campaigns; null when one of them covers every zone. */
async function campaignZones(db: Db, where: object): Promise<number[] | null> {
  const rows = await db.campaign.findMany({ where, select: { allZones: true, zones: { select: { zoneId: true } } } });
  if (rows.some((c) => c.allZones)) return null;
  return rows.flatMap((c) => c.zones.map((z) => z.zoneId));
}
