// The report's SQL, in one place so the benchmark can run the very same statements. Each
// reads only SETTLED facts (server/settle-plays.ts) and filters on a localDate range; the
// as-run log is read by two statements whose results have at most a few thousand groups,
// and compute.ts only folds those groups into the breakdowns.
import { Prisma } from "../generated/prisma/client.ts";

export interface DateRange {
  from: string; // YYYY-MM-DD inclusive
  to: string;
}

/**
 * One pass over the as-run rows of the range. The inner GROUP BY is a prefix of
 * AsRun_play_idx, so it streams along the index without a sort; the outer SELECTs regroup
 * those groups (days × items × statuses) so that few rows cross into JavaScript:
 * - facet 'item': per (item, topic, level, kind, role, status, source) → items, topics,
 *   levels, status counts, make-goods;
 * - facet 'day': news plays and units per date.
 * Rows still on air (status "playing", not settled yet) are left out of both. Settled rows
 * carry `counted` and `unit` (1: the news unit of a program session, 2: of an emergency).
 */
export const playFacetsSql = (r: DateRange) => Prisma.sql`
  WITH g AS MATERIALIZED (
    SELECT "localDate", "itemId", "categoryId", "priority", "itemKind", "role", "status", "source",
           COUNT(*) AS n,
           SUM(CASE WHEN "counted" THEN 1 ELSE 0 END) AS plays,
           SUM(CASE WHEN "unit" = 1 THEN 1 ELSE 0 END) AS pu,
           SUM(CASE WHEN "unit" = 2 THEN 1 ELSE 0 END) AS eu,
           SUM(CASE WHEN "unit" > 0 THEN 1 ELSE 0 END) AS units,
           SUM(CASE WHEN "unit" > 0 THEN "durationMs" ELSE 0 END) AS ums
    FROM "AsRun"
    WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}
    GROUP BY "localDate", "itemId", "categoryId", "priority", "itemKind", "role", "status", "source")
  SELECT 'item' AS "facet", NULL AS "date", "itemId" AS "itemId", "categoryId" AS "categoryId", "priority" AS "level", "itemKind" AS "itemKind",
         "role" AS "role", "status" AS "status", "source" AS "source", SUM(n) AS "n", SUM(plays) AS "plays", SUM(pu) AS "programUnits",
         SUM(eu) AS "emergencyUnits", SUM(units) AS "units", SUM(ums) AS "unitMs"
  FROM g WHERE "status" <> 'playing'
  GROUP BY "itemId", "categoryId", "priority", "itemKind", "role", "status", "source"
  UNION ALL
  SELECT 'day', "localDate", NULL, NULL, NULL, NULL, 'news', NULL, NULL, SUM(n), SUM(plays), SUM(pu), SUM(eu), SUM(units), SUM(ums)
  FROM g WHERE "role" = 'news' AND "status" <> 'playing'
  GROUP BY "localDate"`;

/** Per-zone plays of news items, per date (streams along AsRun_zone_play_idx; compute.ts sums the dates). */
export const zonePlaysSql = (r: DateRange) => Prisma.sql`
  SELECT "localDate" AS "date", "zoneId" AS "zoneId", COUNT(*) AS "plays"
  FROM "AsRun"
  WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to} AND "role" = 'news' AND "counted"
  GROUP BY "localDate", "zoneId"`;

/** Every settled zone airing of the range (a few thousand a month): sessions are folded in JS. */
export const airingFactsSql = (r: DateRange) => Prisma.sql`
  SELECT a."id" AS "id", a."zoneId" AS "zoneId", a."localDate" AS "date", a."scheduledStart" AS "start", a."sessionKey" AS "sessionKey",
         a."source" AS "source", a."status" AS "status", a."outcome" AS "outcome", a."audioMs" AS "audioMs",
         a."reasonCode" AS "reasonCode", a."reasonParams" AS "reasonParams", a."programId" AS "programId", a."emergencyId" AS "emergencyId"
  FROM "Airing" a
  WHERE a."localDate" >= ${r.from} AND a."localDate" <= ${r.to} AND a."settled" AND a."status" <> 'superseded'`;

/** Plays attributed to campaigns (AsRunCampaign), per campaign and zone. */
export const campaignPlaysSql = (r: DateRange) => Prisma.sql`
  SELECT ac."campaignId" AS "campaignId", ac."zoneId" AS "zoneId",
         SUM(CASE WHEN a."counted" THEN 1 ELSE 0 END) AS "plays",
         SUM(CASE WHEN a."counted" AND ac."inserted" THEN 1 ELSE 0 END) AS "inserted",
         SUM(CASE WHEN a."counted" AND ac."makeGood" THEN 1 ELSE 0 END) AS "makeGoods"
  FROM "AsRunCampaign" ac
  JOIN "AsRun" a ON a."id" = ac."asRunId"
  WHERE ac."localDate" >= ${r.from} AND ac."localDate" <= ${r.to}
  GROUP BY ac."campaignId", ac."zoneId"`;

/** Every statement computeReport runs against the as-run log and airings, for the benchmark. */
export function reportStatements(r: DateRange): Prisma.Sql[] {
  return [playFacetsSql(r), zonePlaysSql(r), airingFactsSql(r), campaignPlaysSql(r)];
}

export const REPORT_INDEXES: { name: string; columns: string[] }[] = [
  { name: "AsRun_play_idx", columns: ["localDate", "itemId", "categoryId", "priority", "itemKind", "role", "status", "source", "counted", "unit", "durationMs"] },
];

export const createIndexSql = (ix: { name: string; columns: string[] }) =>
  `CREATE INDEX IF NOT EXISTS "${ix.name}" ON "AsRun"(${ix.columns.map((c) => `"${c}"`).join(", ")})`;
