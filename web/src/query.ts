// Server state lives in one TanStack Query cache. Live (SSE) events patch or invalidate
// that cache through functional updates, so two events arriving together both land
// (each update starts from the latest cache, never from a component's stale copy).
import { useRef, useState } from "react";
import { QueryClient, useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { ApiError, type Api } from "./api.ts";
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

/** One page of a list: rows under `field`, and the cursor of the next page (null: last page). */
export type Page<F extends string, T> = { [K in F]: T[] } & { nextCursor: string | null };

const withCursor = (path: string, cursor: string | null, limit: number) =>
  path + (path.includes("?") ? "&" : "?") + `limit=${limit}` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : "");

/** Every page of a list, joined (pickers that must offer the whole library, today's airings). */
export async function fetchAllPages<F extends string, T>(api: Api, path: string, field: F, pageSize = 500): Promise<Page<F, T>> {
  const rows: T[] = [];
  for (let cursor: string | null = null; ; ) {
    const page: Page<F, T> = await api.get<Page<F, T>>(withCursor(path, cursor, pageSize));
    rows.push(...page[field]);
    cursor = page.nextCursor;
    if (!cursor) return { [field]: rows, nextCursor: null } as Page<F, T>;
  }
}

/** GET every page of a paged list → one `{ [field]: rows }` under key (live events patch it as one list). */
export function useApiGetAll<F extends string, T>(key: QueryKey, path: string | null, field: F, opts: { refetchInterval?: number | false } = {}) {
  const { api } = useApp();
  return useQuery<Page<F, T>>({ queryKey: key, queryFn: () => fetchAllPages<F, T>(api, path!, field), enabled: path !== null, refetchInterval: opts.refetchInterval });
}

/**
 * A paged list shown with "load more": the cache holds the pages loaded so far as one list
 * (`{ [field]: rows, nextCursor }`, the shape live events patch), and a refetch reloads as
 * many rows as are shown, so an invalidation never folds the list back to its first page.
 */
export function usePagedList<F extends string, T>(key: QueryKey, path: string, field: F, pageSize: number, opts: { refetchInterval?: (rows: T[] | undefined) => number | false } = {}) {
  const { api } = useApp();
  const qc = useQueryClient();
  const shown = useRef(pageSize);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const q = useQuery<Page<F, T>>({
    queryKey: key,
    queryFn: async () => {
      // Reload what is shown, page by page (one request while it fits in one page).
      const rows: T[] = [];
      let cursor: string | null = null;
      do {
        const want = Math.min(500, Math.max(pageSize, shown.current - rows.length));
        const page: Page<F, T> = await api.get<Page<F, T>>(withCursor(path, cursor, want));
        rows.push(...page[field]);
        cursor = page.nextCursor;
      } while (cursor && rows.length < shown.current);
      return { [field]: rows, nextCursor: cursor } as Page<F, T>;
    },
    refetchInterval: opts.refetchInterval ? (query) => opts.refetchInterval!(query.state.data?.[field]) : undefined,
  });
  const loadMore = async () => {
    const cur = q.data;
    if (!cur?.nextCursor || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.get<Page<F, T>>(withCursor(path, cur.nextCursor, pageSize));
      qc.setQueryData<Page<F, T>>(key, (old) => {
        const rows = [...(old?.[field] ?? []), ...page[field]];
        shown.current = rows.length;
        return { ...old, [field]: rows, nextCursor: page.nextCursor } as Page<F, T>;
      });
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };
  return { data: q.data?.[field], error: q.error ?? moreError, loading: q.isLoading, hasMore: Boolean(q.data?.nextCursor), loadingMore, loadMore };
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
