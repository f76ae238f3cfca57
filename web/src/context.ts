// Application-wide state handed to pages: the API client, the signed-in user and what the
// role may do, reference data (zones, categories), navigation and live events.
import { createContext, useContext, useEffect, useRef } from "react";
import type { Api } from "./api.ts";
import type { Category, Commune, LiveStatus, Role, User, Zone } from "./types.ts";

export interface Permissions {
  /** items, programs, campaigns */
  editContent: boolean;
  /** schedules, air now, emergency */
  schedule: boolean;
  /** users, zones, commune */
  administer: boolean;
  /** monthly report generation */
  generateReports: boolean;
  /** content approval (leaders) */
  approve: boolean;
}

export function permissionsOf(role: Role): Permissions {
  return {
    editContent: role === "admin" || role === "editor" || role === "operator",
    schedule: role === "admin" || role === "operator",
    administer: role === "admin",
    generateReports: role === "admin" || role === "editor" || role === "operator" || role === "leader",
    approve: role === "admin" || role === "leader",
  };
}

export interface LiveEvent {
  type: string;
  [key: string]: unknown;
}

export interface AppState {
  api: Api;
  user: User;
  can: Permissions;
  commune: Commune | null;
  zones: Zone[];
  categories: Category[];
  reloadRefs(): Promise<void>;
  navigate(path: string): void;
  live: { status: LiveStatus | null; connected: boolean; subscribe(fn: (e: LiveEvent) => void): () => void };
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error("useApp outside AppContext");
  return ctx;
}

/** Calls handler for every live (SSE) event; the latest handler is used without resubscribing. */
export function useLiveEvents(handler: (e: LiveEvent) => void): void {
  const { subscribe } = useApp().live;
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => subscribe((e) => ref.current(e)), [subscribe]);
}
