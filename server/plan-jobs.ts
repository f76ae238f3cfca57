// The render and playout jobs of open airings, kept in step with the database in bulk: one
// Redis pipeline reads every job a pass cares about, one addBulk per queue adds the missing
// ones, instead of a getJob + getState + add (and a database lookup of the zone's worker
// group) per airing. Redis only holds what the database says should happen (DESIGN.md).
import type { Queue } from "bullmq";
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { Queues } from "./queues.ts";
import { jobId, jobOptions, playoutJob, type AnyJob } from "./jobs/catalogue.ts";
import { renderHashOf, type RenderHashLine } from "./render-hash.ts";
import { chunked } from "./db/chunks.ts";

/** An open airing whose jobs should exist. */
export interface JobTarget {
  id: number;
  zoneId: number;
  scheduledStart: Date;
  attempt: number;
  /** The render hash its run-down needs, or null when nothing is to be rendered (rendered
   *  already, no line to air, or a render is not wanted from this caller). */
  render: string | null;
}

export interface EnsureSummary {
  playouts: number;
  renders: number;
  /** Airings whose playout job was (re)created. */
  playoutIds: Set<number>;
  renderIds: Set<number>;
}

type Bulk = { name: string; data: unknown; opts: ReturnType<typeof jobOptions> };
const ADD_CHUNK = 500;
/**
 * Jobs are queued for airings of the next 48 hours only. Reconciliation (each planning tick,
 * every few minutes) queues the others as they come within the window, so the workers can
 * go on airing for two days without a scheduler. A render starts RENDER_LEAD_MINUTES (at
 * most 24 h) before air, and a job made two weeks ahead would mostly be made again after
 * the edits and ingests in between: an edit that moves two weeks of sessions re-times the
 * jobs of two days, not of the whole horizon.
 */
export const JOBS_AHEAD_MS = 48 * 3600_000;
/** The fields of a job's hash ensure() reads. */
const JOB_STATE = ["timestamp", "finishedOn", "processedOn", "data"] as const;
interface JobState {
  exists: boolean;
  /** Ran or runs: a worker has it, or had it. */
  taken: boolean;
  finished: boolean;
  /** When the planner queued it to run (jobs queued otherwise do not say). */
  due: number | undefined;
}

/** A job not taken yet that was queued to run at another time than `due` (its airing moved). */
const mistimed = (s: JobState, due: number) => s.exists && !s.taken && s.due !== undefined && s.due !== due;

export function createJobSync(deps: { db: Db; queues: Queues; config: Config }) {
  const { db, queues, config } = deps;
  const renderJob = (airingId: number, hash: string): AnyJob => ({ name: "render", data: { airingId, hash } });

  /** Zone → worker group, for the playout queue an airing's job lives on (zone affinity). */
  async function groupsOfZones(): Promise<(zoneId: number) => Queue> {
    const groups = new Map((await db.zone.findMany({ select: { id: true, workerGroup: true } })).map((z) => [z.id, z.workerGroup]));
    return (zoneId) => queues.queueFor("playout", groups.get(zoneId) ?? null);
  }

  async function addAll(adds: Map<Queue, Bulk[]>): Promise<void> {
    await Promise.all([...adds].flatMap(([q, jobs]) => chunked(jobs, ADD_CHUNK).map((c) => q.addBulk(c as Parameters<Queue["addBulk"]>[0]))));
  }

  /** Queues the job to run at `due` (at once if that has passed), saying so in its data. */
  function bulk(adds: Map<Queue, Bulk[]>, q: Queue, job: AnyJob, due: number, now: number): void {
    const list = adds.get(q) ?? [];
    list.push({ name: job.name, data: { ...job.data, due }, opts: jobOptions(job, { delay: Math.max(0, due - now) }) });
    adds.set(q, list);
  }

  return {
    /** Adds the render and playout jobs that are missing for airings of the next JOBS_AHEAD_MS;
     *  a finished playout job of an airing still open (it ran before a re-plan) is replaced,
     *  and so is a job queued for another time than its airing's. */
    async ensure(targets: readonly JobTarget[], now: number, o: { renderWithinMs?: number } = {}): Promise<EnsureSummary> {
      const out: EnsureSummary = { playouts: 0, renders: 0, playoutIds: new Set(), renderIds: new Set() };
      if (!targets.length) return out;
      await queues.ready();
      const queueOf = await groupsOfZones();
      const render = queues.byName.render;
      const pipe = queues.connection.pipeline();
      const soon = targets.filter((a) => a.scheduledStart.getTime() - now <= JOBS_AHEAD_MS);
      for (const a of soon) {
        pipe.hmget(queueOf(a.zoneId).toKey(jobId(playoutJob(a.id, a.attempt))), ...JOB_STATE);
        if (a.render) pipe.hmget(render.toKey(jobId(renderJob(a.id, a.render))), ...JOB_STATE);
      }
      const replies = (await pipe.exec()) ?? [];
      const adds = new Map<Queue, Bulk[]>();
      const finished: [Queue, string][] = [];
      const retime: { q: Queue; job: AnyJob; due: number; airingId: number }[] = [];
      let i = 0;
      const stateOf = (): JobState => {
        const [err, state] = replies[i++]!;
        if (err) throw err;
        const [created, finishedOn, processedOn, data] = state as (string | null)[];
        return { exists: !!created, taken: !!processedOn, finished: !!finishedOn, due: data ? (JSON.parse(data) as { due?: number }).due : undefined };
      };
      for (const a of soon) {
        const state = stateOf();
        const due = a.scheduledStart.getTime() - config.PLAYOUT_PREROLL_SECONDS * 1000;
        const q = queueOf(a.zoneId);
        const job = playoutJob(a.id, a.attempt);
        if (!state.exists || state.finished) {
          if (state.finished) finished.push([q, jobId(job)]);
          bulk(adds, q, job, due, now);
          out.playouts++;
          out.playoutIds.add(a.id);
        } else if (mistimed(state, due)) retime.push({ q, job, due, airingId: a.id });
        const ahead = a.scheduledStart.getTime() - now;
        if (!a.render) continue;
        const rstate = stateOf();
        const rdue = a.scheduledStart.getTime() - config.RENDER_LEAD_MINUTES * 60_000;
        const rjob = renderJob(a.id, a.render);
        if (rstate.exists) {
          if (mistimed(rstate, rdue)) retime.push({ q: render, job: rjob, due: rdue, airingId: a.id });
          continue;
        }
        if (o.renderWithinMs !== undefined && ahead <= o.renderWithinMs) continue;
        bulk(adds, render, rjob, rdue, now);
        out.renders++;
        out.renderIds.add(a.id);
      }
      await Promise.all([
        ...finished.map(([q, id]) => q.remove(id)),
        // Queued for another time than the airing's (the airing moved; a playout job's early
        // removal failed): queued again, unless a worker took it meanwhile (remove() gives 0).
        ...retime.map(async ({ q, job, due, airingId }) => {
          if ((await q.remove(jobId(job))) !== 1) return;
          bulk(adds, q, job, due, now);
          const kind = job.name === "render" ? "render" : "playout";
          out[`${kind}s`]++;
          out[`${kind}Ids`].add(airingId);
        }),
      ]);
      await addAll(adds);
      return out;
    },

    /** The playout queue of each zone, for removePlayouts. */
    playoutQueues: groupsOfZones,

    /** Removes the queued playout jobs of airings that will not air as queued (active ones stay
     *  with their worker): the airings whose removal failed, with the error. Given the zones'
     *  queues, its first command (which jobs exist) is on its way once this has been called. */
    async removePlayouts(airings: readonly { id: number; zoneId: number; attempt: number }[], queueOf: (zoneId: number) => Queue): Promise<Map<number, unknown>> {
      const failed = new Map<number, unknown>();
      const jobs = airings.flatMap((a) => [...new Set([queueOf(a.zoneId), queues.byName.playout])].map((q) => ({ a, q, id: jobId(playoutJob(a.id, a.attempt)) })));
      // Most have no job (jobs are queued JOBS_AHEAD_MS ahead): one pipeline finds those that
      // do, instead of a removal script per airing.
      let present = jobs;
      try {
        const pipe = queues.connection.pipeline();
        for (const j of jobs) pipe.exists(j.q.toKey(j.id));
        const replies = (await pipe.exec()) ?? [];
        present = jobs.filter((_, i) => replies[i]?.[0] || replies[i]?.[1]);
      } catch (err) {
        for (const j of jobs) failed.set(j.a.id, err);
        return failed;
      }
      await Promise.all(present.map((j) => j.q.remove(j.id).catch((err: unknown) => void failed.set(j.a.id, err))));
      return failed;
    },

    /** Drops delayed or waiting renders of these airings made for another run-down than the one
     *  they have now (they would only be skipped later). Reads job ids only, not job data. */
    async dropOutdatedRenders(wanted: ReadonlyMap<number, string>): Promise<number> {
      if (!wanted.size) return 0;
      await queues.ready();
      const q = queues.byName.render;
      const [delayed, waiting] = await Promise.all([queues.connection.zrange(q.toKey("delayed"), "0", "-1"), queues.connection.lrange(q.toKey("wait"), 0, -1)]);
      const stale = [...delayed, ...waiting].filter((id) => {
        const m = /^render-(\d+)-(\w+)$/.exec(id);
        const want = m ? wanted.get(Number(m[1])) : undefined;
        return want !== undefined && want !== m![2];
      });
      await Promise.all(stale.map((id) => q.remove(id)));
      return stale.length;
    },
  };
}

export type JobSync = ReturnType<typeof createJobSync>;

/** Render hashes of these airings' run-downs as stored (aired lines in order), in bulk. */
export async function storedRenderHashes(db: Db, airings: readonly { id: number; programId: number | null; maxDurationMs: number }[]): Promise<Map<number, string>> {
  const lines = new Map<number, { reason: string; itemId: number }[]>();
  for (const ids of chunked(airings.map((a) => a.id))) {
    const rows = await db.rundownLine.findMany({ where: { airingId: { in: ids }, bumped: false }, orderBy: [{ airingId: "asc" }, { position: "asc" }], select: { airingId: true, reason: true, itemId: true } });
    for (const r of rows) {
      const l = lines.get(r.airingId) ?? [];
      l.push(r);
      lines.set(r.airingId, l);
    }
  }
  const items = await renderItems(db, [...new Set([...lines.values()].flat().map((l) => l.itemId))]);
  const gaps = await programGaps(db, [...new Set(airings.flatMap((a) => (a.programId ? [a.programId] : [])))]);
  const out = new Map<number, string>();
  for (const a of airings) {
    const l = lines.get(a.id);
    if (!l?.length) continue;
    out.set(a.id, renderHashOf(l.map((x) => ({ reason: x.reason, item: items.get(x.itemId)! })), (a.programId ? gaps.get(a.programId) : undefined) ?? 1000, a.maxDurationMs));
  }
  return out;
}

/** What a render depends on of each item (server/render-hash.ts). */
export async function renderItems(db: Db, ids: readonly number[]): Promise<Map<number, RenderHashLine["item"]>> {
  const out = new Map<number, RenderHashLine["item"]>();
  for (const c of chunked(ids)) {
    for (const i of await db.item.findMany({ where: { id: { in: c } }, select: { id: true, kind: true, durationMs: true, canonicalAsset: { select: { sha256: true } } } })) out.set(i.id, i);
  }
  return out;
}

export async function programGaps(db: Db, ids: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const c of chunked(ids)) for (const p of await db.program.findMany({ where: { id: { in: c } }, select: { id: true, gapMs: true } })) out.set(p.id, p.gapMs);
  return out;
}
