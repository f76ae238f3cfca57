// The dashboard's health line: what /api/health says (read even when it answers 503), in
// words. Everyone sees the overall state and what failed; an administrator also sees the
// airing side (live schedulers and playout workers, zones nobody can air) and the
// private Redis's supervision (running / restarting / down, restarts).
import { useQuery } from "@tanstack/react-query";
import { useLocale, type MessageKey } from "../i18n/index.ts";

interface Beat {
  host: string;
  pid: number;
  roles: string[];
  zones: "all" | number[];
}

interface HealthBody {
  status: "ok" | "degraded" | "unhealthy";
  failed?: string[];
  checks?: {
    redis?: { ok: boolean; mode?: "private" | "external"; state?: string; restarts?: number };
    scheduler?: { ok: boolean; alive?: Beat[] };
    workers?: { ok: boolean; alive?: Beat[]; unserved?: { code: string; name: string; nextSession: string }[] };
  };
}

const CHECK_NAMES = ["database", "redis", "queues", "ffmpeg", "ffprobe", "scheduler", "workers"] as const;

async function fetchHealth(): Promise<HealthBody> {
  // Not through the API client: a 503 here is an answer to show, not an error.
  const r = await fetch("/api/health", { credentials: "same-origin", headers: { accept: "application/json" } });
  return (await r.json()) as HealthBody;
}

export function SystemHealth() {
  const l = useLocale();
  const q = useQuery({ queryKey: ["system-health"], queryFn: fetchHealth, refetchInterval: 15_000 });
  if (q.error) return <p data-testid="system-health"><span className="badge tone-bad">{l.t("health.unreachable")}</span></p>;
  const h = q.data;
  if (!h) return null;
  const name = (c: string) => ((CHECK_NAMES as readonly string[]).includes(c) ? l.t(`health.check.${c}` as MessageKey) : c);
  const redis = h.checks?.redis;
  const workers = h.checks?.workers;
  const schedulers = h.checks?.scheduler?.alive;
  return (
    <div data-testid="system-health" data-status={h.status}>
      <p>
        {h.status === "ok" ? (
          <span className="badge tone-ok">{l.t("dash.healthOk")}</span>
        ) : (
          <span className={`badge ${h.status === "unhealthy" ? "tone-bad" : "tone-warn"}`} role="status">
            {l.t(h.status === "unhealthy" ? "health.unhealthy" : "dash.healthBad", { what: (h.failed ?? []).map(name).join(", ") })}
          </span>
        )}
      </p>
      {workers?.unserved?.length ? (
        <p className="bad" data-testid="health-unserved">
          {l.t("health.unserved", { zones: workers.unserved.map((z) => `${z.name} (${l.date(z.nextSession)} ${l.time(z.nextSession)})`).join(", ") })}
        </p>
      ) : null}
      {h.checks ? (
        <ul className="muted" data-testid="health-detail">
          {redis?.mode ? (
            <li data-testid="health-redis" data-state={redis.state ?? (redis.ok ? "running" : "down")}>
              {redis.mode === "private"
                ? l.t("health.redisPrivate", { state: l.t(`health.state.${redis.state ?? "down"}` as MessageKey), restarts: redis.restarts ?? 0 })
                : l.t("health.redisExternal", { state: l.t(redis.ok ? "health.state.running" : "health.state.down") })}
            </li>
          ) : null}
          {schedulers ? <li>{l.t("health.schedulers", { n: schedulers.length, where: schedulers.map((b) => `${b.host}:${b.pid}`).join(", ") || "—" })}</li> : null}
          {workers?.alive ? <li>{l.t("health.workers", { n: workers.alive.length, where: workers.alive.map((b) => `${b.host}:${b.pid}`).join(", ") || "—" })}</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
