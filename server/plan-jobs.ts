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
 * Renders are queued for airings of the next 48 hours only: the render starts
 * RENDER_LEAD_MINUTES (at most 24 h) before air, and a file made two weeks ahead would
 * mostly be made again after the edits and ingests in between. Reconciliation (each
 * planning tick) queues the others as they come within the window.
 */
export const RENDER_AHEAD_MS = 48 * 3600_000;

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

  function bulk(adds: Map<Queue, Bulk[]>, q: Queue, job: AnyJob, delay: number): void {
    const list = adds.get(q) ?? [];
    list.push({ name: job.name, data: job.data, opts: jobOptions(job, { delay }) });
    adds.set(q, list);
  }

  return {
    /** Adds the render and playout jobs that are missing; a finished playout job of an airing
     *  still open (it ran before a re-plan) is replaced. */
    async ensure(targets: readonly JobTarget[], now: number, o: { renderWithinMs?: number } = {}): Promise<EnsureSummary> {
      const out: EnsureSummary = { playouts: 0, renders: 0, playoutIds: new Set(), renderIds: new Set() };
      if (!targets.length) return out;
      await queues.ready();
      const queueOf = await groupsOfZones();
      const render = queues.byName.render;
      const pipe = queues.connection.pipeline();
      for (const a of targets) {
        pipe.hmget(queueOf(a.zoneId).toKey(jobId(playoutJob(a.id, a.attempt))), "timestamp", "finishedOn");
        if (a.render && a.scheduledStart.getTime() - now <= RENDER_AHEAD_MS) pipe.exists(render.toKey(jobId(renderJob(a.id, a.render))));
      }
      const replies = (await pipe.exec()) ?? [];
      const adds = new Map<Queue, Bulk[]>();
      const finished: [Queue, string][] = [];
      let i = 0;
      for (const a of targets) {
        const [err, state] = replies[i++]!;
        if (err) throw err;
        const [created, finishedOn] = state as [string | null, string | null];
        if (!created || finishedOn) {
          const q = queueOf(a.zoneId);
          if (finishedOn) finished.push([q, jobId(playoutJob(a.id, a.attempt))]);
          bulk(adds, q, playoutJob(a.id, a.attempt), Math.max(0, a.scheduledStart.getTime() - config.PLAYOUT_PREROLL_SECONDS * 1000 - now));
          out.playouts++;
          out.playoutIds.add(a.id);
        }
        const ahead = a.scheduledStart.getTime() - now;
        if (!a.render || ahead > RENDER_AHEAD_MS) continue;
        const [rerr, exists] = replies[i++]!;
        if (rerr) throw rerr;
        if (exists || (o.renderWithinMs !== undefined && ahead <= o.renderWithinMs)) continue;
        bulk(adds, render, renderJob(a.id, a.render), Math.max(0, a.scheduledStart.getTime() - config.RENDER_LEAD_MINUTES * 60_000 - now));
        out.renders++;
        out.renderIds.add(a.id);
      }
      await Promise.all(finished.map(([q, id]) => q.remove(id)));
      await addAll(adds);
      return out;
    },

    /** The playout queue of each zone, for removePlayouts. */
    playoutQueues: groupsOfZones,

    /** Removes the queued playout jobs of airings that will not air (active ones stay with their
     *  worker): the airings whose removal failed, with the error. Given the zones' queues, its
     *  commands are on their way when this returns. */
    async removePlayouts(airings: readonly { id: number; zoneId: number; attempt: number }[], queueOf: (zoneId: number) => Queue): Promise<Map<number, unknown>> {
      const failed = new Map<number, unknown>();
      const removals = airings.flatMap((a) => [...new Set([queueOf(a.zoneId), queues.byName.playout])].map((q) => q.remove(jobId(playoutJob(a.id, a.attempt))).catch((err: unknown) => void failed.set(a.id, err))));
      await Promise.all(removals);
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
