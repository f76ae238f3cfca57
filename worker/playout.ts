// Playout: airs one airing on its zone's output, on time, and writes the as-run log from
// what the sink actually did. A playout is claimed once in the database (planned/ready →
// airing), so a duplicate job, a retry or a restart can never air a session twice.
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../server/config.ts";
import type { Clock } from "../server/clock.ts";
import type { Db } from "../server/db/client.ts";
import type { EventHub } from "../server/events.ts";
import type { Logger } from "../server/logger.ts";
import type { Storage } from "../server/storage.ts";
import { airDir } from "../server/zones.ts";
import { assertPublicHost } from "../server/relay-url.ts";
import { localDateOf, localTimeOf } from "../server/domain/time.ts";
import { asRunFacts } from "../server/domain/plays.ts";
import { preparePlayout, type PlayoutSegment, type SegmentRecord } from "../audio/player.ts";
import { createSink } from "../audio/sinks/index.ts";
import { ensureSilence } from "../audio/silence.ts";
import type { JobCatalogue } from "./catalogue.ts";
import type { JobContext } from "./index.ts";
import type { PlayoutChannels } from "./channels.ts";
import { loadRenderInput, renderAiring, renderHashOf, saveRender, type RenderDeps } from "./render.ts";

export interface PlayoutDeps extends RenderDeps {
  clock: Clock;
  channels: PlayoutChannels;
  workerId: string;
  /** Called after an airing ends so later sessions of the zone can make good what failed. */
  onAiringEnded?: (a: { airingId: number; zoneId: number; localDate: string }) => Promise<void>;
}

type Tag = { lineId: number; itemId: number; campaignId: number | null; reason: string; categoryId: number | null; priority: string; kind: string; skip?: string };

export function createPlayoutHandler(deps: PlayoutDeps) {
  const { db, config, clock, events, logger, channels } = deps;

  return async (data: JobCatalogue["playout"], ctx: JobContext) => {
    const initial = await db.airing.findUnique({ where: { id: data.airingId }, include: { zone: true } });
    if (!initial || !["planned", "ready"].includes(initial.status)) return { skipped: `airing is ${initial?.status ?? "gone"}` };
    const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;

    const urgent = initial.source === "emergency";
    if (urgent) await channels.interruptZone(initial.zoneId, "emergency", { exceptSource: "emergency" });
    const release = await channels.acquire(initial.zoneId, ctx.signal, { urgent });
    let stopBeat = () => {};
    let ended: { airingId: number; zoneId: number; localDate: string } | null = null;
    // Until the audio starts, an interrupt (emergency) aborts the preparation itself.
    const prep = new AbortController();
    let playout: Awaited<ReturnType<typeof preparePlayout<Tag>>> | null = null;
    channels.setPlaying(initial.zoneId, {
      airingId: initial.id,
      source: initial.source,
      interrupt: (reason) => (playout ? playout.interrupt(reason) : prep.abort(new Error(reason))),
    });
    const signal = AbortSignal.any([ctx.signal, prep.signal]);
    try {
      // Claim: only one worker ever moves an airing from planned/ready to airing.
      const claimed = await db.airing.updateMany({ where: { id: initial.id, status: { in: ["planned", "ready"] } }, data: { status: "airing", workerId: ctx.workerId } });
      if (claimed.count !== 1) return { skipped: "claimed elsewhere" };
      stopBeat = channels.heartbeat(initial.id);
      const scheduledMs = initial.scheduledStart.getTime();
      if (clock.now().getTime() > scheduledMs + config.LATE_GRACE_MINUTES * 60_000) {
        await db.airing.update({ where: { id: initial.id }, data: { status: "missed", statusReason: `Quá ${config.LATE_GRACE_MINUTES} phút so với giờ phát / More than ${config.LATE_GRACE_MINUTES} min late` } });
        events.publish("airing.status", { airingId: initial.id, zoneId: initial.zoneId, status: "missed" });
        return { missed: true };
      }

      // Render now if the ahead-of-time render did not happen or is stale (stream copy: fast).
      let airing = (await loadRenderInput(db, initial.id))!;
      const hash = renderHashOf(airing.lines, airing.program?.gapMs ?? 1000, airing.maxDurationMs);
      if (airing.renderHash !== hash || !airing.renderAssetId) {
        const tmp = deps.storage.tmpPath(".mp3");
        try {
          const { result, lines } = await renderAiring(airing, tmp, deps, signal);
          await saveRender(deps, airing.id, hash, tmp, lines, result.durationMs);
        } finally {
          fs.rmSync(tmp, { force: true });
        }
        airing = (await loadRenderInput(db, initial.id))!;
      }
      const render = await db.audioAsset.findUniqueOrThrow({ where: { id: airing.renderAssetId! } });
      const renderPath = deps.storage.abs(render.path);
      const items = await db.item.findMany({ where: { id: { in: airing.lines.map((l) => l.item.id) } }, select: { id: true, categoryId: true, priority: true, kind: true } });
      const itemInfo = new Map(items.map((i) => [i.id, i]));
      const silenceDir = path.join(config.dataDir, "cache", "silence");

      // Each line's segment runs to the next line's start, so gaps between items air too.
      const placed = airing.lines.filter((l) => l.durationMs > 0).sort((a, b) => a.offsetMs - b.offsetMs);
      const segments: PlayoutSegment<Tag>[] = [];
      for (const [i, l] of placed.entries()) {
        const info = itemInfo.get(l.item.id);
        const tag: Tag = { lineId: l.id, itemId: l.item.id, campaignId: l.campaignId, reason: l.reason, categoryId: info?.categoryId ?? null, priority: info?.priority ?? "normal", kind: l.item.kind };
        const endMs = placed[i + 1]?.offsetMs;
        if (l.item.kind === "relay" && l.item.relayUrl) {
          const placeholder = (await ensureSilence(l.durationMs, { cacheDir: silenceDir })).path;
          // The host is checked again now: DNS may point somewhere else than when it was saved.
          const refused = await assertPublicHost(new URL(l.item.relayUrl), config.RELAY_ALLOW_PRIVATE).then(
            () => null,
            (e: Error) => e.message,
          );
          if (refused) segments.push({ kind: "file", path: placeholder, tag: { ...tag, skip: refused } });
          else segments.push({ kind: "relay", url: l.item.relayUrl, durationMs: l.durationMs, fallbackPath: placeholder, tag });
          if (endMs !== undefined && endMs > l.offsetMs + l.durationMs) segments.push({ kind: "file", path: renderPath, startMs: l.offsetMs + l.durationMs, endMs, tag: { ...tag, lineId: -1 } });
        } else {
          segments.push({ kind: "file", path: renderPath, startMs: l.offsetMs, endMs, tag });
        }
      }

      const output: Record<string, unknown> = { ...JSON.parse(initial.zone.outputConfig), kind: initial.zone.outputKind };
      if (output.kind === "file") output.dir = path.join(airDir(config.dataDir), String(output.dir ?? "default"));
      const stamp = `${localDateOf(initial.scheduledStart, tz)}_${localTimeOf(initial.scheduledStart, tz).replace(":", "")}`;
      const sink = createSink(output as Parameters<typeof createSink>[0], { fileName: `${stamp}_airing-${initial.id}.mp3`, logger: { debug: (m) => logger.debug(m), warn: (m) => logger.warn(m) } });

      const asRunSource = (reason: string) => (initial.source === "schedule" && (reason === "make_good" || reason === "campaign") ? (reason === "make_good" ? "make_good" : "schedule") : initial.source);
      const rows = new Map<number, Promise<number>>();
      // Every as-run write is awaited before the airing is closed; a failed write is logged
      // and the row is closed by housekeeping instead of crashing the process.
      const writes: Promise<unknown>[] = [];
      const track = (p: Promise<unknown>) => writes.push(p.catch((e: Error) => logger.error(`as-run write for airing ${initial.id} failed`, e)));
      let firstStart: number | null = null;
      if (signal.aborted) throw signal.reason;
      playout = await preparePlayout<Tag>({
        segments,
        sink,
        speed: initial.zone.outputKind === "file" ? config.FILE_SINK_SPEED : 1,
        clock: { now: () => clock.now().getTime() },
        logger: { debug: (m) => logger.debug(m), warn: (m) => logger.warn(m) },
        onSegmentStart: (e) => {
          if (firstStart === null) {
            firstStart = e.actualStartMs;
            track(db.airing.update({ where: { id: initial.id }, data: { actualStart: new Date(e.actualStartMs) } }));
            events.publish("airing.status", { airingId: initial.id, zoneId: initial.zoneId, status: "airing" });
          }
          if (e.tag.lineId < 0) return;
          // The row exists from the first frame ("playing"), so a crash leaves a trace
          // that recovery closes as interrupted.
          const row = db.asRun
            .create({
              data: {
                airingId: initial.id, zoneId: initial.zoneId, itemId: e.tag.itemId, rundownLineId: e.tag.lineId, categoryId: e.tag.categoryId, priority: e.tag.priority, itemKind: e.tag.kind, campaignId: e.tag.campaignId,
                localDate: localDateOf(e.actualStartMs, tz), scheduledStart: new Date(scheduledMs + (placed.find((l) => l.id === e.tag.lineId)?.offsetMs ?? 0)), actualStart: new Date(e.actualStartMs),
                status: "playing", source: asRunSource(e.tag.reason), workerId: ctx.workerId,
                ...asRunFacts(initial, { reason: e.tag.reason, durationMs: placed.find((l) => l.id === e.tag.lineId)?.durationMs }),
              },
            })
            .then((r) => r.id);
          rows.set(e.index, row);
          track(row);
          events.publish("airing.now", { airingId: initial.id, zoneId: initial.zoneId, itemId: e.tag.itemId, lineId: e.tag.lineId });
        },
        onSegmentEnd: (r: SegmentRecord<Tag>) => {
          if (r.tag.lineId < 0 || r.status === "not_played") return;
          track(endSegment(r));
        },
      });
      const endSegment = async (r: SegmentRecord<Tag>) => {
        const played = r.status === "completed" || r.status === "interrupted" || r.status === "failed" || r.status === "skipped" ? r.status : "failed";
        // A refused relay aired its silent placeholder: that is a skip, not a play.
        const status = r.tag.skip && played === "completed" ? "skipped" : played;
        const existing = rows.get(r.index);
        const data = { status, actualEnd: r.actualEndMs ? new Date(r.actualEndMs) : null, durationMs: Math.round(r.playedMs), note: r.tag.skip ?? r.reason ?? (r.source === "fallback" ? "relay fallback" : "") };
        if (existing) {
          await db.asRun.update({ where: { id: await existing }, data });
          return;
        }
        // A segment that never started (e.g. a relay that could not be pulled) is logged as skipped.
        const at = r.actualStartMs ?? clock.now().getTime();
        await db.asRun.create({
          data: {
            airingId: initial.id, zoneId: initial.zoneId, itemId: r.tag.itemId, rundownLineId: r.tag.lineId, categoryId: r.tag.categoryId, priority: r.tag.priority, itemKind: r.tag.kind, campaignId: r.tag.campaignId,
            localDate: localDateOf(at, tz), scheduledStart: initial.scheduledStart, actualStart: new Date(at), source: asRunSource(r.tag.reason), workerId: ctx.workerId, ...data,
          },
        });
      };

      const live = playout;
      const onAbort = () => live.interrupt("worker shutdown");
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      if (prep.signal.aborted) {
        await live.dispose(String(prep.signal.reason));
        throw prep.signal.reason;
      }
      let result;
      try {
        result = await live.startAt(Math.max(scheduledMs, clock.now().getTime() + 50));
      } finally {
        ctx.signal.removeEventListener("abort", onAbort);
        channels.setPlaying(initial.zoneId, null);
      }
      await Promise.all(writes);
      const status = result.outcome === "completed" ? "aired" : result.outcome;
      await db.airing.update({
        where: { id: initial.id },
        data: { status, statusReason: result.reason ?? "", actualStart: result.actualStartMs ? new Date(result.actualStartMs) : null, actualEnd: result.actualEndMs ? new Date(result.actualEndMs) : null },
      });
      events.publish("airing.status", { airingId: initial.id, zoneId: initial.zoneId, status, latenessMs: result.latenessMs });
      logger.info(`airing ${initial.id} on ${initial.zone.code}: ${status}, late ${result.latenessMs ?? "?"} ms`);
      ended = { airingId: initial.id, zoneId: initial.zoneId, localDate: initial.localDate };
      return { status, latenessMs: result.latenessMs };
    } catch (err) {
      // Never leave an airing stuck in "airing": the record says what happened. Pre-empted
      // before its first frame, it is interrupted (nothing aired); otherwise failed.
      const preempted = prep.signal.aborted;
      const status = preempted ? "interrupted" : "failed";
      const reason = preempted ? `Bị ngắt trước giờ phát / Pre-empted before air: ${String(prep.signal.reason)}` : String((err as Error).message);
      await db.airing.updateMany({ where: { id: initial.id, status: "airing" }, data: { status, statusReason: reason.slice(0, 500), actualEnd: clock.now() } });
      await db.asRun.updateMany({ where: { airingId: initial.id, status: "playing" }, data: { status: "interrupted", actualEnd: clock.now() } });
      events.publish("airing.status", { airingId: initial.id, zoneId: initial.zoneId, status });
      ended = { airingId: initial.id, zoneId: initial.zoneId, localDate: initial.localDate };
      if (preempted) return { status };
      throw err;
    } finally {
      stopBeat();
      channels.setPlaying(initial.zoneId, null);
      release();
      if (initial.emergencyId) {
        // A one-off emergency ends when its last airing is over, whatever the outcome.
        await db.emergency
          .updateMany({
            where: { id: initial.emergencyId, status: "active", repeatEveryMin: null, airings: { none: { status: { in: ["planned", "ready", "airing"] } } } },
            data: { status: "ended", endedAt: clock.now() },
          })
          .catch((e: Error) => logger.warn(`emergency ${initial.emergencyId} not closed: ${e.message}`));
      }
      // Re-plan after the zone is free, so a waiting emergency is not held up by it.
      if (ended) await deps.onAiringEnded?.(ended).catch((e: Error) => logger.warn(`re-plan after airing failed: ${e.message}`));
    }
  };
}

/**
 * Recovery after a crash: an airing left "airing" whose playout job is no longer active
 * in any worker is closed as interrupted; items that were playing are marked interrupted.
 */
export async function closeOrphanedAirings(db: Db, isActive: (airingId: number) => Promise<boolean>): Promise<number> {
  const stuck = await db.airing.findMany({ where: { status: "airing" }, include: { asRuns: { orderBy: { actualStart: "desc" }, take: 1 } } });
  let closed = 0;
  for (const a of stuck) {
    if (await isActive(a.id)) continue;
    const last = a.asRuns[0];
    const lastEnd = last?.actualEnd ?? last?.actualStart ?? a.actualStart ?? null;
    // Guarded on "airing": a playout that finished since the read keeps its own outcome.
    const done = await db.$transaction(async (tx) => {
      const n = await tx.airing.updateMany({ where: { id: a.id, status: "airing" }, data: { status: "interrupted", statusReason: "Tiến trình phát bị dừng đột ngột / The playout worker stopped unexpectedly", actualEnd: lastEnd } });
      if (n.count === 0) return false;
      await tx.asRun.updateMany({ where: { airingId: a.id, status: "playing" }, data: { status: "interrupted", note: "worker stopped during playout" } });
      return true;
    });
    if (done) closed++;
  }
  return closed;
}
