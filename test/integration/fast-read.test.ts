// The hot reads in plain SQL (server/db/fast-read.ts) give what Prisma gives: each list's
// pages, compared with Prisma's own findMany of the same rows and relations (the reference
// reader), on SQLite and on PostgreSQL, with optional relations present and absent, a
// cursor's next page, and the session check before every request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../server/db/client.ts";
import { createSession, loadSession } from "../../server/auth/sessions.ts";
import { listItems } from "../../server/services/items.ts";
import { listAirings } from "../../server/services/airings.ts";
import { asRunLog } from "../../server/services/asrun.ts";
import { auditEntries } from "../../server/services/audit.ts";
import { communeTimeZone } from "../../server/services/commune.ts";
import { createReportCache } from "../../server/reports/cache.ts";
import { itemListQuery } from "../../server/contract/items.ts";
import { airingListQuery } from "../../server/contract/scheduling.ts";
import { asRunQuery } from "../../server/contract/reports.ts";
import { auditListQuery } from "../../server/contract/audit.ts";
import { loadPlanInput } from "../../server/plan-input.ts";
import { addDays, localDateOf, startOfIsoWeek } from "../../server/domain/time.ts";
import { createTestEnv, createUser, type TestEnv } from "../helpers/env.ts";
import { createPgDatabase, pgTestUrl, type PgDatabase } from "../helpers/pg.ts";

const DAY = "2026-11-12";
const at = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 11, 17 + h, m)); // commune time 00:00 + h

/** Rows with and without each optional relation, several per page so the cursor is used. */
async function seed(db: Db) {
  const cat = await db.category.findFirstOrThrow();
  const zone = await db.zone.create({ data: { code: "z1", name: "Thôn Đông", outputKind: "file" } });
  const asset = await db.audioAsset.create({ data: { kind: "canonical", sha256: "ab", path: "a.mp3", sizeBytes: 10, loudnessI: -16.5, truePeak: -1.25 } });
  const items = [];
  for (let i = 0; i < 7; i++) {
    items.push(await db.item.create({
      data: { title: `Tin số ${i}`, kind: "relay", relayUrl: "http://127.0.0.1/r", durationMs: 60_000 + i, status: "ready", categoryId: i % 2 ? cat.id : null, canonicalAssetId: i % 3 ? asset.id : null, archived: i === 6, approvedAt: i === 1 ? at(1) : null },
    }));
  }
  const program = await db.program.create({ data: { name: "Bản tin sáng" } });
  const schedule = await db.schedule.create({ data: { name: "Buổi sáng", programId: program.id, kind: "recurring", daysOfWeek: "1,2,3,4,5,6,7", startTime: "05:30", maxDurationSec: 1800 } });
  const airings = [];
  for (let i = 0; i < 5; i++) {
    airings.push(await db.airing.create({
      data: { zoneId: zone.id, programId: i === 4 ? null : program.id, scheduleId: i < 3 ? schedule.id : null, source: i < 3 ? "schedule" : "manual", localDate: DAY, scheduledStart: at(5 + i), maxDurationMs: 1_800_000, status: i === 0 ? "completed" : "planned", actualStart: i === 0 ? at(5) : null, settled: i === 0 },
    }));
  }
  for (let i = 0; i < 6; i++) {
    await db.asRun.create({
      data: { airingId: airings[0]!.id, zoneId: zone.id, itemId: i === 2 ? null : items[i]!.id, localDate: DAY, scheduledStart: at(5, i), actualStart: at(5, i % 3 === 0 ? 0 : i), actualEnd: i === 5 ? null : at(5, i + 1), durationMs: 1000 * i, status: i === 4 ? "failed" : "completed", source: "schedule" },
    });
  }
  const user = await createUser(db, "bientap", "editor");
  for (let i = 0; i < 5; i++) await db.auditLog.create({ data: { userId: i % 2 ? user.id : null, action: "item.create", entity: "item", entityId: String(i), detail: JSON.stringify({ i }) } });
  return { user };
}

function suite(name: string, make: () => Promise<{ env: TestEnv; drop?: () => Promise<void> }>) {
  describe(name, () => {
    let env: TestEnv;
    let drop: (() => Promise<void>) | undefined;
    let userId = 0;
    beforeAll(async () => {
      ({ env, drop } = await make());
      userId = (await seed(env.db)).user.id;
    });
    afterAll(async () => {
      await env?.cleanup();
      await drop?.();
    });

    it("items: pages equal Prisma's, with category and canonical asset present or absent", async () => {
      const db = env.db;
      const first = await listItems({ db }, itemListQuery.parse({ limit: "4" }));
      const second = await listItems({ db }, itemListQuery.parse({ limit: "4", cursor: first.nextCursor! }));
      const archived = await listItems({ db }, itemListQuery.parse({ archived: "1" }));
      const ref = await db.item.findMany({ where: { archived: false }, include: { category: true, canonicalAsset: { select: { loudnessI: true, truePeak: true } } }, orderBy: { id: "desc" } });
      expect(first.rows).toEqual(ref.slice(0, 4));
      expect(second.rows).toEqual(ref.slice(4));
      expect(second.nextCursor).toBeNull();
      expect(archived.rows.map((i) => i.title)).toEqual(["Tin số 6"]);
      expect(ref.some((i) => i.category === null) && ref.some((i) => i.category !== null) && ref.some((i) => i.canonicalAsset === null)).toBe(true);
    });

    it("airings: pages equal Prisma's, with program and schedule present or absent", async () => {
      const db = env.db;
      const first = await listAirings({ db }, airingListQuery.parse({ from: DAY, to: DAY, limit: "3" }));
      const second = await listAirings({ db }, airingListQuery.parse({ from: DAY, to: DAY, limit: "3", cursor: first.nextCursor! }));
      const ref = await db.airing.findMany({ include: { zone: { select: { name: true, code: true } }, program: { select: { name: true } }, schedule: { select: { name: true } } }, orderBy: [{ scheduledStart: "asc" }, { id: "asc" }] });
      expect([...first.rows, ...second.rows]).toEqual(ref);
      expect(second.nextCursor).toBeNull();
      expect(ref.some((a) => a.schedule === null) && ref.some((a) => a.program === null)).toBe(true);
      const planned = await listAirings({ db }, airingListQuery.parse({ status: "planned" }));
      expect(planned.rows.map((a) => a.id)).toEqual(ref.filter((a) => a.status === "planned").map((a) => a.id));
    });

    it("as-run: pages equal Prisma's (ties on actualStart broken by id), item absent included", async () => {
      const db = env.db;
      const deps = { db, reports: createReportCache(db) };
      const first = await asRunLog(deps, asRunQuery.parse({ from: DAY, to: DAY, limit: "4" }));
      if (first.kind !== "page") throw new Error("a page was expected");
      const second = await asRunLog(deps, asRunQuery.parse({ from: DAY, to: DAY, limit: "4", cursor: first.page.nextCursor! }));
      if (second.kind !== "page") throw new Error("a page was expected");
      const ref = await db.asRun.findMany({ include: { zone: { select: { name: true } }, item: { select: { title: true } } }, orderBy: [{ actualStart: "desc" }, { id: "desc" }] });
      const strip = (rows: { noteVi?: string; noteEn?: string }[]) => rows.map(({ noteVi: _v, noteEn: _e, ...r }) => r);
      expect(strip([...first.page.rows, ...second.page.rows])).toEqual(ref);
      expect(ref.some((r) => r.item === null) && ref.some((r) => r.actualEnd === null)).toBe(true);
      const failed = await asRunLog(deps, asRunQuery.parse({ status: "failed" }));
      if (failed.kind !== "page") throw new Error("a page was expected");
      expect(failed.page.rows.map((r) => r.id)).toEqual(ref.filter((r) => r.status === "failed").map((r) => r.id));
    });

    it("audit: pages equal Prisma's, with and without a user", async () => {
      const db = env.db;
      const first = await auditEntries({ db }, auditListQuery.parse({ limit: "2" }));
      const rest = await auditEntries({ db }, auditListQuery.parse({ limit: "10", cursor: first.nextCursor! }));
      const ref = await db.auditLog.findMany({ include: { user: { select: { username: true, displayName: true } } }, orderBy: { id: "desc" } });
      expect([...first.entries, ...rest.entries]).toEqual(ref.map((r) => ({ ...r, detail: JSON.parse(r.detail) })));
      const mine = await auditEntries({ db }, auditListQuery.parse({ userId: String(userId) }));
      expect(mine.entries.map((e) => e.id)).toEqual(ref.filter((r) => r.userId === userId).map((r) => r.id));
    });

    it("sessions: a valid token gives its user; expired, unknown and disabled give none; the time zone is the commune's", async () => {
      const db = env.db;
      const now = new Date();
      const { token, csrfToken } = await createSession(db, userId, 1, now);
      expect(await loadSession(db, token, now)).toEqual({ id: expect.any(String), csrfToken, user: { id: userId, username: "bientap", displayName: expect.any(String), role: "editor", mustChangePassword: false } });
      expect(await loadSession(db, token, new Date(now.getTime() + 2 * 3600_000))).toBeNull();
      expect(await loadSession(db, "nope", now)).toBeNull();
      await db.user.update({ where: { id: userId }, data: { disabled: true } });
      expect(await loadSession(db, token, now)).toBeNull();
      await db.user.update({ where: { id: userId }, data: { disabled: false } });
      expect(await communeTimeZone({ db })).toBe((await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone);
    });

    it("planning input: the week's as-run rows, the campaigns they count for and the frozen airings' lines left to air equal Prisma's", async () => {
      const { db } = env;
      const zone = await db.zone.findFirstOrThrow({ where: { code: "z1" } });
      const items = await db.item.findMany({ orderBy: { id: "asc" } });
      await db.campaign.create({ data: { name: "Phòng cháy", startDate: "2026-11-01", endDate: "2026-12-31", perDay: 2, items: { create: [0, 1, 3].map((k) => ({ itemId: items[k]!.id })) } } });
      // On air: three lines, the last bumped, the first aired already (an as-run row names it).
      const onAir = await db.airing.create({
        data: { zoneId: zone.id, source: "manual", localDate: DAY, scheduledStart: at(10), maxDurationMs: 600_000, status: "airing", lines: { create: [0, 1, 2].map((k) => ({ position: k, itemId: items[k]!.id, reason: "program", offsetMs: k * 60_000, durationMs: 60_000, bumped: k === 2 })) } },
        include: { lines: { orderBy: { position: "asc" } } },
      });
      await db.asRun.create({ data: { airingId: onAir.id, rundownLineId: onAir.lines[0]!.id, zoneId: zone.id, itemId: items[0]!.id, localDate: DAY, scheduledStart: at(10), actualStart: at(10), durationMs: 60_000, status: "completed", source: "manual" } });
      const from = at(8);
      const got = await loadPlanInput(db, from, null);
      // The reference: Prisma's findMany of the same rows, read after the pass settled them.
      const weekStart = addDays(startOfIsoWeek(localDateOf(from, got.timeZone)), -1);
      const campaignItems = [...new Set(got.campaigns.flatMap((c) => c.itemIds))];
      const plays = await db.asRunCampaign.findMany({ where: { localDate: { gte: weekStart } } });
      const rows = await db.asRun.findMany({ where: { localDate: { gte: weekStart }, itemId: { in: campaignItems } }, orderBy: { id: "asc" } });
      expect(rows.filter((r) => r.settled).length).toBeGreaterThan(0);
      expect(got.asRun).toEqual(rows.map((r) => ({
        zoneId: r.zoneId, itemId: r.itemId, localDate: r.localDate, actualStart: r.actualStart, status: r.status, settled: r.settled, counted: r.settled ? r.counted : false,
        campaignIds: r.settled ? plays.filter((p) => p.asRunId === r.id).map((p) => p.campaignId).sort((a, b) => a - b) : [],
      })));
      const frozen = await db.airing.findMany({
        where: { localDate: { gte: weekStart }, OR: [{ status: "airing" }, { status: { in: ["planned", "ready"] }, scheduledStart: { lt: from } }, { status: { in: ["planned", "ready"] }, source: { not: "schedule" } }] },
        include: { lines: { where: { bumped: false }, orderBy: { position: "asc" } }, asRuns: { select: { rundownLineId: true } } },
        orderBy: { id: "asc" },
      });
      expect(frozen.length).toBeGreaterThanOrEqual(4);
      const expected = frozen.map((a) => ({ scheduleId: a.scheduleId, zoneId: a.zoneId, scheduledStart: a.scheduledStart, localDate: a.localDate, lines: a.lines.filter((l) => !a.asRuns.some((r) => r.rundownLineId === l.id)).map((l) => ({ itemId: l.itemId, offsetMs: l.offsetMs })) }));
      expect(got.pending).toEqual(expected);
      expect(got.pending.find((p) => p.scheduledStart.getTime() === at(10).getTime())!.lines).toEqual([{ itemId: items[1]!.id, offsetMs: 60_000 }]);
      // Limited to zones: the same for the zone, nothing for another.
      const scoped = await loadPlanInput(db, from, new Set([zone.id]));
      expect([scoped.asRun, scoped.pending]).toEqual([got.asRun, got.pending]);
      const other = await loadPlanInput(db, from, new Set([zone.id + 1000]));
      expect([other.asRun, other.pending]).toEqual([[], []]);
    });

    it("inside a transaction the same SQL runs in that transaction (it sees the transaction's own writes)", async () => {
      const db = env.db;
      const before = await communeTimeZone({ db });
      const seen = await db.$transaction(async (tx) => {
        await tx.commune.update({ where: { id: 1 }, data: { timeZone: "Asia/Bangkok" } });
        return communeTimeZone({ db: tx as Db });
      });
      expect(seen).toBe("Asia/Bangkok");
      await db.commune.update({ where: { id: 1 }, data: { timeZone: before } });
      expect(await communeTimeZone({ db })).toBe(before);
    });
  });
}

suite("fast reads equal Prisma's (SQLite)", async () => ({ env: await createTestEnv({ withRoutes: false }) }));

const pgAdmin = await pgTestUrl();
describe.skipIf(!pgAdmin)("PostgreSQL", () => {
  suite("fast reads equal Prisma's (PostgreSQL)", async () => {
    const pgDb: PgDatabase = await createPgDatabase(pgAdmin!, "fastread");
    return { env: await createTestEnv({ withRoutes: false, env: { DATABASE_URL: pgDb.url } }), drop: () => pgDb.drop() };
  });
});
