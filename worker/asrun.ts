// The as-run log of one playout attempt, written from what the player reports: a row from
// each item's first frame ("playing", so a crash leaves a trace that recovery closes at the
// last heartbeat), closed when its audio ends. Gaps between items are not logged.
import type { Db } from "../server/db/client.ts";
import type { EventHub } from "../server/events.ts";
import type { Logger } from "../server/logger.ts";
import { localDateOf } from "../server/domain/time.ts";
import { asRunFacts, PARTIAL_PLAY_FRACTION, type SessionAiring } from "../server/domain/plays.ts";
import type { SegmentRecord, SegmentStartEvent } from "../audio/player.ts";
import type { StartGate } from "./start-gate.ts";

export type Tag = { lineId: number; itemId: number; campaignId: number | null; reason: string; categoryId: number | null; priority: string; kind: string; offsetMs: number; durationMs: number; skip?: string };

const deliveredMs = (r: SegmentRecord<Tag>) => Math.max(0, Math.round(r.playedMs - (r.lostMs ?? 0)));

/**
 * An item the output lost part of (Icecast restart, network blip) is a play only if listeners
 * got as much of it as a play needs (the rule of server/domain/plays.ts): otherwise it is
 * interrupted with what did reach them, or failed if nothing did, so it can be made good.
 */
function withLoss(status: string, r: SegmentRecord<Tag>): string {
  if (!(r.lostMs > 0) || (status !== "completed" && status !== "failed")) return status;
  const delivered = deliveredMs(r);
  if (delivered <= 0) return "failed";
  return delivered >= r.plannedMs * PARTIAL_PLAY_FRACTION ? "completed" : "interrupted";
}

export interface AsRunWriter {
  onSegmentStart(e: SegmentStartEvent<Tag>): void;
  onSegmentEnd(r: SegmentRecord<Tag>): void;
  /** Records a stretch the output could not carry (sink onDropout). */
  onDropout(d: { startMs: number; endMs: number; reason: string }): void;
  /** Epoch ms of this attempt's first frame, if any. */
  readonly firstFrameMs: number | null;
  /** Waits for every write (failed ones are logged, and closed later by recovery). */
  flush(): Promise<void>;
}

export function createAsRunWriter(deps: {
  db: Db;
  events: EventHub;
  logger: Logger;
  tz: string;
  airing: SessionAiring & { zoneId: number };
  workerId: string;
  now: () => number;
  /** Writes caused by a start wait until every start due around it has gone out. */
  gate?: Pick<StartGate, "settled">;
}): AsRunWriter {
  const { db, events, logger, tz, airing, workerId } = deps;
  const scheduledMs = airing.scheduledStart.getTime();
  const rows = new Map<number, Promise<number>>();
  const writes: Promise<unknown>[] = [];
  const track = (p: Promise<unknown>) => writes.push(p.catch((e: Error) => logger.error(`as-run write for airing ${airing.id} failed`, e)));
  const sourceOf = (reason: string) => (airing.source === "schedule" && (reason === "make_good" || reason === "campaign") ? (reason === "make_good" ? "make_good" : "schedule") : airing.source);
  const rowFacts = (t: Tag) => ({
    airingId: airing.id, zoneId: airing.zoneId, itemId: t.itemId, rundownLineId: t.lineId, categoryId: t.categoryId, priority: t.priority, itemKind: t.kind, campaignId: t.campaignId,
    scheduledStart: new Date(scheduledMs + t.offsetMs), source: sourceOf(t.reason), workerId,
    ...asRunFacts(airing, { reason: t.reason, durationMs: t.durationMs }),
  });
  let firstFrameMs: number | null = null;
  const afterStarts = () => deps.gate?.settled() ?? Promise.resolve();

  async function close(r: SegmentRecord<Tag>) {
    const played = r.status === "completed" || r.status === "interrupted" || r.status === "failed" || r.status === "skipped" ? r.status : "failed";
    // A refused relay aired its silent placeholder: that is a skip, not a play.
    const status = r.tag.skip && played === "completed" ? "skipped" : withLoss(played, r);
    // The row's length is what reached listeners: audio discarded while the output was down is not air time.
    const data = { status, actualEnd: r.actualEndMs ? new Date(r.actualEndMs) : null, durationMs: deliveredMs(r), note: r.tag.skip ?? r.reason ?? (r.source === "fallback" ? "relay fallback" : "") };
    const existing = rows.get(r.index);
    if (existing) {
      await db.asRun.update({ where: { id: await existing }, data });
      return;
    }
    // A segment that never started (e.g. a relay that could not be pulled) is logged as skipped.
    const at = r.actualStartMs ?? deps.now();
    await db.asRun.create({ data: { ...rowFacts(r.tag), localDate: localDateOf(at, tz), actualStart: new Date(at), ...data } });
  }

  return {
    get firstFrameMs() {
      return firstFrameMs;
    },
    onSegmentStart(e) {
      if (firstFrameMs === null) {
        firstFrameMs = e.actualStartMs;
        // The airing's actual start is its FIRST frame ever: a resumed attempt keeps it.
        // Live events go out once the rows they announce are written: a dashboard (or an API
        // instance's status snapshot) that reads on the event then finds them.
        const started = afterStarts().then(() => db.airing.updateMany({ where: { id: airing.id, actualStart: null }, data: { actualStart: new Date(e.actualStartMs) } }));
        track(started.finally(() => events.publish("airing.status", { airingId: airing.id, zoneId: airing.zoneId, status: "airing" })));
      }
      if (e.tag.lineId < 0) return;
      const row = afterStarts()
        .then(() => db.asRun.create({ data: { ...rowFacts(e.tag), localDate: localDateOf(e.actualStartMs, tz), actualStart: new Date(e.actualStartMs), status: "playing" } }))
        .then((r) => r.id);
      rows.set(e.index, row);
      track(row.finally(() => events.publish("airing.now", { airingId: airing.id, zoneId: airing.zoneId, itemId: e.tag.itemId, lineId: e.tag.lineId })));
    },
    onSegmentEnd(r) {
      if (r.tag.lineId < 0 || r.status === "not_played") return;
      track(close(r));
    },
    onDropout(d) {
      logger.warn(`airing ${airing.id}: dropout ${d.endMs - d.startMs} ms (${d.reason})`);
      track(db.airingDropout.create({ data: { airingId: airing.id, zoneId: airing.zoneId, startedAt: new Date(d.startMs), endedAt: new Date(d.endMs), reason: d.reason.slice(0, 500) } }));
    },
    async flush() {
      // Writes may be added while earlier ones settle (a row's close awaits its create).
      for (let n = 0; n !== writes.length; ) {
        n = writes.length;
        await Promise.all(writes);
      }
    },
  };
}
