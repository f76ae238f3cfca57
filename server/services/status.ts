// Live status (now playing / next up per zone, queue health) and today's figures.
import { whenReady } from "../redis.ts";
import { localDateOf } from "../domain/time.ts";
import { communeTimeZone } from "./commune.ts";
import type { Deps } from "./deps.ts";

type StatusDeps = Pick<Deps, "db" | "clock" | "queues" | "redis">;

export async function liveStatus(deps: StatusDeps) {
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
export function sharedLiveStatus(deps: StatusDeps & Pick<Deps, "events">, maxAgeMs = 500): () => ReturnType<typeof liveStatus> {
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
export async function todayCounts(deps: Pick<Deps, "db" | "clock" | "reports">, date?: string) {
  const tz = await communeTimeZone(deps);
  const day = date ?? localDateOf(deps.clock.now(), tz);
  const rep = await deps.reports.report({ from: day, to: day }, { now: deps.clock.now(), problemLimit: 0 });
  const t = rep.totals;
  return {
    date: day, programs: t.programs, newsItems: t.newsItems, plays: t.plays, emergencyBroadcasts: t.emergencyBroadcasts,
    faults: t.zoneSessions.fault, missed: t.zoneSessions.missed, stopped: t.zoneSessions.stopped,
    campaigns: rep.campaigns.map((c) => ({ campaignId: c.campaignId, name: c.name, target: c.target, plays: c.plays })),
  };
}
