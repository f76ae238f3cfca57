// Planner: materialises the rolling horizon of airings with their run-downs from the
// database (schedules, programs, campaigns, the as-run log) through the pure planner in
// server/domain/plan.ts, writes only what changed, and keeps the render/playout jobs in
// Redis in step with the database (which is the source of truth). One pass at a time per
// installation (server/plan-lock.ts); reads, writes and job checks are set-wise
// (server/plan-input.ts, plan-write.ts, plan-jobs.ts).
import { programAsAired } from "./domain/program-approval.ts";
import fs from "node:fs";
import os from "node:os";
import type { Airing } from "./generated/prisma/client.ts";
import { createStorage } from "./storage.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { dbProvider, type Db } from "./db/client.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import type { Queues } from "./queues.ts";
import { AppError, notFound } from "./errors.ts";
import { planSessions, type PlannedSession } from "./domain/plan.ts";
import { approvalRequired, withApproval } from "./approval.ts";
import { buildRundown, type ItemInfo } from "./domain/rundown.ts";
import type { Shortfall } from "./domain/frequency.ts";
import { localDateOf, startOfIsoWeek } from "./domain/time.ts";
import { renderHashOf } from "./render-hash.ts";
import { recoverExpiredLeases, sessionWindowEnd, WORKER_STOPPED_REASON, type RecoverSummary } from "./airing-lease.ts";
import { jobId, playoutJob } from "./jobs/catalogue.ts";
import { ingestJob } from "./jobs/ingest-revision.ts";
import { createPlanLease, PlanFenced, planVersion, raisePlanVersion } from "./plan-lock.ts";
import { loadPlanInput, planKey, OPEN } from "./plan-input.ts";
import { diffPlan, diffShortfalls, lineFields, loadShortfalls, loadWindow, movedAirings, type Committed, type PlanDiff, type ShortfallDiff, type WindowAiring } from "./plan-write.ts";
import { createSqlitePlanWriter } from "./plan-write-sqlite.ts";
import { createPgPlanWriter } from "./plan-write-pg.ts";
import { createJobSync, programGaps, renderItems, storedRenderHashes, JOBS_AHEAD_MS } from "./plan-jobs.ts";
import { zonesOfScopes, type ReplanScope } from "./plan-scope.ts";

export { SUPERSEDED } from "./plan-write.ts";
export type { ReplanScope };

export interface PlanSummary {
  planned: number;
  changed: number;
  cancelled: number;
  shortfalls: number;
}

export interface Planner {
  /** Plans [now, now + horizon): idempotent; only airings whose plan changed are rewritten. */
  planHorizon(): Promise<PlanSummary>;
  /** Re-plans after an edit or an airing's end: the whole horizon of the zones the scope
   *  reaches (server/plan-scope.ts: campaign counts couple a zone's sessions, not zones);
   *  only airings that changed are touched. A pass already running elsewhere that read its
   *  inputs before this call will not commit them (server/plan-lock.ts). */
  replan(scope?: ReplanScope): Promise<PlanSummary>;
  /** Makes sure every future airing has its jobs and past-due ones are late-aired or missed. */
  reconcile(): Promise<ReconcileSummary>;
  /** Gives back airings whose lease expired (server/airing-lease.ts) and queues their next attempt. */
  recoverLeases(): Promise<RecoverSummary>;
  airNow(o: { programId: number; zoneIds: number[]; source?: "manual"; userId?: number | null }): Promise<Airing[]>;
  cancel(airingId: number): Promise<Airing>;
  /** Enqueues render + playout for one airing (idempotent). */
  enqueue(airing: Airing): Promise<void>;
  /** Deletes session renders no longer needed, expired sign-ins, and closes stray "playing" rows. */
  housekeeping(): Promise<{ rendersDeleted: number }>;
}

export interface ReconcileSummary {
  playoutJobsCreated: number;
  renderJobsCreated: number;
  missed: number;
  lateAired: number;
  orphansClosed: number;
  ingestRequeued: number;
}

const MAX_FENCED = 5;

export function createPlanner(deps: {
  db: Db;
  queues: Queues;
  config: Config;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  /** Unused: liveness is the airing's database lease now (server/airing-lease.ts). Kept for callers. */
  isAiringAlive?: (airingId: number) => Promise<boolean>;
}): Planner {
  const { db, queues, config, clock, logger, events } = deps;
  let chain: Promise<unknown> = Promise.resolve();
  // One step at a time in this process (planning, reconciliation, air-now, cancel).
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => {});
    return run;
  };
  // Across processes and machines: one planning pass at a time, fenced by the plan version.
  const lease = createPlanLease({ redis: queues.connection, key: `${queues.prefix}:plan:lease`, owner: `${os.hostname()}-${process.pid}`, logger });
  const jobs = createJobSync({ db, queues, config });
  // The plan's writes bypass Prisma (its per-row and per-parameter cost), on a connection of their own.
  const writer = dbProvider(db) === "postgresql" ? createPgPlanWriter(config.databaseUrl) : createSqlitePlanWriter(config.databaseFile ?? config.databaseUrl);
  const commit = (version: number, diff: PlanDiff, shortfalls: ShortfallDiff) => writer.commit(version, diff, shortfalls);
  // Airings this close to air belong to their playout job (it may be preparing the output).
  const freezeMs = () => (config.PLAYOUT_PREROLL_SECONDS + 1) * 1000;
  // The last full plan and the digest of its input: an unchanged re-pass reuses it.
  // inPlaceAt: the plan version at which this process last found (or made) the database
  // hold exactly that plan; while the version stays there nobody has planned or asked to.
  let memo: { key: string; sessions: PlannedSession[]; shortfalls: Shortfall[]; inPlaceAt: number | null } | null = null;


  async function enqueue(a: Airing): Promise<void> {
    const hashes = await storedRenderHashes(db, [a]);
    const want = hashes.get(a.id);
    await jobs.ensure([{ ...a, render: want && want !== a.renderHash ? want : null }], clock.now().getTime());
  }

  const requeue = (airingId: number, attempt: number) => queues.add(playoutJob(airingId, attempt));
  const recoverLeasesNow = () => recoverExpiredLeases({ db, clock, logger, requeue });

  /** One planning pass over the zones of `scopes` (null: all), retried from fresh inputs
   *  when an edit or another pass committed after it read them. */
  async function planPass(scopes: ReplanScope[] | null): Promise<PlanSummary> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await planOnce(scopes, attempt > 1);
      } catch (err) {
        if (!(err instanceof PlanFenced) || attempt >= MAX_FENCED) throw err;
        logger.debug(`planning pass outdated before its commit (attempt ${attempt}); planning again`);
      }
    }
  }

  /** checkAllJobs: also the jobs of airings this pass leaves as they are (after a fenced
   *  attempt, whose partly written plan this one may keep). */
  async function planOnce(scopes: ReplanScope[] | null, checkAllJobs: boolean): Promise<PlanSummary> {
    const t = phases();
    const version = await planVersion(db);
    const zones = await zonesOfScopes(db, scopes);
    const now = clock.now();
    const from = new Date(now.getTime() + freezeMs());
    const to = new Date(now.getTime() + config.PLAN_HORIZON_HOURS * 3600_000);
    const input = await loadPlanInput(db, from, zones);
    t.lap("input");
    const key = zones ? null : planKey(input, from, to);
    const reused = key !== null && memo?.key === key;
    if (reused && memo!.inPlaceAt === version && !checkAllJobs) {
      // Same input, and no pass or re-plan request since this process found this very plan
      // in place: the database still holds it (the others who write airings only start,
      // cancel or close them, which is input to the next plan or never re-planned).
      t.lap("plan (reused)");
      logger.debug(`planning pass (all zones): ${memo!.sessions.length} sessions, unchanged since plan version ${version}; ${t.summary()}`);
      return { planned: memo!.sessions.length, changed: 0, cancelled: 0, shortfalls: memo!.shortfalls.length };
    }
    // What the plan is compared with, asked for before planning: PostgreSQL answers meanwhile.
    const window = loadWindow(db, from, to, zones);
    const held = loadShortfalls(db, startOfIsoWeek(localDateOf(now, input.timeZone)), zones);
    for (const p of [window, held]) p.catch(() => {}); // awaited below
    const plan = reused ? memo! : planSessions({ ...input, from, to, now });
    t.lap(reused ? "plan (reused)" : "plan");
    if (key) memo = { key, sessions: plan.sessions, shortfalls: plan.shortfalls, inPlaceAt: null };
    // A pass over some zones follows a change of its input (an edit, an airing's end), so the
    // next full pass will not find the last full plan's input again: holding it only feeds the GC.
    else memo = null;
    const diff = diffPlan(plan.sessions, await window);
    const shortfalls = diffShortfalls(await held, plan.shortfalls, zones);
    t.lap("diff");
    const dirty = diff.create.length || diff.update.length || diff.move.length || diff.stale.length || shortfalls.remove.length || shortfalls.upsert.length;
    // With Redis at hand, the playout jobs of the airings the plan drops or moves are removed
    // while the commit runs (Redis works beside the database); else after it. A moved airing's
    // job is added again, at its new time, once the removal is through. Should the commit not
    // happen (fenced, failed), an airing that still airs as it was gets its job back from the
    // retry, which checks every job, or from the reconciliation that follows each planning tick.
    const moved = movedAirings(diff);
    const early = queues.connection.status === "ready" ? await dropJobsOf([...diff.stale, ...moved]) : null;
    // Airings this pass rewrites get their jobs after the commit; what their renders depend on
    // is read meanwhile. Unchanged ones are checked after an item's edit or ingest (their
    // render may have changed with the same plan) and by the reconciliation that follows
    // every planning tick, not by each pass again.
    const checkSame = checkAllJobs || (scopes?.some((s) => s.itemId !== undefined) ?? false);
    const soon = (s: PlannedSession) => s.start.getTime() - now.getTime() <= JOBS_AHEAD_MS; // only they get jobs (plan-jobs.ts)
    const renders = renderHashes([...(checkSame ? diff.same.map((x) => x.session) : []), ...diff.create, ...diff.update.map((x) => x.session), ...diff.move.map((x) => x.session)].filter(soon));
    renders.catch(() => {}); // awaited with the jobs below
    let done: Committed;
    try {
      done = dirty ? await commit(version, diff, shortfalls) : { written: [], superseded: [] };
    } catch (err) {
      await early?.removing;
      throw err;
    }
    if (key && memo) memo.inPlaceAt = dirty ? version + 1 : version;
    t.lap("commit");
    try {
      const movedIds = new Set(moved.map((a) => a.id));
      const { removing } = early ?? (await dropJobsOf([...done.superseded, ...done.written.filter((w) => movedIds.has(w.airing.id)).map((w) => w.airing)]));
      // The moved airings' old jobs go before their new ones are added (same job ids); a job
      // whose removal failed is re-timed by ensure() (a job due at another time is replaced).
      const removed = moved.length ? await removing : null;
      const synced = await Promise.allSettled([renders.then((hashes) => syncJobs(checkSame ? [...diff.same, ...done.written] : done.written, hashes, now.getTime()))]);
      // Only the airings the commit superseded had to lose their jobs (a playout may hold another's).
      const failed = removed ?? (await removing);
      const lost = done.superseded.find((a) => failed.has(a.id));
      if (lost) throw failed.get(lost.id);
      if (synced[0].status === "rejected") throw synced[0].reason;
    } catch (err) {
      logger.warn(`jobs of the plan not all queued yet (reconciliation retries): ${(err as Error).message}`);
    }
    t.lap("jobs");
    const changed = done.written.length;
    if (changed || done.superseded.length) events.publish("plan.updated", { changed, cancelled: done.superseded.length });
    logger.debug(`planning pass (${zones ? `${zones.size} zones` : "all zones"}): ${plan.sessions.length} sessions, ${changed} written, ${done.superseded.length} superseded; ${t.summary()}`);
    return { planned: plan.sessions.length, changed, cancelled: done.superseded.length, shortfalls: plan.shortfalls.length };
  }

  /** Starts removing the playout jobs of these airings and returns once the first command is
   *  sent (which of them exist: Redis answers while SQLite's commit holds the thread; the
   *  removals follow): `removing` gives the airings whose removal failed, and never rejects. */
  async function dropJobsOf(airings: readonly WindowAiring[]): Promise<{ removing: Promise<Map<number, unknown>> }> {
    const failedAll = (err: unknown) => new Map(airings.map((a) => [a.id, err]));
    if (!airings.length) return { removing: Promise.resolve(new Map()) };
    let queueOf: Awaited<ReturnType<typeof jobs.playoutQueues>>;
    try {
      await queues.ready();
      queueOf = await jobs.playoutQueues();
    } catch (err) {
      return { removing: Promise.resolve(failedAll(err)) };
    }
    const removing = jobs.removePlayouts(airings, queueOf).catch(failedAll);
    await new Promise((r) => setImmediate(r)); // the commands leave in microtasks
    return { removing };
  }

  /** The render hash of each session's run-down (from the plan's lines), null with no line to air. */
  async function renderHashes(sessions: readonly PlannedSession[]): Promise<Map<PlannedSession, string | null>> {
    const [items, gaps] = await Promise.all([
      renderItems(db, [...new Set(sessions.flatMap((s) => s.lines.map((l) => l.itemId)))]),
      programGaps(db, [...new Set(sessions.map((s) => s.programId))]),
    ]);
    return new Map(sessions.map((s) => {
      const aired = s.lines.filter((l) => !l.bumped);
      return [s, aired.length ? renderHashOf(aired.map((l) => ({ reason: l.reason, item: items.get(l.itemId)! })), gaps.get(s.programId) ?? 1000, s.maxDurationMs) : null];
    }));
  }

  /** Jobs of the planned airings, given their run-downs' render hashes. */
  async function syncJobs(kept: { session: PlannedSession; airing: WindowAiring }[], hashes: ReadonlyMap<PlannedSession, string | null>, now: number): Promise<void> {
    const wanted = new Map<number, string>();
    const targets = kept.map(({ session: s, airing: a }) => {
      const hash = hashes.get(s) ?? null;
      if (hash) wanted.set(a.id, hash);
      return { ...a, render: hash && hash !== a.renderHash ? hash : null };
    });
    await jobs.ensure(targets, now);
    // Renders queued for an earlier version of a run-down would only be skipped later: drop them now.
    await jobs.dropOutdatedRenders(wanted);
  }

  // Requests that arrive while a pass waits for its turn join it (their scopes merged).
  let waiting: { scopes: ReplanScope[] | null; run: Promise<PlanSummary> } | null = null;
  function requestPass(scope: ReplanScope | null): Promise<PlanSummary> {
    if (waiting) {
      if (!scope) waiting.scopes = null;
      else waiting.scopes?.push(scope);
      return waiting.run;
    }
    const w: { scopes: ReplanScope[] | null; run: Promise<PlanSummary> } = { scopes: scope ? [scope] : null, run: Promise.resolve(null as never) };
    w.run = serial(() => {
      if (waiting === w) waiting = null;
      return lease.run(() => planPass(w.scopes));
    });
    waiting = w;
    return w.run;
  }

  async function reconcileNow(): Promise<ReconcileSummary> {
    await queues.ready();
    const now = clock.now();
    const s: ReconcileSummary = { playoutJobsCreated: 0, renderJobsCreated: 0, missed: 0, lateAired: 0, orphansClosed: 0, ingestRequeued: 0 };
    const rec = await recoverLeasesNow();
    s.orphansClosed = rec.released + rec.resumable + rec.closed;
    const graceStart = new Date(now.getTime() - config.LATE_GRACE_MINUTES * 60_000);
    // Past their grace window while the system was down, nothing aired: missed, never aired late.
    const missed = await db.airing.updateMany({ where: { status: { in: OPEN }, actualStart: null, scheduledStart: { lt: graceStart } }, data: { status: "missed", statusReason: `Hệ thống không hoạt động lúc đến giờ phát / The system was down at air time` } });
    s.missed = missed.count;
    // Cut mid-session and released: resumed while the session window lasts, else interrupted.
    const resumable: Airing[] = [];
    for (const a of await db.airing.findMany({ where: { status: { in: OPEN }, actualStart: { not: null } } })) {
      if (now.getTime() < sessionWindowEnd(a)) resumable.push(a);
      else await db.airing.updateMany({ where: { id: a.id, status: { in: OPEN } }, data: { status: "interrupted", statusReason: a.statusReason || WORKER_STOPPED_REASON, leaseOwner: null, leaseUntil: null } });
    }
    s.playoutJobsCreated += (await jobs.ensure(resumable.map((a) => ({ ...a, render: null })), now.getTime())).playouts;
    const open = await db.airing.findMany({ where: { status: { in: OPEN }, actualStart: null, scheduledStart: { gte: graceStart, lt: new Date(now.getTime() + config.PLAN_HORIZON_HOURS * 3600_000) } } });
    const hashes = await storedRenderHashes(db, open.filter((a) => a.scheduledStart.getTime() - now.getTime() <= JOBS_AHEAD_MS));
    // Within a minute of air the playout renders inline if it has to.
    const made = await jobs.ensure(open.map((a) => ({ ...a, render: hashes.get(a.id) !== a.renderHash ? (hashes.get(a.id) ?? null) : null })), now.getTime(), { renderWithinMs: 60_000 });
    s.playoutJobsCreated += made.playouts;
    s.renderJobsCreated += made.renders;
    s.lateAired = open.filter((a) => made.playoutIds.has(a.id) && a.scheduledStart < now).length;
    // Items whose ingest job was lost (Redis wiped, enqueue failed) are queued again.
    const waiting = await db.item.findMany({ where: { status: { in: ["queued", "processing"] }, archived: false, kind: { not: "relay" } }, include: { originalAsset: { select: { sha256: true } } } });
    for (const it of waiting) {
      const ingest = ingestJob(it, it.originalAsset?.sha256 ?? null, config);
      const job = await queues.get("ingest").getJob(jobId(ingest));
      if (job && !["completed", "failed"].includes(await job.getState())) continue;
      if (job) await job.remove().catch(() => {});
      await queues.add(ingest);
      s.ingestRequeued++;
    }
    if (s.missed || s.orphansClosed) events.publish("plan.updated", { missed: s.missed, orphansClosed: s.orphansClosed });
    return s;
  }

  async function housekeepingNow(): Promise<{ rendersDeleted: number }> {
    const now = clock.now();
    const storage = createStorage(config.dataDir);
    // A day after air the session file has served its purpose (what aired is in air/ and the log).
    await db.airing.updateMany({ where: { renderAssetId: { not: null }, status: { notIn: [...OPEN, "airing"] }, scheduledStart: { lt: new Date(now.getTime() - 86_400_000) } }, data: { renderAssetId: null } });
    // A render is shared by every airing with its run-down: it goes only when none points to
    // it (checked again in the delete itself, in case an airing took it up meanwhile).
    const unused = await db.audioAsset.findMany({ where: { kind: "render", renders: { none: {} }, createdAt: { lt: new Date(now.getTime() - 3600_000) } } });
    let rendersDeleted = 0;
    for (const a of unused) {
      const gone = await db.audioAsset.deleteMany({ where: { id: a.id, renders: { none: {} } } });
      if (gone.count !== 1) continue;
      fs.rmSync(storage.abs(a.path), { force: true });
      rendersDeleted++;
    }
    // Render files no row points to (a crash between the rename and the transaction).
    const rendersDir = storage.abs("renders");
    if (fs.existsSync(rendersDir)) {
      const known = new Set((await db.audioAsset.findMany({ where: { kind: "render" }, select: { path: true } })).map((a) => storage.abs(a.path)));
      for (const f of fs.readdirSync(rendersDir)) {
        const file = `${rendersDir}/${f}`;
        if (!known.has(file) && fs.statSync(file).mtimeMs < Date.now() - 3600_000) fs.rmSync(file, { force: true });
      }
    }
    await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
    // An item still "playing" after its airing ended was cut off by a crash or a lost write.
    const finished = await db.asRun.findMany({ where: { status: "playing", airing: { status: { not: "airing" } } }, select: { id: true } });
    if (finished.length) await db.asRun.updateMany({ where: { id: { in: finished.map((r) => r.id) } }, data: { status: "interrupted", note: "closed by recovery" } });
    return { rendersDeleted };
  }

  return {
    housekeeping: () => serial(housekeepingNow),
    planHorizon: () => requestPass(null),
    replan: async (scope) => {
      await raisePlanVersion(db);
      return requestPass(scope && Object.values(scope).some((v) => v !== undefined) ? scope : null);
    },
    reconcile: () => serial(reconcileNow),
    // Not serialised with planning: each release is one conditional update, safe anywhere.
    recoverLeases: recoverLeasesNow,
    enqueue,
    airNow: (o) =>
      serial(async () => {
        const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
        const p = await db.program.findUnique({ where: { id: o.programId }, include: { entries: { orderBy: { position: "asc" } } } });
        if (!p) throw notFound("program");
        const required = await approvalRequired(db);
        // A program whose arrangement waits for approval airs its last approved one.
        const spec = programAsAired({ id: p.id, introItemId: p.introItemId, outroItemId: p.outroItemId, gapMs: p.gapMs, entries: p.entries, approval: p.approval, approvedVersion: p.approvedVersion }, required);
        const ids = [...spec.entries.map((e) => e.itemId), spec.introItemId, spec.outroItemId, ...(spec.held?.itemIds ?? [])].filter((x): x is number => !!x);
        const items = new Map(withApproval(await db.item.findMany({ where: { id: { in: ids } } }), required).map((i) => [i.id, i as ItemInfo]));
        // A few seconds' lead lets the worker render and open the output before the start.
        const start = new Date(clock.now().getTime() + 3000);
        const localDate = localDateOf(start, tz);
        const maxDurationMs = 4 * 3600_000;
        const { lines } = buildRundown(spec, items, localDate, maxDurationMs);
        if (!lines.some((l) => !l.bumped)) throw new AppError(422, "NOTHING_TO_AIR", "Chương trình chưa có tin bài sẵn sàng để phát.", "The program has no ready items to air.");
        // Fail before writing anything, so a 503 never leaves an airing behind to air twice.
        await queues.ready();
        const out: Airing[] = [];
        for (const zoneId of o.zoneIds) {
          const a = await db.airing.create({ data: { zoneId, programId: p.id, source: "manual", startedById: o.userId ?? null, localDate, scheduledStart: start, maxDurationMs, lines: { create: lines.map(lineFields) } } });
          await queues.add(playoutJob(a.id)).catch((e: Error) => logger.warn(`air-now ${a.id} left to reconciliation: ${e.message}`));
          out.push(a);
        }
        events.publish("plan.updated", { manual: out.map((a) => a.id) });
        return out;
      }),
    cancel: (airingId) =>
      serial(async () => {
        const a = await db.airing.findUnique({ where: { id: airingId } });
        if (!a) throw notFound("airing");
        const notOpen = () => new AppError(409, "AIRING_NOT_OPEN", "Chỉ hủy được buổi phát chưa bắt đầu.", "Only airings that have not started can be cancelled.");
        if (!OPEN.includes(a.status)) throw notOpen();
        const n = await db.airing.updateMany({ where: { id: a.id, status: { in: OPEN } }, data: { status: "cancelled", statusReason: "Hủy bởi người vận hành / Cancelled by an operator" } });
        if (n.count === 0) throw notOpen();
        await queues.remove(playoutJob(a.id, a.attempt)).catch(() => {});
        return db.airing.findUniqueOrThrow({ where: { id: a.id } });
      }),
  };
}

/** Wall time of a pass's steps, for the debug log (bench:plan prints it). */
function phases() {
  let last = performance.now();
  const out: string[] = [];
  return {
    lap(name: string) {
      const now = performance.now();
      out.push(`${name} ${Math.round(now - last)} ms`);
      last = now;
    },
    summary: () => out.join(", "),
  };
}
