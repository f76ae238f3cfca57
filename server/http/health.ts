// GET /api/health: 200 when DB, Redis, ffmpeg/ffprobe and queues answer and the airing
// side is alive (a scheduler, and a worker able to air every zone with a session in the
// horizon: server/liveness.ts), else 503 — "unhealthy" when nothing would air, otherwise
// "degraded". Anonymous callers (load balancers, monitors) learn only the status;
// signed-in users also see what failed; administrators see every check, versions, which
// ffmpeg runs, the private Redis's supervision state and the live processes.
import { execFile } from "node:child_process";
import type { Hono } from "hono";
import type { AppDeps, AppEnv } from "../app.ts";
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

export async function healthReport(deps: AppDeps): Promise<{ ok: boolean; status: "ok" | "degraded" | "unhealthy"; checks: Record<string, Check> }> {
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

export function healthRoutes(api: Hono<AppEnv>, deps: AppDeps) {
  api.get("/health", async (c) => {
    const report = await healthReport(deps);
    const status = report.status;
    const code = report.ok ? 200 : 503;
    const user = c.get("user");
    if (!user) return c.json({ status }, code);
    const failed = Object.entries(report.checks).filter(([, v]) => !v.ok).map(([k]) => k);
    if (user.role !== "admin") return c.json({ status, failed }, code);
    return c.json({ status, failed, checks: report.checks, time: deps.clock.now().toISOString() }, code);
  });
}
