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
//
// The parts: one go at the zone (worker/playout-zone.ts), the segments it airs
// (worker/playout-segments.ts), the output's settings (worker/playout-output.ts), and how an
// attempt ends (worker/playout-close.ts). This file claims the airing and runs the attempt.
import type { JobHandler } from "../server/jobs/catalogue.ts";
import { withLogContext } from "../server/logger.ts";
import { claimAiring, holdLease, OPEN_STATUSES, WORKER_STOPPED_REASON } from "../server/airing-lease.ts";
import type { JobContext } from "./index.ts";
import { StartGate } from "./start-gate.ts";
import { createZoneTurn, loadPlayoutAiring, PREEMPT, type PlayoutAiring, type ZoneDeps } from "./playout-zone.ts";
import { airDeadline, endEmergencyIfLast, handBack, overdueOutcome, recordFailure, recordOutcome, type Outcome } from "./playout-close.ts";

export interface PlayoutDeps extends ZoneDeps {
  workerId: string;
  /** Called after an airing ends so later sessions of the zone can make good what failed.
   *  It should only REQUEST a (coalesced) re-plan: the playout does not wait for planning. */
  onAiringEnded?: (a: { airingId: number; zoneId: number; localDate: string }) => Promise<void>;
  /** Queues the next attempt of a released airing (drain, shutdown mid-session). */
  requeue?: (airingId: number, attempt: number) => Promise<unknown>;
}

/** After a pre-emption, the emergency queues for the zone before this attempt asks again. */
const REQUEUE_PAUSE_MS = 500;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export function createPlayoutHandler(deps: PlayoutDeps): JobHandler<"playout", JobContext> {
  const { db, config, clock, logger, channels } = deps;
  // One per handler, i.e. per process: every zone this event loop airs.
  const gate = new StartGate(() => clock.now().getTime());
  const atTheZone = createZoneTurn(deps, gate);

  return async (data, ctx) => {
    const initial = await loadPlayoutAiring(db, data.airingId);
    if (!initial || !OPEN_STATUSES.includes(initial.status)) return { skipped: `airing is ${initial?.status ?? "gone"}` };
    // Every line logged while this airing is handled names it and its zone, whoever logs it.
    return withLogContext({ airingId: initial.id, zoneId: initial.zoneId, zone: initial.zone.code }, () => air(initial, ctx));
  };

  /** Claims the airing, runs the attempt, and records how it ended. */
  async function air(initial: PlayoutAiring, ctx: JobContext) {
    const owner = await claimAiring(db, clock, initial.id, ctx.workerId);
    if (!owner) return { skipped: "claimed elsewhere" };
    const lease = holdLease(db, clock, initial.id, owner, logger, () => gate.busy());
    const stopBeat = channels.heartbeat(initial.id);
    const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
    let outcome: Outcome | null = null;
    try {
      const ended = await attempt(initial, { owner, lease: lease.lost, tz, ctx });
      if (!("outcome" in ended)) return ended;
      outcome = ended.outcome;
      await recordOutcome(deps, initial, owner, outcome);
      return { status: outcome.status };
    } catch (err) {
      await recordFailure(deps, initial, owner, err as Error);
      outcome = { status: "failed", reason: "", endMs: null };
      throw err;
    } finally {
      lease.stop();
      stopBeat();
      if (outcome && initial.emergencyId) await endEmergencyIfLast(deps, initial.emergencyId);
      // Ask for a re-plan (make-goods) once the zone is free; planning is not done here.
      const ended = { airingId: initial.id, zoneId: initial.zoneId, localDate: initial.localDate };
      if (outcome) await deps.onAiringEnded?.(ended).catch((e: Error) => logger.warn(`re-plan request after airing failed: ${e.message}`));
    }
  }

  /**
   * Goes at the zone until the airing ends (its outcome) or leaves this attempt: the lease
   * was lost, or the airing was handed back for another attempt. A pre-emption waits and
   * goes again, until the deadline.
   */
  async function attempt(
    initial: PlayoutAiring,
    o: { owner: string; lease: AbortSignal; tz: string; ctx: JobContext },
  ): Promise<{ outcome: Outcome } | { lost: true } | { released: string }> {
    const drain = o.ctx.drain ?? new AbortController().signal;
    let cutReason = initial.actualStart ? initial.statusReason || WORKER_STOPPED_REASON : "";
    if (initial.source === "emergency") await channels.interruptZone(initial.zoneId, PREEMPT, { exceptSource: "emergency" });
    for (;;) {
      const started = (await db.airing.findUniqueOrThrow({ where: { id: initial.id }, select: { actualStart: true } })).actualStart !== null;
      const deadline = airDeadline(initial, started, config.LATE_GRACE_MINUTES);
      if (clock.now().getTime() > deadline) return { outcome: overdueOutcome(started, cutReason, config.LATE_GRACE_MINUTES) };
      const step = await atTheZone(initial, { owner: o.owner, lease: o.lease, drain, ctx: o.ctx, tz: o.tz, deadline, started });
      if (step.kind === "lost") return { lost: true };
      if (step.kind === "release") {
        await handBack(deps, initial, o.owner, { step: step.reason, cutReason: started ? cutReason : "" });
        return { released: step.reason };
      }
      if (step.kind === "done") return { outcome: { status: step.status, reason: step.reason, endMs: step.endMs } };
      cutReason = step.reason; // pre-empted
      await sleep(REQUEUE_PAUSE_MS, AbortSignal.any([o.ctx.signal, o.lease]));
    }
  }
}
