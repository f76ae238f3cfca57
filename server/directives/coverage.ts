// Timeliness and coverage of directive documents, from what AIRED: the as-run rows that the
// one play definition counted (server/domain/plays.ts isPlay → AsRun.counted, stored by
// server/settle-plays.ts), news only (jingles never carry a document), of the items linked
// to the document or attributed to a linked campaign (AsRunCampaign, the campaign count of
// every report). A play linked both ways counts once (UNION). Folded per zone in SQL; the
// rules of timeliness are in server/domain/directives.ts.
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/client.ts";
import { timelinessOf, type Timeliness, type ZonePlays } from "../domain/directives.ts";

/** Per (document, zone): first play and number of plays, as-run dates up to `toDate` inclusive. */
export const directiveZonePlaysSql = (directiveIds: number[], toDate: string) => Prisma.sql`
  WITH linked AS (
    SELECT di."directiveId" AS "directiveId", a."id" AS "asRunId", a."zoneId" AS "zoneId", a."actualStart" AS "at"
    FROM "DirectiveItem" di JOIN "AsRun" a ON a."itemId" = di."itemId"
    WHERE di."directiveId" IN (${Prisma.join(directiveIds)}) AND a."counted" AND a."role" = 'news' AND a."localDate" <= ${toDate}
    UNION
    SELECT dc."directiveId", a."id", a."zoneId", a."actualStart"
    FROM "DirectiveCampaign" dc JOIN "AsRunCampaign" ac ON ac."campaignId" = dc."campaignId" JOIN "AsRun" a ON a."id" = ac."asRunId"
    WHERE dc."directiveId" IN (${Prisma.join(directiveIds)}) AND a."counted" AND a."role" = 'news' AND a."localDate" <= ${toDate})
  SELECT "directiveId", "zoneId", MIN("at") AS "firstAt", COUNT(*) AS "plays"
  FROM linked GROUP BY "directiveId", "zoneId"`;

type N = number | bigint;
interface Row { directiveId: N; zoneId: N; firstAt: Date | string | N; plays: N }

/** A stored instant as the driver returns it from an aggregate (Date, ISO text or epoch ms). */
const instant = (v: Date | string | N): Date => (v instanceof Date ? v : new Date(typeof v === "bigint" ? Number(v) : v));

/** Per document id: its plays per zone (documents with none are absent). */
export async function zonePlaysOf(db: Pick<Db, "$queryRaw">, directiveIds: number[], toDate: string): Promise<Map<number, ZonePlays[]>> {
  const out = new Map<number, ZonePlays[]>();
  if (!directiveIds.length) return out;
  for (const r of await db.$queryRaw<Row[]>(directiveZonePlaysSql(directiveIds, toDate))) {
    const id = Number(r.directiveId);
    const list = out.get(id) ?? [];
    list.push({ zoneId: Number(r.zoneId), firstAt: instant(r.firstAt), plays: Number(r.plays) });
    out.set(id, list);
  }
  return out;
}

export interface CoverageDoc {
  id: number;
  receivedAt: Date;
  action: string;
  dueDate: string | null;
  targetPlays: number | null;
}

export interface CoverageOptions {
  asOf: Date;
  timeZone: string;
  /** Count plays of as-run dates up to this commune date (the date of asOf, or a report period's end). */
  toDate: string;
}

type Reader = Pick<Db, "$queryRaw" | "zone">;

/** Timeliness of each document as of `asOf`, keyed by id. Reads counted facts: settle first when freshness matters. */
export async function coverageOf(db: Reader, docs: readonly CoverageDoc[], opts: CoverageOptions): Promise<Map<number, Timeliness>> {
  const plays = await zonePlaysOf(db, docs.map((d) => d.id), opts.toDate);
  const zones = (await db.zone.findMany({ where: { enabled: true }, select: { id: true } })).map((z) => z.id);
  return new Map(docs.map((d) => [d.id, timelinessOf(d, plays.get(d.id) ?? [], zones, opts.asOf, opts.timeZone)]));
}
