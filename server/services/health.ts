// The health checks behind GET /api/health: database, Redis, queues, ffmpeg/ffprobe and
// whether the airing side is alive (server/liveness.ts). Each check has its own time limit.
import { execFile } from "node:child_process";
import type { RedisSupervision } from "../redis.ts";
import type { Deps } from "./deps.ts";
import { ffmpegBinary, ffprobeBinary } from "../../audio/ffmpeg.ts";
import { whenReady } from "../redis.ts";
import { checkLiveness } from "../liveness.ts";

type Check = { ok: boolean; detail?: string; [k: string]: unknown };

const binaryCache = new Map<string, { at: number; check: Check }>();

function checkBinary(bin: string): Promise<Check> {
  const hit = binaryCache.get(bin);
  // A success is remembered for a minute, a failure for 5 s (a loaded machine may be slow once).
  if (hit && Date.now() - hit.at < (hit.check.ok ? 60_000 : 5_000)) return Promise.resolve(hit.check);
  return new Promise((resolve) => {
    execFile(bin, ["-version"], { timeout: 10_000 }, (err, stdout) => {
      const check: Check = err ? { ok: false, detail: err.message } : { ok: true, version: stdout.split("\n")[0] };
      binaryCache.set(bin, { at: Date.now(), check });
      resolve(check);
    });
  });
}

async function timed<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

export async function healthReport(deps: Pick<Deps, "db" | "redis" | "config" | "clock" | "queues"> & { redisSupervision?: () => RedisSupervision }): Promise<{ ok: boolean; status: "ok" | "degraded" | "unhealthy"; checks: Record<string, Check> }> {
  const checks: Record<string, Check> = {};
  await Promise.all([
    timed(deps.db.$queryRawUnsafe("SELECT 1"), 3000).then(
      () => (checks.database = { ok: true }),
      (e: Error) => (checks.database = { ok: false, detail: e.message }),
    ),
    timed(whenReady(deps.redis, 1500).then((ok) => (ok ? deps.redis.ping() : Promise.reject(new Error(`not connected (${deps.redis.status})`)))), 2000).then(
      () => (checks.redis = { ok: true, ...deps.redisSupervision?.() }),
      (e: Error) => (checks.redis = { ok: false, detail: e.message, ...deps.redisSupervision?.() }),
    ),
    timed(checkLiveness(deps), 4000).then(
      (l) => Object.assign(checks, l),
      (e: Error) => Object.assign(checks, { scheduler: { ok: false, detail: e.message }, workers: { ok: false, detail: e.message } }),
    ),
    checkBinary(ffmpegBinary().path).then((c) => (checks.ffmpeg = { ...c, ...ffmpegBinary() })),
    checkBinary(ffprobeBinary().path).then((c) => (checks.ffprobe = { ...c, ...ffprobeBinary() })),
    timed(
      whenReady(deps.redis, 1500).then((ok) => {
        if (!ok) throw new Error("Redis is not connected");
      }).then(() => Promise.all(Object.entries(deps.queues.byName).map(async ([n, q]) => [n, await q.getJobCounts("active", "waiting", "delayed", "failed")] as const))),
      2000,
    ).then(
      (counts) => (checks.queues = { ok: true, counts: Object.fromEntries(counts) }),
      (e: Error) => (checks.queues = { ok: false, detail: e.message }),
    ),
  ]);
  const ok = Object.values(checks).every((c) => c.ok);
  return { ok, status: ok ? "ok" : !checks.scheduler?.ok || !checks.workers?.ok ? "unhealthy" : "degraded", checks };
}
