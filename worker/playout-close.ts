// How a playout attempt ends: when it gives up (the deadline rule, pure), the outcome written
// under the lease with its live event, a failure recorded so no airing stays "airing", an
// airing handed back for another attempt, and a one-off emergency closed after its last airing.
import type { Clock } from "../server/clock.ts";
import type { Db } from "../server/db/client.ts";
import type { EventHub } from "../server/events.ts";
import type { Logger } from "../server/logger.ts";
import { releaseAiring, sessionWindowEnd, WORKER_STOPPED_REASON } from "../server/airing-lease.ts";

export type Outcome = { status: string; reason: string; endMs: number | null };

interface CloseDeps {
  db: Db;
  clock: Clock;
  events: EventHub;
  logger: Logger;
}

type Airing = { id: number; zoneId: number; scheduledStart: Date; maxDurationMs: number };

/** Until when an attempt may still air: nothing aired yet → late within the grace; cut
 *  mid-way → resumed within the session window. */
export function airDeadline(airing: Pick<Airing, "scheduledStart" | "maxDurationMs">, started: boolean, lateGraceMinutes: number): number {
  return started ? sessionWindowEnd(airing) : airing.scheduledStart.getTime() + lateGraceMinutes * 60_000;
}

/** The outcome of an airing whose deadline passed: interrupted if cut mid-way, else missed. */
export function overdueOutcome(started: boolean, cutReason: string, lateGraceMinutes: number): Outcome {
  return started
    ? { status: "interrupted", reason: cutReason || WORKER_STOPPED_REASON, endMs: null }
    : { status: "missed", reason: `Quá ${lateGraceMinutes} phút so với giờ phát / More than ${lateGraceMinutes} min late${cutReason ? ` (${cutReason})` : ""}`, endMs: null };
}

/** Writes the outcome if the lease is still ours, and announces it with the lateness. */
export async function recordOutcome(deps: CloseDeps, airing: Airing, owner: string, outcome: Outcome): Promise<void> {
  const { db } = deps;
  const n = await db.airing.updateMany({
    where: { id: airing.id, status: "airing", leaseOwner: owner },
    data: { status: outcome.status, statusReason: outcome.reason.slice(0, 500), ...(outcome.endMs ? { actualEnd: new Date(outcome.endMs) } : {}), leaseOwner: null, leaseUntil: null },
  });
  if (!n.count) return;
  // Lateness against the scheduled second, from the airing's first frame ever.
  const first = (await db.airing.findUnique({ where: { id: airing.id }, select: { actualStart: true } }))?.actualStart;
  deps.events.publish("airing.status", { airingId: airing.id, zoneId: airing.zoneId, status: outcome.status, latenessMs: first ? first.getTime() - airing.scheduledStart.getTime() : null });
}

/** Never leaves an airing stuck in "airing" after an error: the record says what happened. */
export async function recordFailure(deps: CloseDeps, airing: Airing, owner: string, err: Error): Promise<void> {
  const { db, clock } = deps;
  await db.airing.updateMany({ where: { id: airing.id, status: "airing", leaseOwner: owner }, data: { status: "failed", statusReason: String(err.message).slice(0, 500), actualEnd: clock.now(), leaseOwner: null, leaseUntil: null } });
  await db.asRun.updateMany({ where: { airingId: airing.id, status: "playing" }, data: { status: "interrupted", actualEnd: clock.now() } });
  deps.events.publish("airing.status", { airingId: airing.id, zoneId: airing.zoneId, status: "failed" });
}

/** Gives the airing back (drain before air, shutdown) and queues its next attempt. */
export async function handBack(
  deps: CloseDeps & { requeue?: (airingId: number, attempt: number) => Promise<unknown> },
  airing: Airing,
  owner: string,
  why: { step: string; cutReason: string },
): Promise<void> {
  const { logger } = deps;
  const attempt = await releaseAiring(deps.db, airing.id, owner, why.cutReason);
  if (attempt === null) return;
  logger.info(`airing ${airing.id} released (${why.step}); attempt ${attempt + 1} queued`);
  await deps.requeue?.(airing.id, attempt).catch((e: Error) => logger.warn(`airing ${airing.id}: next attempt left to the lease sweep: ${e.message}`));
}

/** A one-off emergency ends when its last airing is over, whatever the outcome. */
export async function endEmergencyIfLast(deps: CloseDeps, emergencyId: number): Promise<void> {
  await deps.db.emergency
    .updateMany({
      where: { id: emergencyId, status: "active", repeatEveryMin: null, airings: { none: { status: { in: ["planned", "ready", "airing"] } } } },
      data: { status: "ended", endedAt: deps.clock.now() },
    })
    .catch((e: Error) => deps.logger.warn(`emergency ${emergencyId} not closed: ${e.message}`));
}
