// A cache of computed reports, keyed by the period and by the as-run WATERMARK of that
// period: a fingerprint of the facts the report reads for those dates, taken in one cheap
// statement before the report is computed. A new or closed as-run row (or an airing settled)
// on 12 November changes November's watermark and the 12th's, not October's, so only the
// periods that contain it are computed again; every other request is served from memory.
//
// Correctness does not depend on being told about writes: the watermark is read from the
// database on every request, so every API instance (each with its own cache) and every
// writer (a worker on another machine) agree. Read before computing: a report computed from
// newer facts than its watermark is only recomputed once more, never served stale.
// Names and settings a report prints (zones, items, programs, campaigns, the commune, the
// other-channel figures, the directive register: an edit of its links updates the document)
// enter the watermark through their updatedAt; topics and emergency names, which have none,
// and a directive turning overdue as time passes, are covered by a 5-minute lifetime.
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/client.ts";
import { fastReader, type SqlParam } from "../db/fast-read.ts";
import { settlePlays } from "../settle-plays.ts";
import { computeReport, type ComputeOptions, type ReportRange } from "./compute.ts";
import type { BroadcastReport } from "./types.ts";
import type { EventHub } from "../events.ts";

const MAX_ENTRIES = 64;
const MAX_AGE_MS = 5 * 60_000;

/** The watermark statement: one pass over AsRun_play_idx (covering) and the period's airings. */
export const watermarkSql = (r: { from: string; to: string }) => Prisma.sql`
  SELECT ar.*, ai.*, dims.*
  FROM (SELECT COUNT(*) AS "rows",
               SUM(CASE WHEN "status" = 'playing' THEN 1 ELSE 0 END) AS "playing",
               SUM(CASE WHEN "counted" THEN 1 ELSE 0 END) AS "plays",
               SUM("unit") AS "units",
               SUM("durationMs") AS "ms",
               SUM(COALESCE("itemId", 0)) AS "items",
               SUM(COALESCE("categoryId", 0)) AS "topics",
               SUM(LENGTH("role") + 16 * LENGTH("status") + 256 * LENGTH("priority")) AS "codes"
        FROM "AsRun" WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}) ar,
       (SELECT COUNT(*) AS "airings", MAX("updatedAt") AS "airingsAt"
        FROM "Airing" WHERE "localDate" >= ${r.from} AND "localDate" <= ${r.to}) ai,
       (SELECT (SELECT MAX("updatedAt") FROM "Zone") AS "zonesAt",
               (SELECT MAX("updatedAt") FROM "Item") AS "itemsAt",
               (SELECT MAX("updatedAt") FROM "Program") AS "programsAt",
               (SELECT MAX("updatedAt") FROM "Campaign") AS "campaignsAt",
               (SELECT MAX("updatedAt") FROM "Commune") AS "communeAt",
               (SELECT MAX("updatedAt") FROM "ChannelStat") AS "channelsAt",
               (SELECT MAX("updatedAt") FROM "Directive") AS "directivesAt",
               (SELECT COUNT(*) FROM "Directive") AS "directives",
               (SELECT COUNT(*) FROM "Category") AS "categories") dims`;

export async function reportWatermark(db: Db, r: { from: string; to: string }): Promise<string> {
  // Read before every report answer: on the fast reader (server/db/fast-read.ts).
  const q = watermarkSql(r);
  const [row] = await fastReader(db).rows(q.sql, q.values as SqlParam[]);
  return JSON.stringify(row ?? {}, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Date ? v.getTime() : v));
}

export interface ReportCache {
  /** The report of `range`, computed again only when its watermark moved. */
  report(range: ReportRange, opts?: ComputeOptions): Promise<BroadcastReport>;
  /**
   * settlePlays, shared by the concurrent readers of this process: 50 requests arriving
   * together run one settle pass, not 50 racing ones. A request that joins a pass begun
   * before it read nothing newer than that pass; its watermark then moves once more later.
   */
  settle(): Promise<unknown>;
  stats(): { hits: number; misses: number; size: number };
}

interface Entry {
  mark: string;
  at: number;
  report: Promise<BroadcastReport>;
}

export interface ReportCacheOptions {
  now?: () => number;
  /**
   * The live events this instance sees. With them, one watermark read serves the requests
   * of the next `markMaxAgeMs` (dashboards polling today's counts and the month together
   * cost one read, not one each), and any event drops it: a report asked for because of an
   * event (an airing ended) is read after it. A write that announces nothing (another
   * instance settling) is then seen at most `markMaxAgeMs` later. Without events every
   * request reads the watermark.
   */
  events?: Pick<EventHub, "subscribe">;
  markMaxAgeMs?: number;
}

export function createReportCache(db: Db, opts: ReportCacheOptions = {}): ReportCache {
  const now = opts.now ?? Date.now;
  const markMaxAgeMs = opts.events ? (opts.markMaxAgeMs ?? 500) : 0;
  const marks = new Map<string, { at: number; mark: Promise<string> }>();
  opts.events?.subscribe(() => marks.clear());
  const watermark = (key: string, range: ReportRange): Promise<string> => {
    const m = marks.get(key);
    if (m && now() - m.at < markMaxAgeMs) return m.mark;
    const mark = reportWatermark(db, range);
    if (markMaxAgeMs > 0) {
      const entry = { at: now(), mark };
      marks.set(key, entry);
      mark.catch(() => marks.get(key) === entry && marks.delete(key));
    }
    return mark;
  };
  const entries = new Map<string, Entry>();
  let hits = 0;
  let misses = 0;
  let settling: Promise<unknown> | null = null;
  const settle = () =>
    (settling ??= settlePlays(db)
      .then((done) => {
        // Newly settled rows move the watermarks: none may be reused.
        if (done.rows || done.airings) marks.clear();
        return done;
      })
      .finally(() => {
        settling = null;
      }));
  /**
   * Requests for one period arriving while its settle and watermark are being read join that
   * read instead of starting their own (50 dashboards cost one read, not 50), like settle()
   * above: a request joins only a read begun before it, which sees nothing newer than it.
   */
  const inflight = new Map<string, Promise<BroadcastReport>>();
  const cachedReport = async (key: string, range: ReportRange, o: ComputeOptions) => {
    // Settle first: the watermark must see closed rows as they will be counted.
    await settle();
    const mark = await watermark(key, range);
    const hit = entries.get(key);
    if (hit && hit.mark === mark && now() - hit.at < MAX_AGE_MS) {
      hits++;
      // Most recently used last: the first key is the one to evict.
      entries.delete(key);
      entries.set(key, hit);
      return hit.report;
    }
    misses++;
    // Concurrent requests for one period and watermark share one computation.
    const report = computeReport(db, range, o);
    entries.delete(key);
    entries.set(key, { mark, at: now(), report });
    while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    report.catch(() => {
      if (entries.get(key)?.report === report) entries.delete(key);
    });
    return report;
  };
  return {
    settle,
    report(range, o = {}) {
      const key = JSON.stringify([range.from, range.to, range.key, range.labelVi, range.labelEn, o.problemLimit]);
      const joined = inflight.get(key);
      if (joined) return joined;
      const report = cachedReport(key, range, o).finally(() => inflight.delete(key));
      inflight.set(key, report);
      return report;
    },
    stats: () => ({ hits, misses, size: entries.size }),
  };
}
