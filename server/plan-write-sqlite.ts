// The plan's commit on SQLite, through a better-sqlite3 connection of its own: prepared
// statements run row by row inside short synchronous IMMEDIATE transactions. At 336 h a first
// pass writes ~40,000 run-down lines: ~0.3 s this way, several seconds through Prisma
// (its per-row cost, even with one JSON parameter per statement). Same steps and guards as
// the PostgreSQL path in server/plan-write.ts.
// Each transaction is synchronous on purpose: no other JavaScript runs while the write
// lock is held, so no query of this process can wait on it; the lock is only taken without
// waiting (busy timeout 0) and retried asynchronously, so a transaction another part of
// this process holds open is never waited for with the event loop blocked.
import Database from "better-sqlite3";
import { chunked } from "./db/chunks.ts";
import { PlanFenced } from "./plan-lock.ts";
import { OPEN } from "./plan-input.ts";
import type { Committed, PlanDiff, ShortfallDiff, WindowAiring } from "./plan-write.ts";
import { REPLANNABLE, SUPERSEDED, SUPERSEDED_REASON, lineFields, rewrittenFields } from "./plan-write.ts";

const LOCK_WAIT_MS = 30_000;
/** Airings a transaction writes at most (~20 ms of lock on this kind of machine). */
const PART = 150;
/** Run-down lines one INSERT writes (10 parameters each, well under SQLite's 32,766). */
const LINES_AT_ONCE = 50;
const inList = (xs: readonly string[]) => xs.map((s) => `'${s}'`).join(", ");
/** Instants as the Prisma adapter stores them, so textual comparisons keep working. */
const at = (d: Date) => d.toISOString().replace("Z", "+00:00");

export function createSqlitePlanWriter(file: string) {
  let conn: Database.Database | null = null;
  const open = () => {
    if (conn) return conn;
    conn = new Database(file);
    conn.pragma("busy_timeout = 0");
    conn.pragma("foreign_keys = ON");
    // As on the application's connection (server/db/client.ts): in WAL mode a commit then
    // waits for no fsync (the WAL is synced at checkpoints), and the database stays consistent.
    conn.pragma("synchronous = NORMAL");
    return conn;
  };

  /** The writes of one pass as parts of at most PART rows, each committed on its own. */
  function parts(c: Database.Database, diff: PlanDiff, shortfalls: ShortfallDiff, out: Committed, now: string): (() => void)[] {
    const insertAiring = c.prepare(`INSERT INTO "Airing" ("scheduleId", "zoneId", "programId", "source", "localDate", "scheduledStart", "maxDurationMs", "planHash", "createdAt", "updatedAt") VALUES (?, ?, ?, 'schedule', ?, ?, ?, ?, ?, ?)`);
    // Guarded on the status, as on PostgreSQL (a playout may have claimed it since it was read).
    const rewrite = c.prepare(`UPDATE "Airing" SET "scheduledStart" = ?, "programId" = ?, "maxDurationMs" = ?, "localDate" = ?, "planHash" = ?, "status" = 'planned', "statusReason" = '', "updatedAt" = ? WHERE "id" = ? AND "status" IN (${inList(REPLANNABLE)})`);
    // A move keeps the run-down, its render and the status ("ready" stays ready).
    const move = c.prepare(`UPDATE "Airing" SET "scheduledStart" = ?, "programId" = ?, "maxDurationMs" = ?, "localDate" = ?, "planHash" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" IN (${inList(OPEN)})`);
    const dropLines = c.prepare(`DELETE FROM "RundownLine" WHERE "airingId" = ?`);
    // Lines go LINES_AT_ONCE to a statement (one statement per line cost twice as much).
    const insertLines = (n: number) => c.prepare(`INSERT INTO "RundownLine" ("airingId", "position", "itemId", "reason", "reasonVi", "reasonEn", "campaignId", "bumped", "offsetMs", "durationMs") VALUES ${Array(n).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`);
    const insertLine = insertLines(1), insertMany = insertLines(LINES_AT_ONCE);
    const supersede = c.prepare(`UPDATE "Airing" SET "status" = '${SUPERSEDED}', "statusReason" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" IN (${inList(OPEN)})`);
    const dropShortfall = c.prepare(`DELETE FROM "Shortfall" WHERE "id" = ?`);
    const upsertShortfall = c.prepare(`INSERT INTO "Shortfall" ("campaignId", "zoneId", "periodKind", "periodStart", "target", "aired", "reasonVi", "reasonEn", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT ("campaignId", "zoneId", "periodKind", "periodStart") DO UPDATE SET "target" = excluded."target", "aired" = excluded."aired", "reasonVi" = excluded."reasonVi", "reasonEn" = excluded."reasonEn"`);
    // Values of lines not inserted yet; each part flushes its own before it commits.
    let pending: unknown[] = [];
    const flushLines = () => {
      const row = 10, full = LINES_AT_ONCE * row;
      let i = 0;
      for (; i + full <= pending.length; i += full) insertMany.run(pending.slice(i, i + full));
      for (; i < pending.length; i += row) insertLine.run(pending.slice(i, i + row));
      pending = [];
    };
    const withLines = (w: Committed["written"][number]) => {
      for (const l of w.session.lines) {
        const f = lineFields(l);
        pending.push(w.airing.id, f.position, f.itemId, f.reason, f.reasonVi, f.reasonEn, f.campaignId, f.bumped ? 1 : 0, f.offsetMs, f.durationMs);
      }
      out.written.push(w);
    };
    return [
      ...chunked(diff.create, PART).map((part) => () => {
        for (const s of part) {
          const id = Number(insertAiring.run(s.scheduleId, s.zoneId, s.programId, s.localDate, at(s.start), s.maxDurationMs, s.planHash, now, now).lastInsertRowid);
          withLines({ session: s, airing: { id, scheduleId: s.scheduleId, zoneId: s.zoneId, localDate: s.localDate, scheduledStart: s.start, status: "planned", planHash: s.planHash, renderHash: "", attempt: 0, programId: s.programId, maxDurationMs: s.maxDurationMs } });
        }
        flushLines();
      }),
      ...chunked(diff.update, PART).map((part) => () => {
        for (const { session: s, airing: a } of part) {
          if (rewrite.run(at(s.start), s.programId, s.maxDurationMs, s.localDate, s.planHash, now, a.id).changes !== 1) continue;
          dropLines.run(a.id);
          withLines({ session: s, airing: { ...a, ...rewrittenFields(s), status: "planned" } });
        }
        flushLines();
      }),
      ...chunked(diff.move, PART * 5).map((part) => () => {
        for (const { session: s, airing: a } of part) {
          if (move.run(at(s.start), s.programId, s.maxDurationMs, s.localDate, s.planHash, now, a.id).changes !== 1) continue;
          out.written.push({ session: s, airing: { ...a, ...rewrittenFields(s) } });
        }
      }),
      ...chunked(diff.stale, PART * 5).map((part) => () => {
        out.superseded.push(...part.filter((a) => supersede.run(SUPERSEDED_REASON, now, a.id).changes === 1));
      }),
      () => {
        for (const id of shortfalls.remove) dropShortfall.run(id);
        for (const sf of shortfalls.upsert) upsertShortfall.run(sf.campaignId, sf.zoneId, sf.periodKind, sf.periodStart, sf.target, sf.aired, sf.reasonVi, sf.reasonEn, now);
      },
    ];
  }

  /** Runs fn in an IMMEDIATE transaction, waiting for the write lock without blocking. */
  async function inTransaction(c: Database.Database, fn: () => void): Promise<void> {
    const run = c.transaction(fn);
    const until = Date.now() + LOCK_WAIT_MS;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      try {
        return run.immediate();
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > until) throw err;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  return {
    /**
     * Writes the difference if the plan version is still `version` (else throws PlanFenced).
     * In parts of a few hundred airings, each its own short transaction, so that a playout
     * in another process never waits long for the write lock at air time. The first part
     * takes the version (version + 1), each later part checks it is still that: after an
     * edit's re-plan request or another pass, the rest is not written and the pass plans
     * again from fresh inputs, finishing from what the parts before left.
     */
    async commit(version: number, diff: PlanDiff, shortfalls: ShortfallDiff): Promise<Committed> {
      const c = open();
      const now = at(new Date());
      const out: Committed = { written: [], superseded: [] };
      const take = c.prepare(`UPDATE "PlanState" SET "version" = "version" + 1, "updatedAt" = ? WHERE "id" = 1 AND "version" = ?`);
      const hold = c.prepare(`SELECT "version" FROM "PlanState" WHERE "id" = 1`).pluck();
      for (const [i, part] of parts(c, diff, shortfalls, out, now).entries()) {
        await inTransaction(c, () => {
          const fenced = i === 0 ? take.run(now, version).changes !== 1 : hold.get() !== version + 1;
          if (fenced) throw new PlanFenced();
          part();
        });
      }
      return out;
    },
    close() {
      conn?.close();
      conn = null;
    },
  };
}

export type SqlitePlanWriter = ReturnType<typeof createSqlitePlanWriter>;
