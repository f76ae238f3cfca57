// Playout: airs one airing on its zone's output, on time, and writes the as-run log from
// what the sink actually did.
//
// The claim is a lease (server/airing-lease.ts): one conditional update moves an open airing to
// "airing" for this attempt, so a duplicate job, a retry or a restart can never air a
// session twice; the lease is renewed while the attempt lives and is given back when it
// cannot finish (drain before air, shutdown mid-session). Within one attempt:
//   wait for the zone (at most until the deadline) → prepare (render if needed, open the
//   output) → air what is left (worker/resume.ts) → record the outcome.
// An emergency that takes the zone before air or mid-way does not end the airing: the
// attempt gives the zone up, waits for it again and airs late within LATE_GRACE_MINUTES
// (nothing aired yet) or resumes within the session window (cut mid-way); only past those
// is the airing missed / interrupted, with the reason.
import fs from "node:fs";
import path from "node:path";
import type { Clock } from "../server/clock.ts";
import { withLogContext, type Logger } from "../server/logger.ts";
import { airDir } from "../server/zones.ts";
import { assertPublicHost } from "../server/relay-url.ts";
import { localDateOf, localTimeOf } from "../server/domain/time.ts";
import { preparePlayout, type PlayoutSegment } from "../audio/player.ts";
import { createSink } from "../audio/sinks/index.ts";
import { ensureSilence } from "../audio/silence.ts";
import type { JobHandler } from "../server/jobs/catalogue.ts";
import type { JobContext } from "./index.ts";
import type { PlayoutChannels } from "../server/playout-channels.ts";
import { renderHashOf } from "../server/render-hash.ts";
import { loadRenderInput, renderAiring, saveRender, type RenderDeps } from "./render.ts";
import { claimAiring, holdLease, OPEN_STATUSES, releaseAiring, renewLease, sessionWindowEnd, WORKER_STOPPED_REASON } from "../server/airing-lease.ts";
import { linesToAir, timeline } from "./resume.ts";
import { createAsRunWriter, type Tag } from "./asrun.ts";
import { StartGate } from "./start-gate.ts";

export interface PlayoutDeps extends RenderDeps {
  clock: Clock;
  channels: PlayoutChannels;
  workerId: string;
  /** Called after an airing ends so later sessions of the zone can make good what failed.
   *  It should only REQUEST a (coalesced) re-plan: the playout does not wait for planning. */
  onAiringEnded?: (a: { airingId: number; zoneId: number; localDate: string }) => Promise<void>;
  /** Queues the next attempt of a released airing (drain, shutdown mid-session). */
  requeue?: (airingId: number, attempt: number) => Promise<unknown>;
  /** An output that could not be opened by air time + grace (alerts: output_down). */
  onOutputDown?: (a: { airingId: number; zoneId: number; reason: string }) => Promise<void>;
}

type AiringRow = NonNullable<Awaited<ReturnType<typeof loadAiring>>>;

/** How one attempt at the zone ended. */
type Step =
  | { kind: "done"; status: "aired" | "interrupted" | "failed" | "cancelled"; reason: string; endMs: number | null }
  | { kind: "preempted"; reason: string } // an emergency took the zone: wait and go on
  | { kind: "release"; reason: string } // drain before air / shutdown: another attempt goes on
  | { kind: "lost" }; // the lease was taken away: not ours any more

/** Interrupt reasons that hand the airing on instead of ending it. */
const PREEMPT = "emergency";
const DRAIN = "worker draining";
const SHUTDOWN = "worker shutdown";
const LEASE_LOST = "lease lost";
/** After a pre-emption, the emergency queues for the zone before this attempt asks again. */
const REQUEUE_PAUSE_MS = 500;

function loadAiring(deps: PlayoutDeps, id: number) {
  return deps.db.airing.findUnique({ where: { id }, include: { zone: true } });
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export function createPlayoutHandler(deps: PlayoutDeps): JobHandler<"playout", JobContext> {
  const { db, config, clock, events, logger, channels } = deps;
  // One per handler, i.e. per process: every zone this event loop airs.
  const gate = new StartGate(() => clock.now().getTime());

  return async (data, ctx) => {
    const initial = await loadAiring(deps, data.airingId);
    if (!initial || !OPEN_STATUSES.includes(initial.status)) return { skipped: `airing is ${initial?.status ?? "gone"}` };
    // Every line logged while this airing is handled names it and its zone, whoever logs it.
    return withLogContext({ airingId: initial.id, zoneId: initial.zoneId, zone: initial.zone.code }, () => air(initial, ctx));
  };

  async function air(initial: AiringRow, ctx: JobContext) {
    const owner = await claimAiring(db, clock, initial.id, ctx.workerId);
    if (!owner) return { skipped: "claimed elsewhere" };
    const lease = holdLease(db, clock, initial.id, owner, logger, () => gate.busy());
    const stopBeat = channels.heartbeat(initial.id);
    const drain = ctx.drain ?? new AbortController().signal;
    const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
    const scheduledMs = initial.scheduledStart.getTime();
    const graceEnd = scheduledMs + config.LATE_GRACE_MINUTES * 60_000;
    const urgent = initial.source === "emergency";
    const ended = { airingId: initial.id, zoneId: initial.zoneId, localDate: initial.localDate };
    let cutReason = initial.actualStart ? initial.statusReason || WORKER_STOPPED_REASON : "";
    let outcome: { status: string; reason: string; endMs: number | null } | null = null;
    try {
      if (urgent) await channels.interruptZone(initial.zoneId, PREEMPT, { exceptSource: "emergency" });
      for (;;) {
        const started = (await db.airing.findUniqueOrThrow({ where: { id: initial.id }, select: { actualStart: true } })).actualStart !== null;
        // Nothing aired yet: air late within grace. Cut mid-way: resume within the session window.
        const deadline = started ? sessionWindowEnd(initial) : graceEnd;
        if (clock.now().getTime() > deadline) {
          outcome = started
            ? { status: "interrupted", reason: cutReason || WORKER_STOPPED_REASON, endMs: null }
            : { status: "missed", reason: `Quá ${config.LATE_GRACE_MINUTES} phút so với giờ phát / More than ${config.LATE_GRACE_MINUTES} min late${cutReason ? ` (${cutReason})` : ""}`, endMs: null };
          break;
        }
        const step = await atTheZone(initial, { owner, lease: lease.lost, drain, ctx, tz, deadline, started });
        if (step.kind === "lost") return { lost: true };
        if (step.kind === "release") {
          const attempt = await releaseAiring(db, initial.id, owner, started ? cutReason : "");
          if (attempt !== null) {
            logger.info(`airing ${initial.id} released (${step.reason}); attempt ${attempt + 1} queued`);
            await deps.requeue?.(initial.id, attempt).catch((e: Error) => logger.warn(`airing ${initial.id}: next attempt left to the lease sweep: ${e.message}`));
          }
          return { released: step.reason };
        }
        if (step.kind === "preempted") {
          cutReason = step.reason;
          await sleep(REQUEUE_PAUSE_MS, AbortSignal.any([ctx.signal, lease.lost]));
          continue;
        }
        outcome = { status: step.status, reason: step.reason, endMs: step.endMs };
        break;
      }
      const n = await db.airing.updateMany({
        where: { id: initial.id, status: "airing", leaseOwner: owner },
        data: { status: outcome.status, statusReason: outcome.reason.slice(0, 500), ...(outcome.endMs ? { actualEnd: new Date(outcome.endMs) } : {}), leaseOwner: null, leaseUntil: null },
      });
      if (n.count) {
        // Lateness against the scheduled second, from the airing's first frame ever.
        const first = (await db.airing.findUnique({ where: { id: initial.id }, select: { actualStart: true } }))?.actualStart;
        events.publish("airing.status", { airingId: initial.id, zoneId: initial.zoneId, status: outcome.status, latenessMs: first ? first.getTime() - scheduledMs : null });
      }
      return { status: outcome.status };
    } catch (err) {
      // Never leave an airing stuck in "airing": the record says what happened.
      await db.airing.updateMany({ where: { id: initial.id, status: "airing", leaseOwner: owner }, data: { status: "failed", statusReason: String((err as Error).message).slice(0, 500), actualEnd: clock.now(), leaseOwner: null, leaseUntil: null } });
      await db.asRun.updateMany({ where: { airingId: initial.id, status: "playing" }, data: { status: "interrupted", actualEnd: clock.now() } });
      events.publish("airing.status", { airingId: initial.id, zoneId: initial.zoneId, status: "failed" });
      outcome = { status: "failed", reason: "", endMs: null };
      throw err;
    } finally {
      lease.stop();
      stopBeat();
      if (outcome && initial.emergencyId) {
        // A one-off emergency ends when its last airing is over, whatever the outcome.
        await db.emergency
          .updateMany({
            where: { id: initial.emergencyId, status: "active", repeatEveryMin: null, airings: { none: { status: { in: ["planned", "ready", "airing"] } } } },
            data: { status: "ended", endedAt: clock.now() },
          })
          .catch((e: Error) => logger.warn(`emergency ${initial.emergencyId} not closed: ${e.message}`));
      }
      // Ask for a re-plan (make-goods) once the zone is free; planning is not done here.
      if (outcome) await deps.onAiringEnded?.(ended).catch((e: Error) => logger.warn(`re-plan request after airing failed: ${e.message}`));
    }
  }

  /** Holds the zone for one go at airing what is left. */
  async function atTheZone(
    initial: AiringRow,
    o: { owner: string; lease: AbortSignal; drain: AbortSignal; ctx: JobContext; tz: string; deadline: number; started: boolean },
  ): Promise<Step> {
    const urgent = initial.source === "emergency";
    const waitLimit = AbortSignal.timeout(Math.max(1, o.deadline - clock.now().getTime()));
    let release: () => void;
    try {
      release = await channels.acquire(initial.zoneId, AbortSignal.any([o.ctx.signal, o.lease, o.drain, waitLimit]), { urgent });
    } catch (err) {
      if (o.lease.aborted) return { kind: "lost" };
      if (o.drain.aborted || o.ctx.signal.aborted) return { kind: "release", reason: DRAIN };
      if (waitLimit.aborted) return { kind: "preempted", reason: "cụm loa bận / zone busy" }; // the loop sees the deadline passed
      throw err;
    }
    // An emergency cancelled while this airing waited for the zone does not air at all.
    if (initial.emergencyId && (await db.emergency.findUnique({ where: { id: initial.emergencyId }, select: { status: true } }))?.status === "cancelled") {
      release();
      return { kind: "done", status: "cancelled", reason: "Đã hủy phát khẩn cấp / Emergency cancelled", endMs: null };
    }
    // Until the audio starts, an interrupt aborts the preparation itself.
    const prep = new AbortController();
    let interruptReason: string | null = null;
    let live: Awaited<ReturnType<typeof preparePlayout<Tag>>> | null = null;
    let opening: { abort(reason: string): Promise<void> } | null = null;
    let firstFrame = false;
    let startedNow = () => {};
    const interrupt = (reason: string) => {
      interruptReason ??= reason;
      if (live) return live.interrupt(reason);
      prep.abort(new Error(reason));
      // An output still retrying its open (down until air + grace) gives up at once.
      void opening?.abort(reason).catch(() => undefined);
    };
    channels.setPlaying(initial.zoneId, { airingId: initial.id, source: initial.source, interrupt });
    // Drain: an airing not yet on air is handed on at once; one on air finishes (until the hard stop).
    const onDrain = () => !firstFrame && interrupt(DRAIN);
    const onStop = () => interrupt(SHUTDOWN);
    const onLost = () => interrupt(LEASE_LOST);
    o.drain.addEventListener("abort", onDrain, { once: true });
    o.ctx.signal.addEventListener("abort", onStop, { once: true });
    o.lease.addEventListener("abort", onLost, { once: true });
    if (o.drain.aborted) onDrain();
    if (o.ctx.signal.aborted) onStop();
    if (o.lease.aborted) onLost();
    const handOn = (): Step | null => {
      const r = interruptReason;
      if (r === null) return null;
      if (r === LEASE_LOST) return { kind: "lost" };
      if (r === DRAIN || r === SHUTDOWN || r === "shutdown") return { kind: "release", reason: r };
      if (r === PREEMPT) return { kind: "preempted", reason: r };
      return null;
    };
    try {
      const plan = await preparedSegments(initial, prep.signal);
      if (!plan) return { kind: "done", status: "aired", reason: "", endMs: clock.now().getTime() }; // everything aired already
      const writer = createAsRunWriter({ db, events, logger, tz: o.tz, airing: initial, workerId: o.ctx.workerId, now: () => clock.now().getTime(), gate });
      const output: Record<string, unknown> = { ...JSON.parse(initial.zone.outputConfig), kind: initial.zone.outputKind };
      if (output.kind === "file") output.dir = path.join(airDir(config.dataDir), String(output.dir ?? "default"));
      const stamp = `${localDateOf(initial.scheduledStart, o.tz)}_${localTimeOf(initial.scheduledStart, o.tz).replace(":", "")}`;
      const sink = createSink(output as Parameters<typeof createSink>[0], {
        fileName: `${stamp}_airing-${initial.id}.mp3`,
        logger: { debug: (m) => logger.debug(m), warn: (m) => logger.warn(m) },
        openDeadlineMs: o.deadline,
        onDropout: (d) => writer.onDropout(d),
        clock: { now: () => clock.now().getTime() },
      });
      if (prep.signal.aborted) return handOn() ?? { kind: "done", status: "interrupted", reason: String(interruptReason), endMs: null };
      opening = sink;
      try {
        live = await preparePlayout<Tag>({
          segments: plan,
          sink,
          speed: initial.zone.outputKind === "file" ? config.FILE_SINK_SPEED : 1,
          clock: { now: () => clock.now().getTime() },
          logger: { debug: (m) => logger.debug(m), warn: (m) => logger.warn(m) },
          onSegmentStart: (e) => {
            firstFrame = true;
            startedNow();
            writer.onSegmentStart(e);
            // A heartbeat at each item's start: after a crash the cut row ends at the last
            // heartbeat, which is then never before the row's own start.
            if (e.tag.lineId >= 0) void gate.settled().then(() => renewLease(db, clock, initial.id, o.owner)).catch(() => undefined);
          },
          onSegmentEnd: (r) => writer.onSegmentEnd(r),
        });
      } catch (err) {
        await sink.abort(String((err as Error).message)).catch(() => undefined);
        if (interruptReason !== null) return handOn() ?? { kind: "done", status: "interrupted", reason: interruptReason, endMs: null };
        return outputFailed(initial, err as Error);
      }
      if (interruptReason !== null) {
        await live.dispose(interruptReason);
        return handOn() ?? { kind: "done", status: "interrupted", reason: interruptReason, endMs: null };
      }
      // A fresh start waits for the scheduled second; a resumed session goes on at once.
      const startMs = o.started ? clock.now().getTime() + 50 : Math.max(clock.now().getTime() + 50, initial.scheduledStart.getTime());
      startedNow = gate.expect(startMs);
      const result = await live.startAt(startMs).finally(startedNow);
      await writer.flush();
      logResult(initial, o.started, writer.firstFrameMs, result.outcome, result.reason);
      if (result.outcome === "completed") return { kind: "done", status: "aired", reason: "", endMs: result.actualEndMs };
      if (result.outcome === "failed") return { kind: "done", status: "failed", reason: result.reason ?? "", endMs: result.actualEndMs };
      return handOn() ?? { kind: "done", status: "interrupted", reason: result.reason ?? String(interruptReason), endMs: result.actualEndMs };
    } catch (err) {
      if (interruptReason !== null) return handOn() ?? { kind: "done", status: "interrupted", reason: interruptReason, endMs: null };
      throw err;
    } finally {
      o.drain.removeEventListener("abort", onDrain);
      o.ctx.signal.removeEventListener("abort", onStop);
      o.lease.removeEventListener("abort", onLost);
      channels.setPlaying(initial.zoneId, null);
      release();
    }
  }

  /** Renders if needed and builds the segments of what is left to air; null if nothing is. */
  async function preparedSegments(initial: AiringRow, signal: AbortSignal): Promise<PlayoutSegment<Tag>[] | null> {
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
    if (signal.aborted) throw signal.reason;
    const render = await db.audioAsset.findUniqueOrThrow({ where: { id: airing.renderAssetId! } });
    const renderPath = deps.storage.abs(render.path);
    const aired = await db.asRun.findMany({ where: { airingId: initial.id }, select: { rundownLineId: true, status: true, durationMs: true, plannedMs: true } });
    const toAir = linesToAir(airing.lines, aired);
    if (!toAir.length) return null;
    const items = await db.item.findMany({ where: { id: { in: toAir.map((l) => l.item.id) } }, select: { id: true, categoryId: true, priority: true, kind: true } });
    const itemInfo = new Map(items.map((i) => [i.id, i]));
    const silenceDir = path.join(config.dataDir, "cache", "silence");
    const segments: PlayoutSegment<Tag>[] = [];
    let gapTag: Tag | null = null;
    for (const step of timeline(airing.lines, toAir)) {
      const l = step.line;
      if (!l) {
        segments.push({ kind: "file", path: renderPath, startMs: step.startMs, endMs: step.endMs, tag: gapTag! });
        continue;
      }
      const info = itemInfo.get(l.item.id);
      const tag: Tag = { lineId: l.id, itemId: l.item.id, campaignId: l.campaignId, reason: l.reason, categoryId: info?.categoryId ?? null, priority: info?.priority ?? "normal", kind: l.item.kind, offsetMs: l.offsetMs, durationMs: l.durationMs };
      gapTag = { ...tag, lineId: -1 };
      if (l.item.kind === "relay" && l.item.relayUrl) {
        const placeholder = (await ensureSilence(l.durationMs, { cacheDir: silenceDir })).path;
        // The host is checked again now: DNS may point somewhere else than when it was saved.
        const refused = await assertPublicHost(new URL(l.item.relayUrl), config.RELAY_ALLOW_PRIVATE).then(
          () => null,
          (e: Error) => e.message,
        );
        if (refused) segments.push({ kind: "file", path: placeholder, tag: { ...tag, skip: refused } });
        else segments.push({ kind: "relay", url: l.item.relayUrl, durationMs: l.durationMs, fallbackPath: placeholder, tag });
      } else {
        segments.push({ kind: "file", path: renderPath, startMs: step.startMs, endMs: step.endMs, tag });
      }
    }
    return segments;
  }

  /** The output could not be opened: the sink retried until the deadline (openDeadlineMs). */
  async function outputFailed(initial: AiringRow, err: Error): Promise<Step> {
    logger.warn(`airing ${initial.id}: output could not be opened: ${err.message}`);
    await deps.onOutputDown?.({ airingId: initial.id, zoneId: initial.zoneId, reason: err.message }).catch(() => undefined);
    return { kind: "done", status: "failed", reason: err.message, endMs: null };
  }

  function logResult(initial: AiringRow, resumed: boolean, firstFrameMs: number | null, outcome: string, reason: string | null) {
    // Lateness is always measured against the SCHEDULED second, never a re-targeted start.
    const late = firstFrameMs === null ? "nothing aired" : `${resumed ? "resumed" : "started"} ${firstFrameMs - initial.scheduledStart.getTime()} ms after the scheduled time`;
    logger.info(`airing ${initial.id} on ${initial.zone.code}: ${outcome}${reason ? ` (${reason})` : ""}; ${late}`);
  }
}
