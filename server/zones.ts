// Zone output configuration: validated by the sink schemas of audio/, with file sinks
// confined to DATA_DIR/air so a zone can never be pointed at an arbitrary path.
import path from "node:path";
import { sinkConfigSchema } from "../audio/sinks/index.ts";
import { fieldErrors } from "./http/validate.ts";
import { AppError } from "./errors.ts";
import type { Db } from "./db/client.ts";
import type { JobRouter, Queues } from "./queues.ts";
import type { Config } from "./config.ts";
import type { Clock } from "./clock.ts";
import { playoutJob, WORKER_GROUP_RE } from "./jobs/catalogue.ts";

export function airDir(dataDir: string): string {
  return path.join(dataDir, "air");
}

export function validateZoneOutput(kind: string, raw: Record<string, unknown>, dataDir: string): Record<string, unknown> {
  const cfg: Record<string, unknown> = { ...raw, kind };
  if (kind === "file") {
    const sub = String(raw.dir ?? raw.subdir ?? "default");
    if (!/^[a-zA-Z0-9_-]+$/.test(sub)) {
      throw new AppError(422, "BAD_OUTPUT_DIR", "Thư mục đầu ra chỉ được gồm chữ, số, _ và -.", "The output folder may only contain letters, digits, _ and -.");
    }
    cfg.dir = path.join(airDir(dataDir), sub);
    delete cfg.subdir;
  }
  const parsed = sinkConfigSchema.safeParse(cfg);
  if (!parsed.success) {
    throw new AppError(422, "BAD_OUTPUT_CONFIG", "Cấu hình đầu ra của cụm loa không hợp lệ.", "Invalid zone output configuration.", { fields: fieldErrors(parsed.error) });
  }
  const out = { ...(parsed.data as Record<string, unknown>) };
  if (kind === "file") out.dir = path.relative(airDir(dataDir), String(out.dir));
  delete out.kind;
  return out;
}

/**
 * Zone affinity: the worker group a zone's playouts go to. Sound-card (alsa) outputs exist
 * on one machine only, so they must name its group; streams and files may (null: any worker).
 */
export function validateWorkerGroup(outputKind: string, raw: string | null | undefined): string | null {
  const group = raw?.trim() ? raw.trim() : null;
  if (group && !WORKER_GROUP_RE.test(group)) {
    throw new AppError(422, "BAD_WORKER_GROUP", "Tên nhóm máy phát chỉ gồm chữ thường, số, _ và - (tối đa 40 ký tự).", "A worker group name is lowercase letters, digits, _ and - (at most 40 characters).", { fields: [{ field: "workerGroup", message: "invalid name" }] });
  }
  if (!group && outputKind === "alsa") {
    throw new AppError(422, "WORKER_GROUP_REQUIRED", "Cụm loa dùng card âm thanh phải gắn với nhóm máy phát có card đó (WORKER_GROUP).", "A sound-card (alsa) zone must be bound to the worker group of the machine with that card (WORKER_GROUP).", { fields: [{ field: "workerGroup", message: "required for alsa outputs" }] });
  }
  return group;
}

/** Routes a playout job to the queue of its zone's worker group (server/queues.ts). */
export function playoutRouter(db: Db): JobRouter {
  return async (job) => {
    if (job.name !== "playout") return null;
    const a = await db.airing.findUnique({ where: { id: job.data.airingId }, select: { zone: { select: { workerGroup: true } } } });
    return a?.zone.workerGroup ?? null;
  };
}

/**
 * After a zone's worker group changed: its queued playouts move to the new group's queue
 * (a job left on the old queue would air the zone from the wrong machine).
 */
export async function moveZonePlayouts(deps: { db: Db; queues: Queues; config: Config; clock: Clock }, zoneId: number, fromGroup: string | null): Promise<number> {
  const now = deps.clock.now().getTime();
  const open = await deps.db.airing.findMany({ where: { zoneId, status: { in: ["planned", "ready"] } }, select: { id: true, scheduledStart: true } });
  for (const a of open) {
    await deps.queues.remove(playoutJob(a.id), [fromGroup]);
    // As the planner queues it: PLAYOUT_PREROLL_SECONDS before the start.
    await deps.queues.add(playoutJob(a.id), { delay: Math.max(0, a.scheduledStart.getTime() - deps.config.PLAYOUT_PREROLL_SECONDS * 1000 - now) });
  }
  return open.length;
}

/**
 * The zones a worker of this group (null: no group) can air: every unbound zone and the
 * zones bound to its group. For the liveness heartbeat (supervise's server/liveness.ts
 * `Heartbeat.zones`), so a bound zone whose group has no live worker is reported unserved.
 */
export async function zonesAirableBy(db: Db, group: string | null): Promise<"all" | number[]> {
  const zones = await db.zone.findMany({ select: { id: true, workerGroup: true } });
  if (zones.every((z) => z.workerGroup === null || z.workerGroup === group)) return "all";
  return zones.filter((z) => z.workerGroup === null || z.workerGroup === group).map((z) => z.id);
}

/** zonesAirableBy, kept fresh in the background for a synchronous reader (the heartbeat). */
export function trackAirableZones(db: Db, group: string | null, opts: { everyMs?: number; logger?: { debug(m: string): void } } = {}): { ready: Promise<void>; zones(): "all" | number[]; stop(): void } {
  let current: "all" | number[] = "all";
  const refresh = () => zonesAirableBy(db, group).then((z) => void (current = z), (e: Error) => opts.logger?.debug(`airable zones not refreshed: ${e.message}`));
  const ready = refresh();
  const t = setInterval(() => void refresh(), opts.everyMs ?? 5_000);
  t.unref();
  return { ready, zones: () => current, stop: () => clearInterval(t) };
}
