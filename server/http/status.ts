// Live status: now playing / next up per zone and queue health, as JSON and as SSE.
import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../app.ts";
import type { LiveEvent } from "../events.ts";
import { whenReady } from "../redis.ts";
import type { ResourceDeps } from "./index.ts";
import { z } from "zod";
import { zv } from "./validate.ts";
import { localDate } from "./common.ts";
import { localDateOf } from "../domain/time.ts";

export async function liveStatus(deps: ResourceDeps) {
  const { db, clock, queues } = deps;
  const now = clock.now();
  const zones = await db.zone.findMany({ where: { enabled: true }, orderBy: { name: "asc" } });
  const airing = await db.airing.findMany({
    where: { status: "airing" },
    include: { lines: { where: { bumped: false }, orderBy: { position: "asc" }, include: { item: { select: { title: true } } } }, program: { select: { name: true } } },
  });
  // Each zone's own next airing, however many airings the other zones have before it (a
  // global "first N" would leave zones without a next): the first start per zone in one
  // GROUP BY over the open airings ahead (index status+scheduledStart), then those rows.
  const open = { status: { in: ["planned", "ready"] }, scheduledStart: { gte: now } };
  const firsts = await db.airing.groupBy({ by: ["zoneId"], where: open, _min: { scheduledStart: true } });
  const candidates = firsts.length
    ? await db.airing.findMany({
        where: { ...open, OR: firsts.map((f) => ({ zoneId: f.zoneId, scheduledStart: f._min.scheduledStart! })) },
        orderBy: [{ scheduledStart: "asc" }, { id: "asc" }],
        include: { program: { select: { name: true } } },
      })
    : [];
  let queue: Record<string, unknown> = {};
  let queueOk = true;
  try {
    if (!(await whenReady(deps.redis, 1000))) throw new Error("Redis is not connected");
    queue = Object.fromEntries(
      await Promise.all(Object.entries(queues.byName).map(async ([n, q]) => [n, await q.getJobCounts("active", "waiting", "delayed", "failed")] as const)),
    );
  } catch {
    queueOk = false;
  }
  return {
    time: now.toISOString(),
    queue: { ok: queueOk, counts: queue },
    zones: zones.map((z) => {
      const cur = airing.find((a) => a.zoneId === z.id);
      let nowPlaying = null;
      if (cur?.actualStart) {
        const elapsed = now.getTime() - cur.actualStart.getTime();
        const line = [...cur.lines].reverse().find((l) => l.offsetMs <= elapsed) ?? cur.lines[0];
        nowPlaying = { airingId: cur.id, program: cur.program?.name ?? null, source: cur.source, startedAt: cur.actualStart, item: line?.item.title ?? null, lineId: line?.id ?? null };
      }
      const n = candidates.find((a) => a.zoneId === z.id);
      return { id: z.id, code: z.code, name: z.name, village: z.village, nowPlaying, nextUp: n ? { airingId: n.id, program: n.program?.name ?? null, scheduledStart: n.scheduledStart, status: n.status } : null };
    }),
  };
}

/**
 * liveStatus shared by the requests and SSE streams of this instance for up to `maxAgeMs`
 * (50 dashboards polling or streaming cost one snapshot, not 50), and never across a live
 * event: any event seen by this instance (a worker's status change, a new plan) starts a
 * fresh snapshot, so a snapshot sent after an event was read after it.
 */
export function sharedLiveStatus(deps: ResourceDeps, maxAgeMs = 500): () => ReturnType<typeof liveStatus> {
  let last: { at: number; value: ReturnType<typeof liveStatus> } | null = null;
  deps.events.subscribe(() => {
    last = null;
  });
  return () => {
    const now = Date.now();
    if (last && now - last.at < maxAgeMs) return last.value;
    const value = liveStatus(deps);
    const entry = { at: now, value };
    last = entry;
    value.catch(() => {
      if (last === entry) last = null;
    });
    return value;
  };
}

/** Today's figures for the dashboard, counted by the report itself (one definition of a play). */
export async function todayCounts(deps: ResourceDeps, date?: string) {
  const tz = (await deps.db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
  const day = date ?? localDateOf(deps.clock.now(), tz);
  const rep = await deps.reports.report({ from: day, to: day }, { now: deps.clock.now(), problemLimit: 0 });
  const t = rep.totals;
  return {
    date: day, programs: t.programs, newsItems: t.newsItems, plays: t.plays, emergencyBroadcasts: t.emergencyBroadcasts,
    faults: t.zoneSessions.fault, missed: t.zoneSessions.missed, stopped: t.zoneSessions.stopped,
    campaigns: rep.campaigns.map((c) => ({ campaignId: c.campaignId, name: c.name, target: c.target, plays: c.plays })),
  };
}

export function statusRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const snapshot = sharedLiveStatus(deps);
  api.get("/status", async (c) => c.json(await snapshot()));
  api.get("/status/counts", zv("query", z.object({ date: localDate.optional() })), async (c) => c.json(await todayCounts(deps, c.req.valid("query").date)));

  api.get("/status/stream", (c) =>
    streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.events.subscribe((e) => {
        queue.push(e);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: "status", data: JSON.stringify(await snapshot()) });
      while (!closed) {
        if (queue.length === 0) {
          // Wait for an event, or send a heartbeat with a fresh snapshot every 15 s.
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 15_000).unref();
          });
          wake = null;
        }
        if (closed) break;
        const batch = queue.splice(0);
        for (const e of batch) await stream.writeSSE({ event: e.type, data: JSON.stringify(e) });
        await stream.writeSSE({ event: "status", data: JSON.stringify(await snapshot()) });
      }
    }),
  );
}
