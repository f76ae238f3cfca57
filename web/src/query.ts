// Server state lives in one TanStack Query cache. Live (SSE) events patch or invalidate
// that cache through functional updates, so two events arriving together both land
// (each update starts from the latest cache, never from a component's stale copy).
import { QueryClient, useQuery, type QueryKey } from "@tanstack/react-query";
import { ApiError } from "./api.ts";
import type { LiveEvent } from "./context.ts";
import type { Airing, Item, LiveStatus } from "./types.ts";
import { useApp } from "./context.ts";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live events keep the cache fresh; a refetch on focus covers a dropped stream.
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        // One retry for network or server errors; a 4xx answer will not change.
        retry: (count, err) => count < 1 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
      },
    },
  });
}

/** GET path → data, cached under key. */
export function useApiGet<T>(key: QueryKey, path: string | null, opts: { refetchInterval?: number | false } = {}) {
  const { api } = useApp();
  return useQuery<T>({ queryKey: key, queryFn: () => api.get<T>(path!), enabled: path !== null, refetchInterval: opts.refetchInterval });
}

type AiringList = { airings: Airing[] };
type ItemList = { items: Item[] };
type CalendarData = { sessions: { airingId: number | null; status: string }[] };

/** Applies one live event to the cache. */
export function applyLiveEvent(qc: QueryClient, e: LiveEvent): void {
  switch (e.type) {
    case "status":
      qc.setQueryData<LiveStatus>(["status"], e as unknown as LiveStatus);
      return;
    case "airing.status": {
      const id = Number(e.airingId);
      const status = String(e.status) as Airing["status"];
      qc.setQueriesData<AiringList>({ queryKey: ["airings"] }, (old) => (old ? { ...old, airings: old.airings.map((a) => (a.id === id ? { ...a, status } : a)) } : old));
      qc.setQueriesData<CalendarData>({ queryKey: ["calendar"] }, (old) => (old ? { ...old, sessions: old.sessions.map((s) => (s.airingId === id ? { ...s, status } : s)) } : old));
      void qc.invalidateQueries({ queryKey: ["airing", id] });
      void qc.invalidateQueries({ queryKey: ["deficits"] });
      void qc.invalidateQueries({ queryKey: ["emergencies"] });
      // The snapshot that follows each event batch may predate the worker's last write.
      void qc.invalidateQueries({ queryKey: ["status"] });
      return;
    }
    case "airing.rendered":
      void qc.invalidateQueries({ queryKey: ["airing", Number(e.airingId)] });
      void qc.invalidateQueries({ queryKey: ["airings"] });
      void qc.invalidateQueries({ queryKey: ["calendar"] });
      return;
    case "plan.updated":
      void qc.invalidateQueries({ queryKey: ["airings"] });
      void qc.invalidateQueries({ queryKey: ["calendar"] });
      void qc.invalidateQueries({ queryKey: ["deficits"] });
      return;
    case "item.progress": {
      const id = Number(e.itemId);
      const progress = Number(e.progress);
      qc.setQueriesData<ItemList>({ queryKey: ["items"] }, (old) => (old ? { ...old, items: old.items.map((i) => (i.id === id ? { ...i, progress, status: "processing" } : i)) } : old));
      return;
    }
    case "item.status":
      void qc.invalidateQueries({ queryKey: ["items"] });
      void qc.invalidateQueries({ queryKey: ["item", Number(e.itemId)] });
      return;
    case "emergency.started":
    case "emergency.cancelled":
      void qc.invalidateQueries({ queryKey: ["emergencies"] });
      void qc.invalidateQueries({ queryKey: ["airings"] });
      void qc.invalidateQueries({ queryKey: ["calendar"] });
      void qc.invalidateQueries({ queryKey: ["status"] });
      return;
    case "report.ready":
      void qc.invalidateQueries({ queryKey: ["reports-archive"] });
      return;
    case "alert.raised":
    case "alert.acknowledged":
    case "alert.resolved":
      void qc.invalidateQueries({ queryKey: ["alerts"] });
      return;
  }
}
