// The plan's commit on SQLite, through a better-sqlite3 connection of its own: prepared
// statements run row by row inside one synchronous IMMEDIATE transaction. At 336 h a first
// pass writes ~40,000 run-down lines: ~0.3 s this way, several seconds through Prisma
// (its per-row cost, even with one JSON parameter per statement). Same steps and guards as
// the PostgreSQL path in server/plan-write.ts.
// Synchronous on purpose: no other JavaScript runs while the write lock is held, so no
// query of this process can wait on it; the lock is only taken without waiting (busy
// timeout 0) and retried asynchronously, so a transaction another part of this process
// holds open is never waited for with the event loop blocked.
import Database from "better-sqlite3";
import { PlanFenced } from "./plan-lock.ts";
import { OPEN } from "./plan-input.ts";
import type { Committed, PlanDiff, ShortfallDiff, WindowAiring } from "./plan-write.ts";
import { REPLANNABLE, SUPERSEDED, SUPERSEDED_REASON, lineFields } from "./plan-write.ts";

const LOCK_WAIT_MS = 30_000;
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
    return conn;
  };

  function commitNow(c: Database.Database, version: number, diff: PlanDiff, shortfalls: ShortfallDiff): Committed {
    const now = at(new Date());
    if (c.prepare(`UPDATE "PlanState" SET "version" = "version" + 1, "updatedAt" = ? WHERE "id" = 1 AND "version" = ?`).run(now, version).changes !== 1) throw new PlanFenced();
    const written: Committed["written"] = [];
    const insertAiring = c.prepare(`INSERT INTO "Airing" ("scheduleId", "zoneId", "programId", "source", "localDate", "scheduledStart", "maxDurationMs", "planHash", "createdAt", "updatedAt") VALUES (?, ?, ?, 'schedule', ?, ?, ?, ?, ?, ?)`);
    for (const s of diff.create) {
      const id = Number(insertAiring.run(s.scheduleId, s.zoneId, s.programId, s.localDate, at(s.start), s.maxDurationMs, s.planHash, now, now).lastInsertRowid);
      written.push({ session: s, airing: { id, scheduleId: s.scheduleId, zoneId: s.zoneId, scheduledStart: s.start, status: "planned", planHash: s.planHash, renderHash: "", attempt: 0, programId: s.programId, maxDurationMs: s.maxDurationMs } });
    }
    // Guarded on the status, as on PostgreSQL (here nothing else can write meanwhile).
    const rewrite = c.prepare(`UPDATE "Airing" SET "programId" = ?, "maxDurationMs" = ?, "localDate" = ?, "planHash" = ?, "status" = 'planned', "statusReason" = '', "updatedAt" = ? WHERE "id" = ? AND "status" IN (${inList(REPLANNABLE)})`);
    const dropLines = c.prepare(`DELETE FROM "RundownLine" WHERE "airingId" = ?`);
    for (const { session: s, airing: a } of diff.update) {
      if (rewrite.run(s.programId, s.maxDurationMs, s.localDate, s.planHash, now, a.id).changes !== 1) continue;
      dropLines.run(a.id);
      written.push({ session: s, airing: { ...a, status: "planned", planHash: s.planHash, programId: s.programId, maxDurationMs: s.maxDurationMs } });
    }
    const insertLine = c.prepare(`INSERT INTO "RundownLine" ("airingId", "position", "itemId", "reason", "reasonVi", "reasonEn", "campaignId", "bumped", "offsetMs", "durationMs") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const w of written) {
      for (const l of w.session.lines) {
        const f = lineFields(l);
        insertLine.run(w.airing.id, f.position, f.itemId, f.reason, f.reasonVi, f.reasonEn, f.campaignId, f.bumped ? 1 : 0, f.offsetMs, f.durationMs);
      }
    }
    const supersede = c.prepare(`UPDATE "Airing" SET "status" = '${SUPERSEDED}', "statusReason" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" IN (${inList(OPEN)})`);
    const superseded: WindowAiring[] = diff.stale.filter((a) => supersede.run(SUPERSEDED_REASON, now, a.id).changes === 1);
    const dropShortfall = c.prepare(`DELETE FROM "Shortfall" WHERE "id" = ?`);
    for (const id of shortfalls.remove) dropShortfall.run(id);
    const upsertShortfall = c.prepare(`INSERT INTO "Shortfall" ("campaignId", "zoneId", "periodKind", "periodStart", "target", "aired", "reasonVi", "reasonEn", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT ("campaignId", "zoneId", "periodKind", "periodStart") DO UPDATE SET "target" = excluded."target", "aired" = excluded."aired", "reasonVi" = excluded."reasonVi", "reasonEn" = excluded."reasonEn"`);
    for (const sf of shortfalls.upsert) upsertShortfall.run(sf.campaignId, sf.zoneId, sf.periodKind, sf.periodStart, sf.target, sf.aired, sf.reasonVi, sf.reasonEn, now);
    return { written, superseded };
  }

  return {
    /** Writes the difference if the plan version is still `version` (else throws PlanFenced). */
    async commit(version: number, diff: PlanDiff, shortfalls: ShortfallDiff): Promise<Committed> {
      const c = open();
      const run = c.transaction(() => commitNow(c, version, diff, shortfalls));
      const until = Date.now() + LOCK_WAIT_MS;
      for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
        try {
          return run.immediate();
        } catch (err) {
          if ((err as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > until) throw err;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    },
    close() {
      conn?.close();
      conn = null;
    },
  };
}

export type SqlitePlanWriter = ReturnType<typeof createSqlitePlanWriter>;
