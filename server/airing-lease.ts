// The claim on an airing is a LEASE, not a verdict. A worker claims an open airing with one
// conditional update (status planned/ready → airing, with its lease owner and expiry), so two
// workers can never both hold it, on SQLite or PostgreSQL alike. While it works on the airing
// (waiting for the zone, preparing, on air) it renews the lease every RENEW_MS; the last
// renewal is the airing's heartbeat. If the worker dies, stops or hangs, the lease expires
// and a sweep (the scheduler's, every SWEEP_MS, and each worker's, from its start) gives the
// airing back:
// - nothing aired yet → the airing is open again and a new playout job (one id per attempt)
//   re-claims it: on time if it can, late within LATE_GRACE_MINUTES, otherwise missed;
// - cut mid-session → the item that was playing is closed as interrupted at the last
//   heartbeat, and the airing is open again to be resumed (worker/resume.ts) while its
//   session window (scheduledStart + maxDurationMs) lasts; after that it stays interrupted.
// A lease whose owner was a process on this machine that no longer exists (kill -9, crash)
// is given back at once, without waiting for its expiry: the owner carries its pid and an
// identity of the kernel and PID namespace it ran in, so only a process that can really see
// that pid judges it (another machine or container waits for the expiry as before).
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, readlinkSync } from "node:fs";
import type { Clock } from "./clock.ts";
import type { Db } from "./db/client.ts";
import type { Logger } from "./logger.ts";

/** A lease lives this long without renewal: a stalled event loop of up to ~4 s keeps it. */
export const LEASE_MS = 6_000;
export const RENEW_MS = 2_000;
/** How often expired leases are looked for (scheduler and workers). */
export const SWEEP_MS = 2_000;

export const OPEN_STATUSES = ["planned", "ready"];

export const WORKER_STOPPED_REASON = "Tiến trình phát bị dừng đột ngột / The playout worker stopped unexpectedly";

export interface LeaseHold {
  owner: string;
  /** Aborts when the lease was taken away (expired and recovered elsewhere). */
  lost: AbortSignal;
  stop(): void;
}

/** This kernel boot and PID namespace (Linux), or null where pids cannot be judged. */
function pidSpace(): string | null {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const ns = readlinkSync("/proc/self/ns/pid");
    return createHash("sha256").update(`${boot}/${ns}`).digest("hex").slice(0, 12);
  } catch {
    return null;
  }
}
const PID_SPACE = pidSpace();

/** The pid of a lease owner that ran in our PID space, else null. */
function localPid(owner: string | null): number | null {
  if (!owner || !PID_SPACE) return null;
  const m = /:(\d+)@([0-9a-f]+)$/.exec(owner);
  return m && m[2] === PID_SPACE ? Number(m[1]) : null;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/** Claims an open airing for `workerId`: true for exactly one caller per open period. */
export async function claimAiring(db: Db, clock: Clock, airingId: number, workerId: string): Promise<string | null> {
  const owner = `${workerId}:${randomBytes(4).toString("hex")}${PID_SPACE ? `:${process.pid}@${PID_SPACE}` : ""}`;
  const now = clock.now().getTime();
  const n = await db.airing.updateMany({
    where: { id: airingId, status: { in: OPEN_STATUSES } },
    data: { status: "airing", workerId, leaseOwner: owner, leaseUntil: new Date(now + LEASE_MS), heartbeatAt: new Date(now), attempt: { increment: 1 } },
  });
  return n.count === 1 ? owner : null;
}

/** Renews the lease; false when it is no longer ours. */
export async function renewLease(db: Db, clock: Clock, airingId: number, owner: string): Promise<boolean> {
  const now = clock.now().getTime();
  const n = await db.airing.updateMany({ where: { id: airingId, status: "airing", leaseOwner: owner }, data: { leaseUntil: new Date(now + LEASE_MS), heartbeatAt: new Date(now) } });
  return n.count === 1;
}

/**
 * Renews the lease every RENEW_MS until stop(); `lost` fires when it was taken away.
 * `hold()` true skips one renewal (a start is imminent, worker/start-gate.ts); never two in a
 * row, so the lease (LEASE_MS = 3 renewals) cannot lapse.
 */
export function holdLease(db: Db, clock: Clock, airingId: number, owner: string, logger: Logger, hold?: () => boolean): LeaseHold {
  const lost = new AbortController();
  let busy = false;
  let skipped = false;
  const t = setInterval(() => {
    if (busy || lost.signal.aborted) return;
    if (!skipped && hold?.()) {
      skipped = true;
      return;
    }
    skipped = false;
    busy = true;
    renewLease(db, clock, airingId, owner)
      .then((ok) => {
        if (!ok && !lost.signal.aborted) {
          logger.warn(`airing ${airingId}: lease lost`);
          lost.abort(new Error("lease lost"));
        }
      })
      // A database hiccup: keep going; the lease lasts LEASE_MS and the next renewal may pass.
      .catch((e: Error) => logger.warn(`airing ${airingId}: lease renewal failed: ${e.message}`))
      .finally(() => (busy = false));
  }, RENEW_MS);
  t.unref?.();
  return { owner, lost: lost.signal, stop: () => clearInterval(t) };
}

/**
 * Gives a held airing back (drain before air, shutdown mid-session): open again, lease
 * cleared. Returns the attempt count the next job id is built from, or null if not ours.
 */
export async function releaseAiring(db: Db, airingId: number, owner: string, reason = ""): Promise<number | null> {
  const a = await db.airing.findUnique({ where: { id: airingId }, select: { renderAssetId: true, attempt: true } });
  if (!a) return null;
  const n = await db.airing.updateMany({
    where: { id: airingId, status: "airing", leaseOwner: owner },
    data: { status: a.renderAssetId ? "ready" : "planned", statusReason: reason.slice(0, 500), leaseOwner: null, leaseUntil: null },
  });
  return n.count === 1 ? a.attempt : null;
}

/** The end of an airing's session window: a cut session may be resumed until then. */
export const sessionWindowEnd = (a: { scheduledStart: Date; maxDurationMs: number }): number => a.scheduledStart.getTime() + a.maxDurationMs;

export interface RecoverSummary {
  /** Released before any audio: to be claimed again. */
  released: number;
  /** Cut mid-session and released to be resumed. */
  resumable: number;
  /** Cut mid-session after its window: closed as interrupted. */
  closed: number;
}

/**
 * Finds airings whose lease expired, or whose owner died on this machine, and gives them
 * back (see the top of this file). Safe to run from several processes at once: each release
 * is conditional on the lease still being expired (or still held by the dead owner).
 * `requeue` queues the next attempt's playout job.
 */
export async function recoverExpiredLeases(deps: { db: Db; clock: Clock; logger: Logger; requeue?: (airingId: number, attempt: number) => Promise<unknown> }): Promise<RecoverSummary> {
  const { db, clock, logger } = deps;
  const now = clock.now();
  const expired = { status: "airing", OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] };
  const select = { id: true, actualStart: true, heartbeatAt: true, leaseUntil: true, leaseOwner: true, scheduledStart: true, maxDurationMs: true, renderAssetId: true, attempt: true } as const;
  const rows = await db.airing.findMany({ where: expired, select });
  const stillHeld = PID_SPACE ? await db.airing.findMany({ where: { status: "airing", leaseUntil: { gte: now }, leaseOwner: { endsWith: `@${PID_SPACE}` } }, select }) : [];
  const orphaned = stillHeld.filter((a) => {
    const pid = localPid(a.leaseOwner);
    return pid !== null && pid !== process.pid && !processExists(pid);
  });
  const s: RecoverSummary = { released: 0, resumable: 0, closed: 0 };
  for (const a of [...rows, ...orphaned]) {
    const gone = orphaned.includes(a) ? { id: a.id, status: "airing", leaseOwner: a.leaseOwner } : { id: a.id, ...expired };
    const started = a.actualStart !== null;
    const lastBeat = (a.heartbeatAt ?? (a.leaseUntil ? new Date(a.leaseUntil.getTime() - LEASE_MS) : null) ?? a.actualStart ?? now).getTime();
    const resumable = !started || now.getTime() < sessionWindowEnd(a);
    const done = await db.$transaction(async (tx) => {
      const n = await tx.airing.updateMany({
        where: gone,
        data: resumable
          ? { status: a.renderAssetId ? "ready" : "planned", statusReason: started ? WORKER_STOPPED_REASON : "", leaseOwner: null, leaseUntil: null }
          : { status: "interrupted", statusReason: WORKER_STOPPED_REASON, actualEnd: new Date(lastBeat), leaseOwner: null, leaseUntil: null },
      });
      if (n.count === 0) return false;
      // What was playing aired until the last heartbeat (the best evidence left).
      const playing = await tx.asRun.findMany({ where: { airingId: a.id, status: "playing" }, select: { id: true, actualStart: true } });
      for (const r of playing) {
        const end = Math.max(r.actualStart.getTime(), lastBeat);
        await tx.asRun.update({ where: { id: r.id }, data: { status: "interrupted", actualEnd: new Date(end), durationMs: end - r.actualStart.getTime(), note: "worker stopped during playout" } });
      }
      return true;
    });
    if (!done) continue;
    if (!resumable) {
      s.closed++;
      continue;
    }
    if (started) s.resumable++;
    else s.released++;
    const why = orphaned.includes(a) ? "owner process is gone" : "lease expired";
    logger.info(`airing ${a.id}: ${why} ${started ? "mid-session; to be resumed" : "before air; to be claimed again"}`);
    await deps.requeue?.(a.id, a.attempt).catch((e: Error) => logger.warn(`airing ${a.id}: next attempt left to reconciliation: ${e.message}`));
  }
  return s;
}

/** Runs recoverExpiredLeases now and every SWEEP_MS until stopped. */
export function startLeaseSweeper(deps: Parameters<typeof recoverExpiredLeases>[0] & { intervalMs?: number }): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const run = () => {
    if (running) return;
    running = recoverExpiredLeases(deps)
      .catch((e: Error) => deps.logger.warn(`lease sweep failed: ${e.message}`))
      .finally(() => (running = null));
  };
  run();
  const t = setInterval(run, deps.intervalMs ?? SWEEP_MS);
  t.unref?.();
  return {
    async stop() {
      clearInterval(t);
      await running;
    },
  };
}
