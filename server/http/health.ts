// GET /api/health: 200 when DB, Redis, ffmpeg/ffprobe and queues answer and the airing
// side is alive (a scheduler, and a worker able to air every zone with a session in the
// horizon: server/liveness.ts), else 503 — "unhealthy" when nothing would air, otherwise
// "degraded". Anonymous callers (load balancers, monitors) learn only the status;
// signed-in users also see what failed; administrators see every check, versions, which
// ffmpeg runs, the private Redis's supervision state and the live processes.
import type { Hono } from "hono";
import type { AppEnv } from "./context.ts";
import type { AppDeps } from "../app.ts";
import { healthReport } from "../services/health.ts";

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
