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

/**
 * As-run facets, one statement, two outputs. The inner GROUP BY walks the covering index
 * AsRun(localDate, itemId, categoryId, priority, itemKind, source, status, durationMs) in
 * order, so it streams without a sort; the outer GROUP BYs then regroup a few thousand
 * per-day groups instead of sorting every row:
 * - facet 'item': per (item, category, priority, kind, source, status) → by-item,
 *   by-category, by-priority, own/relay airtime, emergency and make-good totals;
 * - facet 'day': per (date, source, status) → by-day.
 */
export const asRunFacetsSql = (r: DateRange) => Prisma.sql`
  WITH g AS MATERIALIZED (
    SELECT "localDate", "itemId", "categoryId", "priority", "itemKind", "source", "status",
           COUNT(*) AS n, SUM("durationMs") AS ms
    FROM "AsRun"
    WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}
    GROUP BY "localDate", "itemId", "categoryId", "priority", "itemKind", "source", "status")
  SELECT 'item' AS "facet", NULL AS "date", "itemId" AS "itemId", "categoryId" AS "categoryId", "priority" AS "priority",
         "itemKind" AS "itemKind", "source" AS "source", "status" AS "status", SUM(n) AS "n", SUM(ms) AS "ms"
  FROM g GROUP BY "itemId", "categoryId", "priority", "itemKind", "source", "status"
  UNION ALL
  SELECT 'day', "localDate", NULL, NULL, NULL, NULL, "source", "status", SUM(n), SUM(ms)
  FROM g GROUP BY "localDate", "source", "status"`;

/**
 * As-run per zone and per campaign, one statement: the inner GROUP BY streams along the
 * covering index AsRun(localDate, zoneId, status, campaignId, source, durationMs);
 * - facet 'zone': per (zone, status) → by-zone airings and airtime;
 * - facet 'campaign': completed airings per (campaign, zone, source), clipped to the
 *   campaign's own dates → compliance and make-goods.
 */
export const asRunZoneCampaignSql = (r: DateRange) => Prisma.sql`
  WITH g AS MATERIALIZED (
    SELECT "localDate", "zoneId", "status", "campaignId", "source", COUNT(*) AS n, SUM("durationMs") AS ms
    FROM "AsRun"
    WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}
    GROUP BY "localDate", "zoneId", "status", "campaignId", "source")
  SELECT 'zone' AS "facet", "zoneId" AS "zoneId", "status" AS "status", NULL AS "campaignId", NULL AS "source", SUM(n) AS "n", SUM(ms) AS "ms"
  FROM g GROUP BY "zoneId", "status"
  UNION ALL
  SELECT 'campaign', g."zoneId", NULL, g."campaignId", g."source", SUM(g.n), NULL
  FROM g JOIN "Campaign" c ON c."id" = g."campaignId"
  WHERE g."status" = 'completed' AND g."localDate" >= c."startDate" AND g."localDate" <= c."endDate"
  GROUP BY g."campaignId", g."zoneId", g."source"`;

/**
 * Indexes the report statements are written for (the lead adds them to
 * prisma/schema.prisma; the benchmark creates them when missing and measures the gain).
 */
export const REPORT_INDEXES = [
  `CREATE INDEX IF NOT EXISTS "AsRun_localDate_itemId_categoryId_priority_itemKind_source_status_durationMs_idx" ON "AsRun"("localDate", "itemId", "categoryId", "priority", "itemKind", "source", "status", "durationMs")`,
  `CREATE INDEX IF NOT EXISTS "AsRun_localDate_zoneId_status_campaignId_source_durationMs_idx" ON "AsRun"("localDate", "zoneId", "status", "campaignId", "source", "durationMs")`,
];

/** Airings per zone, date, source and status (a few thousand rows a month at most). */
export const airingsByZoneDaySql = (r: DateRange) => Prisma.sql`
  SELECT "zoneId" AS "zoneId", "localDate" AS "date", "source" AS "source", "status" AS "status", COUNT(*) AS "n"
  FROM "Airing"
  WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}
  GROUP BY "zoneId", "localDate", "source", "status"`;

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
    asRunFacetsSql(r), asRunZoneCampaignSql(r), airingsByZoneDaySql(r), airingDistinctsSql(r),
    emergenciesSql(r), problemAiringsSql(r, problemLimit), shortfallsSql(r),
  ];
}
