// The plan's commit on PostgreSQL, through a node-postgres connection of its own: one
// transaction whose rows travel as typed arrays (one array parameter a column, unpacked by
// unnest). Through Prisma the same statements cost several times the database's own time in
// this process (the engine serialises every raw parameter again, twice, and the multi-MB
// strings keep the garbage collector busy): 40,000 run-down lines took ~6 s that way, a
// fraction of a second this way. Same steps and guards as server/plan-write-sqlite.ts.
import type pg from "pg";
import { chunked } from "./db/chunks.ts";
import { pgConnection } from "./db/client.ts";
import { PlanFenced } from "./plan-lock.ts";
import { OPEN } from "./plan-input.ts";
import type { PlannedSession } from "./domain/plan.ts";
import type { Committed, PlanDiff, ShortfallDiff, WindowAiring } from "./plan-write.ts";
import { REPLANNABLE, SUPERSEDED, SUPERSEDED_REASON, rewrittenFields } from "./plan-write.ts";

/** Rows per statement: keeps each parameter to a few MB. */
const ROWS = 10_000;
const inList = (xs: readonly string[]) => xs.map((s) => `'${s}'`).join(", ");

/** `unnest($1::int[], $2::text[], …) AS v("a", "b", …)` over these columns, from parameter `first` on. */
function unnest(columns: Record<string, string>, first = 1): string {
  const names = Object.keys(columns);
  return `unnest(${names.map((n, i) => `$${first + i}::${columns[n]}[]`).join(", ")}) AS v(${names.map((n) => `"${n}"`).join(", ")})`;
}

const AIRING = { scheduleId: "int", zoneId: "int", programId: "int", localDate: "text", scheduledStart: "timestamp(3)", maxDurationMs: "int", planHash: "text" };
const REWRITE = { aid: "int", scheduledStart: "timestamp(3)", programId: "int", maxDurationMs: "int", localDate: "text", planHash: "text" };
const LINE = { airingId: "int", position: "int", itemId: "int", reason: "text", reasonVi: "text", reasonEn: "text", campaignId: "int", bumped: "boolean", offsetMs: "int", durationMs: "int" };
/** LINE with the reason texts as indexes (1-based) into one array of distinct texts. */
const LINE_REFS = { ...LINE, reasonVi: "int", reasonEn: "int" };
const SHORTFALL = { campaignId: "int", zoneId: "int", periodKind: "text", periodStart: "text", target: "int", aired: "int", reasonVi: "text", reasonEn: "text" };

/** Instants as Prisma stores them on PostgreSQL: UTC, in a timestamp without time zone. */
const iso = (d: Date) => d.toISOString();

export function createPgPlanWriter(databaseUrl: string) {
  const { connectionString, options } = pgConnection(databaseUrl);
  // One connection, closed when idle and never keeping the process alive. pg is loaded only
  // here, so an SQLite installation never loads it (as in server/db/client.ts).
  let pool: Promise<pg.Pool> | null = null;
  const poolOf = () =>
    (pool ??= import("pg").then(({ default: { Pool } }) => {
      const p = new Pool({ connectionString, options, max: 1, idleTimeoutMillis: 5_000, allowExitOnIdle: true, connectionTimeoutMillis: 10_000 });
      p.on("error", () => {}); // an idle connection dropped by the server: the next commit opens another
      return p;
    }));

  async function write(c: pg.PoolClient, version: number, diff: PlanDiff, shortfalls: ShortfallDiff): Promise<Committed> {
    const now = iso(new Date());
    // First statement: the version this pass read, or PlanFenced. The row stays locked until
    // the commit, so commits are serialised too.
    const taken = await c.query(`UPDATE "PlanState" SET "version" = "version" + 1, "updatedAt" = $1 WHERE "id" = 1 AND "version" = $2`, [now, version]);
    if (taken.rowCount !== 1) throw new PlanFenced();
    const out: Committed = { written: [], superseded: [] };
    // The plan hash covers (schedule, zone, start): it names the session of each new row.
    const byHash = new Map(diff.create.map((s) => [s.planHash, s]));
    for (const part of chunked(diff.create, ROWS)) {
      const made = await c.query<{ id: number; planHash: string }>(
        `INSERT INTO "Airing" ("scheduleId", "zoneId", "programId", "localDate", "scheduledStart", "maxDurationMs", "planHash", "source", "createdAt", "updatedAt")
         SELECT v.*, 'schedule', $8::timestamp(3), $8::timestamp(3) FROM ${unnest(AIRING)} RETURNING "id", "planHash"`,
        [...columnsOf(part, [(s) => s.scheduleId, (s) => s.zoneId, (s) => s.programId, (s) => s.localDate, (s) => iso(s.start), (s) => s.maxDurationMs, (s) => s.planHash]), now],
      );
      for (const m of made.rows) {
        const s = byHash.get(m.planHash)!;
        out.written.push({ session: s, airing: { id: m.id, scheduleId: s.scheduleId, zoneId: s.zoneId, localDate: s.localDate, scheduledStart: s.start, status: "planned", planHash: s.planHash, renderHash: "", attempt: 0, programId: s.programId, maxDurationMs: s.maxDurationMs } });
      }
    }
    // Rewritten in place, guarded on the status: a playout may claim one meanwhile.
    const current = new Map(diff.update.map((u) => [u.airing.id, u]));
    for (const part of chunked(diff.update, ROWS)) {
      const done = await c.query<{ id: number }>(
        `UPDATE "Airing" SET "scheduledStart" = v."scheduledStart", "programId" = v."programId", "maxDurationMs" = v."maxDurationMs", "localDate" = v."localDate", "planHash" = v."planHash", "status" = 'planned', "statusReason" = '', "updatedAt" = $7::timestamp(3)
         FROM ${unnest(REWRITE)} WHERE "Airing"."id" = v."aid" AND "Airing"."status" IN (${inList(REPLANNABLE)}) RETURNING "Airing"."id"`,
        [...rewriteColumns(part), now],
      );
      const rewritten = done.rows.map((d) => current.get(d.id)!);
      await c.query(`DELETE FROM "RundownLine" WHERE "airingId" = ANY($1::int[])`, [rewritten.map((u) => u.airing.id)]);
      out.written.push(...rewritten.map(({ session: s, airing: a }) => ({ session: s, airing: { ...a, ...rewrittenFields(s), status: "planned" } })));
    }
    const lines = out.written.flatMap((w) => w.session.lines.map((l) => ({ airingId: w.airing.id, l })));
    for (const part of chunked(lines, ROWS)) {
      // A few hundred distinct reason texts on thousands of lines: each travels once, the
      // lines carry its index (megabytes less to serialise, send and parse).
      const texts = new Map<string, number>();
      const textIndex = (t: string) => {
        let i = texts.get(t);
        if (i === undefined) texts.set(t, (i = texts.size + 1));
        return i;
      };
      const n = Object.keys(LINE_REFS).length;
      await c.query(
        `INSERT INTO "RundownLine" (${Object.keys(LINE).map((k) => `"${k}"`).join(", ")})
         SELECT v."airingId", v."position", v."itemId", v."reason", t[v."reasonVi"], t[v."reasonEn"], v."campaignId", v."bumped", v."offsetMs", v."durationMs"
         FROM ${unnest(LINE_REFS)}, (SELECT $${n + 1}::text[] AS t) AS texts`,
        [
          ...columnsOf(part, [(x) => x.airingId, (x) => x.l.position, (x) => x.l.itemId, (x) => x.l.reason, (x) => textIndex(x.l.reasonVi), (x) => textIndex(x.l.reasonEn), (x) => x.l.campaignId, (x) => x.l.bumped, (x) => x.l.offsetMs, (x) => x.l.durationMs]),
          [...texts.keys()],
        ],
      );
    }
    // Moved with their run-down: lines, render and status stay.
    const moving = new Map(diff.move.map((u) => [u.airing.id, u]));
    for (const part of chunked(diff.move, ROWS)) {
      const done = await c.query<{ id: number }>(
        `UPDATE "Airing" SET "scheduledStart" = v."scheduledStart", "programId" = v."programId", "maxDurationMs" = v."maxDurationMs", "localDate" = v."localDate", "planHash" = v."planHash", "updatedAt" = $7::timestamp(3)
         FROM ${unnest(REWRITE)} WHERE "Airing"."id" = v."aid" AND "Airing"."status" IN (${inList(OPEN)}) RETURNING "Airing"."id"`,
        [...rewriteColumns(part), now],
      );
      out.written.push(...done.rows.map((d) => moving.get(d.id)!).map(({ session: s, airing: a }) => ({ session: s, airing: { ...a, ...rewrittenFields(s) } })));
    }
    for (const part of chunked(diff.stale, ROWS)) {
      const done = await c.query<{ id: number }>(
        `UPDATE "Airing" SET "status" = '${SUPERSEDED}', "statusReason" = $2, "updatedAt" = $3::timestamp(3) WHERE "id" = ANY($1::int[]) AND "status" IN (${inList(OPEN)}) RETURNING "id"`,
        [part.map((a) => a.id), SUPERSEDED_REASON, now],
      );
      const ids = new Set(done.rows.map((a) => a.id));
      out.superseded.push(...part.filter((a) => ids.has(a.id)));
    }
    if (shortfalls.remove.length) await c.query(`DELETE FROM "Shortfall" WHERE "id" = ANY($1::int[])`, [shortfalls.remove]);
    if (shortfalls.upsert.length) {
      await c.query(
        `INSERT INTO "Shortfall" ("campaignId", "zoneId", "periodKind", "periodStart", "target", "aired", "reasonVi", "reasonEn", "createdAt") SELECT v.*, $9::timestamp(3) FROM ${unnest(SHORTFALL)}
         ON CONFLICT ("campaignId", "zoneId", "periodKind", "periodStart") DO UPDATE SET "target" = excluded."target", "aired" = excluded."aired", "reasonVi" = excluded."reasonVi", "reasonEn" = excluded."reasonEn"`,
        [...columnsOf(shortfalls.upsert, [(s) => s.campaignId, (s) => s.zoneId, (s) => s.periodKind, (s) => s.periodStart, (s) => s.target, (s) => s.aired, (s) => s.reasonVi, (s) => s.reasonEn]), now],
      );
    }
    return out;
  }

  return {
    /** Writes the difference in one transaction if the plan version is still `version` (else throws PlanFenced). */
    async commit(version: number, diff: PlanDiff, shortfalls: ShortfallDiff): Promise<Committed> {
      const c = await (await poolOf()).connect();
      try {
        await c.query("BEGIN");
        const out = await write(c, version, diff, shortfalls);
        await c.query("COMMIT");
        return out;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    close: async () => {
      const p = pool;
      pool = null;
      await (await p)?.end();
    },
  };
}

/** REWRITE's columns of these airings and their sessions. */
function rewriteColumns(rows: readonly { session: PlannedSession; airing: WindowAiring }[]): unknown[][] {
  return columnsOf(rows, [(u) => u.airing.id, (u) => iso(u.session.start), (u) => u.session.programId, (u) => u.session.maxDurationMs, (u) => u.session.localDate, (u) => u.session.planHash]);
}

/** One array a column: what unnest() takes back apart. */
function columnsOf<T>(rows: readonly T[], getters: ((row: T) => unknown)[]): unknown[][] {
  return getters.map((get) => rows.map(get));
}
