// The report's SQL, in one place so the benchmark can run the very same statements
// through better-sqlite3. Every AsRun/Airing statement filters on a localDate range
// (bound parameters), which the (localDate, status) and (localDate) indexes serve.
// The as-run log is read by exactly two statements, each one pass over the range whose
// result has at most a few thousand groups; compute.ts only folds those groups into the
// breakdowns.
import { Prisma } from "../generated/prisma/client.ts";

export interface DateRange {
  from: string; // YYYY-MM-DD inclusive
  to: string;
}

// Measured on 1M rows: status as an inner grouping key (it follows the key columns in
// the covering index, so grouping still streams) with source as FILTER measures beats
// both CASE sums per status (+40%) and source as a key too (+7%).
const MEASURES = Prisma.sql`COUNT(*) AS n, SUM("durationMs") AS ms,
  COUNT(*) FILTER (WHERE "source" = 'emergency') AS emerg, COUNT(*) FILTER (WHERE "source" = 'make_good') AS mg`;

// Outer measures: the inner groups carry one status each; the outer SELECTs pivot the
// statuses into columns so that few rows cross into JavaScript.
const PIVOT = Prisma.sql`
  SUM(CASE WHEN "status" = 'completed' THEN n ELSE 0 END) AS "done",
  SUM(CASE WHEN "status" = 'interrupted' THEN n ELSE 0 END) AS "interrupted",
  SUM(CASE WHEN "status" = 'failed' THEN n ELSE 0 END) AS "failed",
  SUM(CASE WHEN "status" = 'skipped' THEN n ELSE 0 END) AS "skipped",
  SUM(CASE WHEN "status" IN ('completed', 'interrupted') THEN ms ELSE 0 END) AS "ms",
  SUM(CASE WHEN "status" = 'completed' THEN emerg ELSE 0 END) AS "emergency",
  SUM(CASE WHEN "status" = 'completed' THEN mg ELSE 0 END) AS "makeGood"`;

/**
 * As-run facets, one statement, two outputs. The inner GROUP BY is a prefix of the
 * covering index AsRun(localDate, itemId, categoryId, priority, itemKind, status, source,
 * durationMs), so it streams along the index without a sort; the outer GROUP BYs then
 * regroup those groups (about days × items × statuses) instead of every row:
 * - facet 'item': per (item, category, priority, kind), with the item's current title →
 *   by-item, by-category, by-priority, own/relay airtime, status, emergency and
 *   make-good totals;
 * - facet 'day': per date → by-day.
 */
export const asRunFacetsSql = (r: DateRange) => Prisma.sql`
  WITH g AS MATERIALIZED (
    SELECT "localDate", "itemId", "categoryId", "priority", "itemKind", "status", ${MEASURES}
    FROM "AsRun"
    WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}
    GROUP BY "localDate", "itemId", "categoryId", "priority", "itemKind", "status")
  SELECT 'item' AS "facet", NULL AS "date", f.*, i."title" AS "title"
  FROM (SELECT "itemId" AS "itemId", "categoryId" AS "categoryId", "priority" AS "priority", "itemKind" AS "itemKind", ${PIVOT}
        FROM g GROUP BY "itemId", "categoryId", "priority", "itemKind") AS f
  LEFT JOIN "Item" i ON i."id" = f."itemId"
  UNION ALL
  SELECT 'day', "localDate", NULL, NULL, NULL, NULL, ${PIVOT}, NULL
  FROM g GROUP BY "localDate"`;

/**
 * As-run per zone and per campaign, one statement: the inner GROUP BY streams along the
 * covering index AsRun(localDate, zoneId, campaignId, status, source, durationMs);
 * - facet 'zone': per zone → by-zone airings and airtime;
 * - facet 'campaign': completed airings (and make-goods) per (campaign, zone), clipped to
 *   the campaign's own dates → compliance.
 */
export const asRunZoneCampaignSql = (r: DateRange) => Prisma.sql`
  WITH g AS MATERIALIZED (
    SELECT "localDate", "zoneId", "campaignId", "status", COUNT(*) AS n, SUM("durationMs") AS ms,
           COUNT(*) FILTER (WHERE "source" = 'make_good') AS mg
    FROM "AsRun"
    WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}
    GROUP BY "localDate", "zoneId", "campaignId", "status")
  SELECT 'zone' AS "facet", "zoneId" AS "zoneId", NULL AS "campaignId",
         SUM(CASE WHEN "status" = 'completed' THEN n ELSE 0 END) AS "done",
         SUM(CASE WHEN "status" IN ('completed', 'interrupted') THEN ms ELSE 0 END) AS "ms", NULL AS "makeGood"
  FROM g GROUP BY "zoneId"
  UNION ALL
  SELECT 'campaign', g."zoneId", g."campaignId", SUM(g.n), NULL, SUM(g.mg)
  FROM g JOIN "Campaign" c ON c."id" = g."campaignId"
  WHERE g."status" = 'completed' AND g."localDate" >= c."startDate" AND g."localDate" <= c."endDate"
  GROUP BY g."campaignId", g."zoneId"`;

/**
 * Covering indexes the two as-run statements are written for. The lead adds them to
 * prisma/schema.prisma (model AsRun):
 *   @@index([localDate, itemId, categoryId, priority, itemKind, status, source, durationMs], map: "AsRun_report_item_idx")
 *   @@index([localDate, zoneId, campaignId, status, source, durationMs], map: "AsRun_report_zone_idx")
 * The benchmark creates them when the schema lacks them (matched by columns) and prints both timings.
 */
export const REPORT_INDEXES: { name: string; columns: string[] }[] = [
  { name: "AsRun_report_item_idx", columns: ["localDate", "itemId", "categoryId", "priority", "itemKind", "status", "source", "durationMs"] },
  { name: "AsRun_report_zone_idx", columns: ["localDate", "zoneId", "campaignId", "status", "source", "durationMs"] },
];

export const createIndexSql = (ix: { name: string; columns: string[] }) =>
  `CREATE INDEX IF NOT EXISTS "${ix.name}" ON "AsRun"(${ix.columns.map((c) => `"${c}"`).join(", ")})`;

/** Airings of the range counted three ways (per zone, per date, per source), each by status: a few hundred rows. */
export const airingCountsSql = (r: DateRange) => Prisma.sql`
  WITH ac AS MATERIALIZED (
    SELECT "zoneId", "localDate", "source", "status", COUNT(*) AS n
    FROM "Airing"
    WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}
    GROUP BY "zoneId", "localDate", "source", "status")
  SELECT 'zone' AS "facet", CAST("zoneId" AS TEXT) AS "key", "status" AS "status", SUM(n) AS "n" FROM ac GROUP BY "zoneId", "status"
  UNION ALL
  SELECT 'day', "localDate", "status", SUM(n) FROM ac GROUP BY "localDate", "status"
  UNION ALL
  SELECT 'source', "source", "status", SUM(n) FROM ac GROUP BY "source", "status"`;

// `|| ''` keeps the planner off the Airing(status, scheduledStart) index, which would
// walk every aired session ever; the localDate range is the selective one.
const AIRED = Prisma.sql`("status" || '') IN ('aired', 'interrupted')`;

/** Distinct programs, program-days and session slots among aired sessions. */
export const airingDistinctsSql = (r: DateRange) => Prisma.sql`
  SELECT
    (SELECT COUNT(DISTINCT "programId") FROM "Airing"
      WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to} AND ${AIRED}) AS "programs",
    (SELECT COUNT(*) FROM (SELECT DISTINCT "programId", "localDate" FROM "Airing"
      WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to} AND ${AIRED} AND "programId" IS NOT NULL) AS pd) AS "programDays",
    (SELECT COUNT(DISTINCT "scheduledStart") FROM "Airing"
      WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to} AND ${AIRED}) AS "slots"`;

/** Emergency sessions per day and emergency, with the item that was broadcast. */
export const emergenciesSql = (r: DateRange) => Prisma.sql`
  SELECT a."localDate" AS "date", a."emergencyId" AS "emergencyId", e."itemId" AS "itemId", i."title" AS "title",
         COUNT(*) AS "sessions", COUNT(DISTINCT a."zoneId") AS "zones"
  FROM "Airing" a
  LEFT JOIN "Emergency" e ON e."id" = a."emergencyId"
  LEFT JOIN "Item" i ON i."id" = e."itemId"
  WHERE a."localDate" >= ${r.from} AND a."localDate" <= ${r.to} AND a."source" = 'emergency' AND (a."status" || '') IN ('aired', 'interrupted')
  GROUP BY a."localDate", a."emergencyId", e."itemId", i."title"
  ORDER BY a."localDate", a."emergencyId"`;

/** Failed, interrupted and missed sessions, oldest first, capped. */
export const problemAiringsSql = (r: DateRange, limit: number) => Prisma.sql`
  SELECT a."id" AS "airingId", a."localDate" AS "date", a."scheduledStart" AS "scheduledStart", a."status" AS "status",
         a."statusReason" AS "reason", z."name" AS "zoneName", p."name" AS "programName"
  FROM "Airing" a
  JOIN "Zone" z ON z."id" = a."zoneId"
  LEFT JOIN "Program" p ON p."id" = a."programId"
  WHERE a."localDate" >= ${r.from} AND a."localDate" <= ${r.to} AND (a."status" || '') IN ('failed', 'interrupted', 'missed')
  ORDER BY a."scheduledStart", a."id"
  LIMIT ${limit}`;

/** Shortfalls recorded by the frequency engine for periods starting in the range. */
export const shortfallsSql = (r: DateRange) => Prisma.sql`
  SELECT "campaignId" AS "campaignId", COUNT(*) AS "n", SUM("target" - "aired") AS "missing"
  FROM "Shortfall"
  WHERE "periodStart" >= ${r.from} AND "periodStart" <= ${r.to}
  GROUP BY "campaignId"`;

/** Every statement computeReport runs against the as-run log and airings, for the benchmark. */
export function reportStatements(r: DateRange, problemLimit = 100): Prisma.Sql[] {
  return [
    asRunFacetsSql(r), asRunZoneCampaignSql(r), airingCountsSql(r), airingDistinctsSql(r),
    emergenciesSql(r), problemAiringsSql(r, problemLimit), shortfallsSql(r),
  ];
}
