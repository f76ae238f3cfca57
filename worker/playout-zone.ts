// One go at the zone within a playout attempt (worker/playout.ts): wait for the zone (at
// most until the deadline), prepare (segments, output), air what is left, and say how it
// ended as a Step. Until the audio starts an interrupt aborts the preparation; after, it
// stops the player. Interrupts that hand the airing on (an emergency, a drain, a shutdown,
// a lost lease) become steps the attempt loop acts on; any other ends the airing interrupted.
import type { Clock } from "../server/clock.ts";
import type { Db } from "../server/db/client.ts";
import { renewLease } from "../server/airing-lease.ts";
import type { PlayoutChannels } from "../server/playout-channels.ts";
import { preparePlayout, type Playout } from "../audio/player.ts";
import { createSink } from "../audio/sinks/index.ts";
import type { JobContext } from "./index.ts";
import type { RenderDeps } from "./render.ts";
import { createAsRunWriter, type Tag } from "./asrun.ts";
import type { StartGate } from "./start-gate.ts";
import { preparedSegments } from "./playout-segments.ts";
import { airFileName, outputOf } from "./playout-output.ts";

export interface ZoneDeps extends RenderDeps {
  clock: Clock;
  channels: PlayoutChannels;
  /** An output that could not be opened by air time + grace (alerts: output_down). */
  onOutputDown?: (a: { airingId: number; zoneId: number; reason: string }) => Promise<void>;
}

export function loadPlayoutAiring(db: Db, id: number) {
  return db.airing.findUnique({ where: { id }, include: { zone: true } });
}
export type PlayoutAiring = NonNullable<Awaited<ReturnType<typeof loadPlayoutAiring>>>;

/** How one go at the zone ended. */
export type Step =
  | { kind: "done"; status: "aired" | "interrupted" | "failed" | "cancelled"; reason: string; endMs: number | null }
  | { kind: "preempted"; reason: string } // an emergency took the zone: wait and go on
  | { kind: "release"; reason: string } // drain before air / shutdown: another attempt goes on
  | { kind: "lost" }; // the lease was taken away: not ours any more

/** Interrupt reasons that hand the airing on instead of ending it. */
export const PREEMPT = "emergency";
export const DRAIN = "worker draining";
export const SHUTDOWN = "worker shutdown";
export const LEASE_LOST = "lease lost";

/** The step an interrupt reason hands the airing on with; null when it ends the airing. */
export function handOnStep(reason: string | null): Step | null {
  if (reason === null) return null;
  if (reason === LEASE_LOST) return { kind: "lost" };
  // "shutdown": the channels close every playing airing when the process stops.
  if (reason === DRAIN || reason === SHUTDOWN || reason === "shutdown") return { kind: "release", reason };
  if (reason === PREEMPT) return { kind: "preempted", reason };
  return null;
}

/** An interrupted go: handed on, or the airing ends interrupted (with `shown` as the reason). */
const interrupted = (reason: string | null, endMs: number | null = null, shown = String(reason)): Step =>
  handOnStep(reason) ?? { kind: "done", status: "interrupted", reason: shown, endMs };

export interface ZoneTurn {
  owner: string;
  /** Fires when the lease was taken away. */
  lease: AbortSignal;
  /** Fires when the worker begins a graceful stop. */
  drain: AbortSignal;
  ctx: JobContext;
  tz: string;
  /** Epoch ms after which this attempt gives up waiting / opening the output. */
  deadline: number;
  /** Something of the airing aired already (a resume). */
  started: boolean;
}

/** What an interrupt does, which depends on how far the go has come. */
interface Interruptible {
  reason: string | null;
  /** Aborted by an interrupt while preparing. */
  prep: AbortSignal;
  live: Playout<Tag> | null;
  /** The output while it opens (it retries until the deadline). */
  opening: { abort(reason: string): Promise<void> } | null;
  firstFrame: boolean;
  interrupt(reason: string): void;
}

function interruptible(): Interruptible {
  const prep = new AbortController();
  const s: Interruptible = {
    reason: null,
    prep: prep.signal,
    live: null,
    opening: null,
    firstFrame: false,
    interrupt(reason) {
      s.reason ??= reason;
      if (s.live) return s.live.interrupt(reason);
      prep.abort(new Error(reason));
      // An output still retrying its open (down until air + grace) gives up at once.
      void s.opening?.abort(reason).catch(() => undefined);
    },
  };
  return s;
}

/** Interrupts the go when the worker drains (only before air), stops, or loses the lease. */
function listenForStops(o: ZoneTurn, s: Interruptible): () => void {
  // Drain: an airing not yet on air is handed on at once; one on air finishes (until the hard stop).
  const onDrain = () => !s.firstFrame && s.interrupt(DRAIN);
  const onStop = () => s.interrupt(SHUTDOWN);
  const onLost = () => s.interrupt(LEASE_LOST);
  o.drain.addEventListener("abort", onDrain, { once: true });
  o.ctx.signal.addEventListener("abort", onStop, { once: true });
  o.lease.addEventListener("abort", onLost, { once: true });
  if (o.drain.aborted) onDrain();
  if (o.ctx.signal.aborted) onStop();
  if (o.lease.aborted) onLost();
  return () => {
    o.drain.removeEventListener("abort", onDrain);
    o.ctx.signal.removeEventListener("abort", onStop);
    o.lease.removeEventListener("abort", onLost);
  };
}

/** `atTheZone(airing, turn)`: holds the zone for one go at airing what is left. */
export function createZoneTurn(deps: ZoneDeps, gate: StartGate) {
  const { db, config, clock, events, logger, channels } = deps;
  const log = { debug: (m: string) => logger.debug(m), warn: (m: string) => logger.warn(m) };
  const nowMs = () => clock.now().getTime();

  return async function atTheZone(initial: PlayoutAiring, o: ZoneTurn): Promise<Step> {
    const waitLimit = AbortSignal.timeout(Math.max(1, o.deadline - nowMs()));
    let release: () => void;
    try {
      release = await channels.acquire(initial.zoneId, AbortSignal.any([o.ctx.signal, o.lease, o.drain, waitLimit]), { urgent: initial.source === "emergency" });
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
    const s = interruptible();
    channels.setPlaying(initial.zoneId, { airingId: initial.id, source: initial.source, interrupt: (r) => s.interrupt(r) });
    const stopListening = listenForStops(o, s);
    try {
      return await airWhatIsLeft(initial, o, s);
    } catch (err) {
      if (s.reason !== null) return interrupted(s.reason);
      throw err;
    } finally {
      stopListening();
      channels.setPlaying(initial.zoneId, null);
      release();
    }
  };

  /** Prepares, opens the output and airs; the zone is held. */
  async function airWhatIsLeft(initial: PlayoutAiring, o: ZoneTurn, s: Interruptible): Promise<Step> {
    const plan = await preparedSegments(deps, initial.id, s.prep);
    if (!plan) return { kind: "done", status: "aired", reason: "", endMs: nowMs() }; // everything aired already
    const writer = createAsRunWriter({ db, events, logger, tz: o.tz, airing: initial, workerId: o.ctx.workerId, now: nowMs, gate });
    const sink = createSink(outputOf(initial.zone, config.dataDir), {
      fileName: airFileName(initial, o.tz),
      logger: log,
      openDeadlineMs: o.deadline,
      onDropout: (d) => writer.onDropout(d),
      clock: { now: nowMs },
    });
    if (s.prep.aborted) return interrupted(s.reason);
    s.opening = sink;
    let startedNow = () => {};
    let live: Playout<Tag>;
    try {
      live = s.live = await preparePlayout<Tag>({
        segments: plan,
        sink,
        speed: initial.zone.outputKind === "file" ? config.FILE_SINK_SPEED : 1,
        clock: { now: nowMs },
        logger: log,
        onSegmentStart: (e) => {
          s.firstFrame = true;
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
      if (s.reason !== null) return interrupted(s.reason);
      return outputFailed(initial, err as Error);
    }
    if (s.reason !== null) {
      await live.dispose(s.reason);
      return interrupted(s.reason);
    }
    // A fresh start waits for the scheduled second; a resumed session goes on at once.
    const startMs = o.started ? nowMs() + 50 : Math.max(nowMs() + 50, initial.scheduledStart.getTime());
    startedNow = gate.expect(startMs);
    const result = await live.startAt(startMs).finally(startedNow);
    await writer.flush();
    logResult(initial, o.started, writer.firstFrameMs, result.outcome, result.reason);
    if (result.outcome === "completed") return { kind: "done", status: "aired", reason: "", endMs: result.actualEndMs };
    if (result.outcome === "failed") return { kind: "done", status: "failed", reason: result.reason ?? "", endMs: result.actualEndMs };
    return interrupted(s.reason, result.actualEndMs, result.reason ?? String(s.reason));
  }

  /** The output could not be opened: the sink retried until the deadline (openDeadlineMs). */
  async function outputFailed(initial: PlayoutAiring, err: Error): Promise<Step> {
    logger.warn(`airing ${initial.id}: output could not be opened: ${err.message}`);
    await deps.onOutputDown?.({ airingId: initial.id, zoneId: initial.zoneId, reason: err.message }).catch(() => undefined);
    return { kind: "done", status: "failed", reason: err.message, endMs: null };
  }

  function logResult(initial: PlayoutAiring, resumed: boolean, firstFrameMs: number | null, outcome: string, reason: string | null) {
    // Lateness is always measured against the SCHEDULED second, never a re-targeted start.
    const late = firstFrameMs === null ? "nothing aired" : `${resumed ? "resumed" : "started"} ${firstFrameMs - initial.scheduledStart.getTime()} ms after the scheduled time`;
    logger.info(`airing ${initial.id} on ${initial.zone.code}: ${outcome}${reason ? ` (${reason})` : ""}; ${late}`);
  }
}
