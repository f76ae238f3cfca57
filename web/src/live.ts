// One EventSource on /api/status/stream per signed-in tab: every event is applied to the
// query cache first (query.ts), then fanned out to the pages that subscribed.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { QueryClient } from "@tanstack/react-query";
import type { LiveEvent } from "./context.ts";
import type { LiveStatus } from "./types.ts";
import { applyLiveEvent } from "./query.ts";

const EVENT_TYPES = ["status", "airing.status", "airing.now", "airing.rendered", "item.progress", "item.status", "plan.updated", "emergency.started", "emergency.cancelled", "report.ready", "alert.raised", "alert.acknowledged", "alert.resolved"];

export function useLive(enabled: boolean, qc: QueryClient) {
  const [status, setStatus] = useState<LiveStatus | null>(null);
  const [connected, setConnected] = useState(false);
  const listeners = useRef(new Set<(e: LiveEvent) => void>());

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let wasOpen = false;
    const open = () => {
      es = new EventSource("/api/status/stream");
      es.onopen = () => {
        setConnected(true);
        // Events sent while the stream was down are lost: refetch what is on screen.
        if (wasOpen) void qc.invalidateQueries();
        wasOpen = true;
      };
      es.onerror = () => {
        setConnected(false);
        // A closed stream (e.g. the server restarted with an error status) is reopened
        // by hand; a merely interrupted one reconnects by itself.
        if (es && es.readyState === EventSource.CLOSED && !stopped) {
          es.close();
          retry = setTimeout(open, 5000);
        }
      };
      for (const type of EVENT_TYPES) {
        es.addEventListener(type, (msg) => {
          let data: Record<string, unknown> = {};
          try {
            data = JSON.parse((msg as MessageEvent<string>).data) as Record<string, unknown>;
          } catch {
            return;
          }
          if (type === "status") setStatus(data as unknown as LiveStatus);
          const event: LiveEvent = { ...data, type };
          applyLiveEvent(qc, event);
          listeners.current.forEach((fn) => fn(event));
        });
      }
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      es?.close();
      setConnected(false);
    };
  }, [enabled, qc]);

  const subscribe = useCallback((fn: (e: LiveEvent) => void) => {
    listeners.current.add(fn);
    return () => {
      listeners.current.delete(fn);
    };
  }, []);

  return useMemo(() => ({ status, connected, subscribe }), [status, connected, subscribe]);
}
