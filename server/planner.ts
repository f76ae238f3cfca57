// Planner: materialises the rolling horizon of airings with their run-downs from the
// database (schedules, programs, campaigns, the as-run log) through the pure planner in
// server/domain/plan.ts, writes only what changed, and keeps the render/playout jobs in
// Redis in step with the database (which is the source of truth).
import fs from "node:fs";
import type { Airing } from "./generated/prisma/client.ts";
import { createStorage } from "./storage.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { EventHub } from "./events.ts";
import type { Logger } from "./logger.ts";
import type { Queues } from "./queues.ts";
import { AppError, notFound } from "./errors.ts";
import { planSessions, type PlannedSession } from "./domain/plan.ts";
import { scheduleSpecFromRow } from "./domain/recurrence.ts";
import { campaignSpecFromRow } from "./domain/campaign.ts";
import { approvalRequired, withApproval } from "./approval.ts";
import { buildRundown, type ItemInfo, type ProgramSpec, type RundownLinePlan } from "./domain/rundown.ts";
import type { PendingAiring } from "./domain/frequency.ts";
import { localDateOf, startOfIsoWeek, addDays } from "./domain/time.ts";
import { loadRenderInput, renderHashOf } from "../worker/render.ts";
import { recoverExpiredLeases, sessionWindowEnd, WORKER_STOPPED_REASON, type RecoverSummary } from "../worker/lease.ts";
import { jobId } from "../worker/catalogue.ts";
import { ingestRevision } from "../worker/ingest.ts";
import { settlePlays } from "./settle-plays.ts";

export type ReplanScope = { itemId?: number; programId?: number; scheduleId?: number; zoneId?: number; localDate?: string; campaignId?: number };

export interface PlanSummary {
  planned: number;
  changed: number;
  cancelled: number;
  shortfalls: number;
}

export interface Planner {
  /** Plans [now, now + horizon): idempotent; only airings whose plan changed are rewritten. */
  planHorizon(): Promise<PlanSummary>;
  /** Re-plans after an edit or an airing's end. The whole horizon is re-derived (sessions
   *  are coupled by campaign counts) but only airings that changed are touched. */
  replan(scope?: ReplanScope): Promise<PlanSummary>;
  /** Makes sure every future airing has its jobs and past-due ones are late-aired or missed. */
  reconcile(): Promise<ReconcileSummary>;
  /** Gives back airings whose lease expired (worker/lease.ts) and queues their next attempt. */
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

const OPEN = ["planned", "ready"];
/** Removed by the planner because its schedule changed; unlike "cancelled" it may return. */
export const SUPERSEDED = "superseded";
const REPLANNABLE = [...OPEN, SUPERSEDED];

export function createPlanner(deps: {
  db: Db;
  queues: Queues;
  config: Config;
  clock: Clock;
  logger: Logger;
  events: EventHub;
  /** Unused: liveness is the airing's database lease now (worker/lease.ts). Kept for callers. */
  isAiringAlive?: (airingId: number) => Promise<boolean>;
}): Planner {
  const { db, queues, config, clock, logger, events } = deps;
  let chain: Promise<unknown> = Promise.resolve();
  // One planning pass at a time in this process; concurrent edits queue up.
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => {});
    return run;
  };
  // Airings this close to air belong to their playout job (it may be preparing the output).
  const freezeMs = () => (config.PLAYOUT_PREROLL_SECONDS + 1) * 1000;

  // Render hash each airing should have after this pass; older delayed renders are dropped.
  let wantedRender: Map<number, string> | null = null;

  async function enqueue(a: Airing): Promise<void> {
    const now = clock.now().getTime();
    await ensureRenderJob(a, now);
    await ensurePlayoutJob(a, now);
  }

  /** Queues the render of the airing's current run-down unless it is rendered or queued already. */
  async function ensureRenderJob(a: Airing, now: number): Promise<boolean> {
    const full = await loadRenderInput(db, a.id);
    if (!full || !full.lines.length) return false;
    const hash = renderHashOf(full.lines, full.program?.gapMs ?? 1000, full.maxDurationMs);
    wantedRender?.set(a.id, hash);
    if (full.renderHash === hash) return false;
    await queues.ready();
    if (await queues.byName.render.getJob(`render-${a.id}-${hash}`)) return false;
    await queues.add({ name: "render", data: { airingId: a.id, hash } }, { delay: Math.max(0, a.scheduledStart.getTime() - config.RENDER_LEAD_MINUTES * 60_000 - now) });
    return true;
  }

  const playoutJob = (a: Pick<Airing, "id" | "attempt">) => ({ name: "playout" as const, data: { airingId: a.id, attempt: a.attempt } });

  async function ensurePlayoutJob(a: Airing, now: number): Promise<boolean> {
    await queues.ready();
    // One job id per attempt (after a release the next attempt has a job of its own), on the
    // queue of the zone's worker group (zone affinity) or the shared one.
    const existing = await queues.getJob(playoutJob(a));
    if (existing) {
      const state = await existing.getState();
      if (state !== "completed" && state !== "failed" && state !== "unknown") return false;
      // A finished job for an airing still open (e.g. it ran before a re-plan): replace it.
      await existing.remove().catch(() => {});
    }
    await queues.add(playoutJob(a), { delay: Math.max(0, a.scheduledStart.getTime() - config.PLAYOUT_PREROLL_SECONDS * 1000 - now) });
    return true;
  }

  const requeue = (airingId: number, attempt: number) => queues.add({ name: "playout", data: { airingId, attempt } });
  const recoverLeasesNow = () => recoverExpiredLeases({ db, clock, logger, requeue });

  async function loadPlanInput(from: Date, to: Date) {
    const commune = await db.commune.findUniqueOrThrow({ where: { id: 1 } });
    const tz = commune.timeZone;
    const zones = await db.zone.findMany({ where: { enabled: true }, select: { id: true, name: true } });
    const enabledZones = new Set(zones.map((z) => z.id));
    const scheduleRows = await db.schedule.findMany({ where: { enabled: true }, include: { zones: true } });
    const schedules = scheduleRows
      .map((r) => ({ ...scheduleSpecFromRow(r), zoneIds: r.zones.map((z) => z.zoneId).filter((z) => enabledZones.has(z)) }))
      .filter((s) => s.zoneIds.length > 0);
    const programRows = await db.program.findMany({ where: { id: { in: [...new Set(schedules.map((s) => s.programId))] } }, include: { entries: { orderBy: { position: "asc" } } } });
    const programs: ProgramSpec[] = programRows.map((p) => ({ id: p.id, name: p.name, introItemId: p.introItemId, outroItemId: p.outroItemId, gapMs: p.gapMs, entries: p.entries.map((e) => ({ itemId: e.itemId, position: e.position })) }));
    const campaignRows = await db.campaign.findMany({ where: { enabled: true, endDate: { gte: addDays(localDateOf(from, tz), -7) } }, include: { items: true, zones: true } });
    const campaigns = campaignRows.map(campaignSpecFromRow);
    const itemIds = new Set<number>();
    for (const p of programs) {
      p.entries.forEach((e) => itemIds.add(e.itemId));
      if (p.introItemId) itemIds.add(p.introItemId);
      if (p.outroItemId) itemIds.add(p.outroItemId);
    }
    campaigns.forEach((c) => c.itemIds.forEach((i) => itemIds.add(i)));
    // Items not approved while approval is on are withheld from the run-downs (server/approval.ts).
    const items: ItemInfo[] = withApproval(await db.item.findMany({ where: { id: { in: [...itemIds] } }, select: { id: true, title: true, durationMs: true, priority: true, validFrom: true, validTo: true, archived: true, status: true, approval: true } }), await approvalRequired(db));
    const weekStart = addDays(startOfIsoWeek(localDateOf(from, tz)), -1);
    const campaignItems = [...new Set(campaigns.flatMap((c) => c.itemIds))];
    // Settled rows only: the engine counts what plays.ts says is a play, for the campaigns it names.
    await settlePlays(db);
    const asRun = campaignItems.length
      ? (await db.asRun.findMany({
          where: { localDate: { gte: weekStart }, itemId: { in: campaignItems } },
          select: { zoneId: true, itemId: true, localDate: true, actualStart: true, status: true, counted: true, settled: true, campaigns: { select: { campaignId: true } } },
        })).map((r) => ({ ...r, counted: r.settled ? r.counted : false, campaignIds: r.settled ? r.campaigns.map((c) => c.campaignId) : [] }))
      : [];
    // Airings this pass must not rewrite: started, about to start, manual or emergency.
    const frozenRows = await db.airing.findMany({
      where: {
        localDate: { gte: weekStart },
        OR: [{ status: "airing" }, { status: { in: OPEN }, scheduledStart: { lt: from } }, { status: { in: OPEN }, source: { not: "schedule" } }],
      },
      include: { lines: { where: { bumped: false } }, asRuns: { select: { rundownLineId: true } } },
    });
    const pending: PendingAiring[] = frozenRows.map((a) => {
      const aired = new Set(a.asRuns.map((r) => r.rundownLineId));
      return { scheduleId: a.scheduleId, zoneId: a.zoneId, scheduledStart: a.scheduledStart, localDate: a.localDate, lines: a.lines.filter((l) => !aired.has(l.id)).map((l) => ({ itemId: l.itemId, offsetMs: l.offsetMs })) };
    });
    return { tz, schedules, programs, campaigns, items, asRun, pending, zoneIds: zones.map((z) => z.id), zoneNames: new Map(zones.map((z) => [z.id, z.name])) };
  }

  async function writeSession(s: PlannedSession): Promise<{ airing: Airing; changed: boolean } | null> {
    const existing = await db.airing.findUnique({ where: { scheduleId_zoneId_scheduledStart: { scheduleId: s.scheduleId, zoneId: s.zoneId, scheduledStart: s.start } } });
    // Started, finished or cancelled by an operator: never touched again. Only airings the
    // planner itself superseded (schedule moved and moved back) come back to life.
    if (existing && !REPLANNABLE.includes(existing.status)) return null;
    if (existing && existing.planHash === s.planHash && existing.status !== SUPERSEDED) return { airing: existing, changed: false };
    const airing = await db.$transaction(async (tx) => {
      let a: Airing;
      if (existing) {
        // Guarded on the status read above: a playout may have claimed it meanwhile.
        const n = await tx.airing.updateMany({ where: { id: existing.id, status: { in: REPLANNABLE } }, data: { programId: s.programId, maxDurationMs: s.maxDurationMs, localDate: s.localDate, planHash: s.planHash, status: "planned", statusReason: "" } });
        if (n.count === 0) return null;
        a = await tx.airing.findUniqueOrThrow({ where: { id: existing.id } });
      } else {
        a = await tx.airing.create({ data: { scheduleId: s.scheduleId, zoneId: s.zoneId, programId: s.programId, source: "schedule", localDate: s.localDate, scheduledStart: s.start, maxDurationMs: s.maxDurationMs, planHash: s.planHash } });
      }
      await tx.rundownLine.deleteMany({ where: { airingId: a.id } });
      await tx.rundownLine.createMany({ data: s.lines.map((l) => lineRow(a.id, l)) });
      return a;
    });
    return airing ? { airing, changed: true } : null;
  }

  async function planHorizonNow(): Promise<PlanSummary> {
    const now = clock.now();
    const from = new Date(now.getTime() + freezeMs());
    const to = new Date(now.getTime() + config.PLAN_HORIZON_HOURS * 3600_000);
    const input = await loadPlanInput(from, to);
    wantedRender = new Map();
    const plan = planSessions({ timeZone: input.tz, from, to, now, schedules: input.schedules, programs: input.programs, items: input.items, campaigns: input.campaigns, asRun: input.asRun, pending: input.pending, zoneIds: input.zoneIds, zoneNames: input.zoneNames });
    let changed = 0;
    const keep = new Set<number>();
    for (const s of plan.sessions) {
      const w = await writeSession(s);
      if (!w) continue;
      keep.add(w.airing.id);
      if (w.changed) changed++;
      try {
        await enqueue(w.airing);
      } catch (err) {
        logger.warn(`jobs for airing ${w.airing.id} not queued yet: ${(err as Error).message}`);
      }
    }
    // Scheduled airings in the horizon that the plan no longer contains (schedule edited,
    // disabled or moved) are superseded, with their jobs.
    const candidates = await db.airing.findMany({ where: { source: "schedule", status: { in: OPEN }, scheduledStart: { gte: from, lt: to }, id: { notIn: [...keep] } } });
    const stale = [];
    for (const a of candidates) {
      const n = await db.airing.updateMany({ where: { id: a.id, status: { in: OPEN } }, data: { status: SUPERSEDED, statusReason: "Lịch phát đã thay đổi / The schedule changed" } });
      if (n.count === 0) continue;
      stale.push(a);
      await queues.remove("playout", jobId(playoutJob(a))).catch(() => {});
    }
    // Renders queued for an earlier version of a run-down would only be skipped later: drop them now.
    const wanted = wantedRender;
    wantedRender = null;
    try {
      await queues.ready();
      for (const job of await queues.byName.render.getJobs(["delayed", "waiting"])) {
        const d = job.data as { airingId: number; hash: string };
        const want = wanted.get(d.airingId);
        if (want !== undefined && want !== d.hash) await job.remove().catch(() => {});
      }
    } catch (err) {
      logger.debug(`stale render cleanup skipped: ${(err as Error).message}`);
    }
    // Shortfalls of periods still open are re-derived each pass; closed periods are final.
    const openFrom = startOfIsoWeek(localDateOf(now, input.tz));
    const current = new Set(plan.shortfalls.map((x) => `${x.campaignId}|${x.zoneId}|${x.periodKind}|${x.periodStart}`));
    for (const row of await db.shortfall.findMany({ where: { periodStart: { gte: openFrom } } })) {
      if (!current.has(`${row.campaignId}|${row.zoneId}|${row.periodKind}|${row.periodStart}`)) await db.shortfall.delete({ where: { id: row.id } });
    }
    for (const sf of plan.shortfalls) {
      const key = { campaignId: sf.campaignId, zoneId: sf.zoneId, periodKind: sf.periodKind, periodStart: sf.periodStart };
      const data = { target: sf.target, aired: sf.aired, reasonVi: sf.reasonVi, reasonEn: sf.reasonEn };
      await db.shortfall.upsert({ where: { campaignId_zoneId_periodKind_periodStart: key }, update: data, create: { ...key, ...data } });
    }
    if (changed || stale.length) events.publish("plan.updated", { changed, cancelled: stale.length });
    return { planned: plan.sessions.length, changed, cancelled: stale.length, shortfalls: plan.shortfalls.length };
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
    for (const a of await db.airing.findMany({ where: { status: { in: OPEN }, actualStart: { not: null } } })) {
      if (now.getTime() >= sessionWindowEnd(a)) {
        await db.airing.updateMany({ where: { id: a.id, status: { in: OPEN } }, data: { status: "interrupted", statusReason: a.statusReason || WORKER_STOPPED_REASON, leaseOwner: null, leaseUntil: null } });
      } else if (await ensurePlayoutJob(a, now.getTime())) {
        s.playoutJobsCreated++;
      }
    }
    const open = await db.airing.findMany({ where: { status: { in: OPEN }, actualStart: null, scheduledStart: { gte: graceStart, lt: new Date(now.getTime() + config.PLAN_HORIZON_HOURS * 3600_000) } } });
    for (const a of open) {
      if (await ensurePlayoutJob(a, now.getTime())) {
        s.playoutJobsCreated++;
        if (a.scheduledStart < now) s.lateAired++;
      }
      // Within a minute of air the playout renders inline if it has to.
      if (a.scheduledStart.getTime() - now.getTime() > 60_000 && (await ensureRenderJob(a, now.getTime()))) s.renderJobsCreated++;
    }
    // Items whose ingest job was lost (Redis wiped, enqueue failed) are queued again.
    const waiting = await db.item.findMany({ where: { status: { in: ["queued", "processing"] }, archived: false, kind: { not: "relay" } }, include: { originalAsset: { select: { sha256: true } } } });
    for (const it of waiting) {
      const id = `ingest-${it.id}-${ingestRevision(it, it.originalAsset?.sha256 ?? null, config)}`;
      const job = await queues.byName.ingest.getJob(id);
      if (job && !["completed", "failed"].includes(await job.getState())) continue;
      if (job) await job.remove().catch(() => {});
      await queues.add({ name: "ingest", data: { itemId: it.id, revision: ingestRevision(it, it.originalAsset?.sha256 ?? null, config) } });
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
    planHorizon: () => serial(planHorizonNow),
    replan: () => serial(planHorizonNow),
    reconcile: () => serial(reconcileNow),
    // Not serialised with planning: each release is one conditional update, safe anywhere.
    recoverLeases: recoverLeasesNow,
    enqueue,
    airNow: (o) =>
      serial(async () => {
        const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
        const p = await db.program.findUnique({ where: { id: o.programId }, include: { entries: { orderBy: { position: "asc" } } } });
        if (!p) throw notFound("program");
        const ids = [...p.entries.map((e) => e.itemId), p.introItemId, p.outroItemId].filter((x): x is number => !!x);
        const items = new Map(withApproval(await db.item.findMany({ where: { id: { in: ids } } }), await approvalRequired(db)).map((i) => [i.id, i as ItemInfo]));
        // A few seconds' lead lets the worker render and open the output before the start.
        const start = new Date(clock.now().getTime() + 3000);
        const localDate = localDateOf(start, tz);
        const maxDurationMs = 4 * 3600_000;
        const { lines } = buildRundown({ id: p.id, introItemId: p.introItemId, outroItemId: p.outroItemId, gapMs: p.gapMs, entries: p.entries }, items, localDate, maxDurationMs);
        if (!lines.some((l) => !l.bumped)) throw new AppError(422, "NOTHING_TO_AIR", "Chương trình chưa có tin bài sẵn sàng để phát.", "The program has no ready items to air.");
        // Fail before writing anything, so a 503 never leaves an airing behind to air twice.
        await queues.ready();
        const out: Airing[] = [];
        for (const zoneId of o.zoneIds) {
          const a = await db.airing.create({ data: { zoneId, programId: p.id, source: "manual", startedById: o.userId ?? null, localDate, scheduledStart: start, maxDurationMs, lines: { create: lines.map(lineFields) } } });
          await queues.add({ name: "playout", data: { airingId: a.id } }).catch((e: Error) => logger.warn(`air-now ${a.id} left to reconciliation: ${e.message}`));
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
        await queues.remove("playout", jobId(playoutJob(a))).catch(() => {});
        return db.airing.findUniqueOrThrow({ where: { id: a.id } });
      }),
  };
}

function lineFields(l: RundownLinePlan) {
  return {
    position: l.position,
    itemId: l.itemId,
    reason: l.reason,
    reasonVi: l.reasonVi,
    reasonEn: l.reasonEn,
    campaignId: l.campaignId,
    bumped: l.bumped,
    offsetMs: l.offsetMs,
    durationMs: l.durationMs,
  };
}

function lineRow(airingId: number, l: RundownLinePlan) {
  return { airingId, ...lineFields(l) };
}
