// Live status: now playing / next up per zone and queue health, as JSON and as SSE.
import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "./context.ts";
import type { LiveEvent } from "../events.ts";
import type { ResourceDeps } from "./index.ts";
import { zv } from "./validate.ts";
import { statusCountsQuery } from "../contract/reports.ts";
import { sharedLiveStatus, todayCounts } from "../services/status.ts";

export function statusRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const snapshot = sharedLiveStatus(deps);
  api.get("/status", async (c) => c.json(await snapshot()));
  api.get("/status/counts", zv("query", statusCountsQuery), async (c) => c.json(await todayCounts(deps, c.req.valid("query").date)));

  api.get("/status/stream", (c) =>
    streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.events.subscribe((e) => {
        queue.push(e);
        wake?.();
      });
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: "status", data: JSON.stringify(await snapshot()) });
      while (!closed) {
        if (queue.length === 0) {
          // Wait for an event, or send a heartbeat with a fresh snapshot every 15 s.
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 15_000).unref();
          });
          wake = null;
        }
        if (closed) break;
        const batch = queue.splice(0);
        for (const e of batch) await stream.writeSSE({ event: e.type, data: JSON.stringify(e) });
        await stream.writeSSE({ event: "status", data: JSON.stringify(await snapshot()) });
      }
    }),
  );
}
