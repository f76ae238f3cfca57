// The HTTP client of the SPA: JSON in/out, the CSRF header on every mutation, bilingual
// API errors surfaced as ApiError, and an XHR upload that reports progress. The client's
// own fallback errors take both texts from the message catalogue, like the server's.
import { vi } from "./i18n/vi.ts";
import { en } from "./i18n/en.ts";
import type * as T from "./types.ts";

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageVi: string,
    readonly messageEn: string,
    readonly fields: FieldError[] = [],
  ) {
    super(messageEn);
    this.name = "ApiError";
  }
}

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Request bodies by route: the types of the zod schemas the server validates them with
 * (server/contract). `send` checks a body against its route's entry; a path written as a
 * template (`/api/items/${id}`) is typed `/api/items/${number}` and matches that entry.
 */
export type Bodies =
  | ["POST", "/api/auth/login", T.LoginInput]
  | ["POST", "/api/auth/password", T.PasswordChangeInput]
  | ["POST", "/api/users", T.UserCreateInput]
  | ["PATCH", `/api/users/${number}`, T.UserPatchInput]
  | ["PUT", "/api/commune", T.CommuneInput]
  | ["POST", "/api/zones", T.ZoneInput]
  | ["PUT", `/api/zones/${number}`, T.ZoneInput]
  | ["POST", "/api/categories", T.CategoryInput]
  | ["POST", "/api/items", T.ItemCreate]
  | ["PATCH", `/api/items/${number}`, T.ItemPatch]
  | ["POST", "/api/programs", T.ProgramInput]
  | ["PUT", `/api/programs/${number}`, T.ProgramInput]
  | ["POST", "/api/schedules", T.ScheduleInput]
  | ["PUT", `/api/schedules/${number}`, T.ScheduleInput]
  | ["POST", "/api/campaigns", T.CampaignInput]
  | ["PUT", `/api/campaigns/${number}`, T.CampaignInput]
  | ["POST", "/api/campaigns/feasibility", T.CampaignInput]
  | ["POST", "/api/airings/air-now", T.AirNowInput];
type Mutation = Exclude<Method, "GET">;
type BodyMatch<M extends Mutation, P extends string, R = Bodies> = R extends [M, infer Path, infer B] ? (P extends Path ? B : never) : never;
/** The body type of a route with a contract entry, else anything. */
export type BodyOf<M extends Mutation, P extends string> = [BodyMatch<M, P>] extends [never] ? unknown : BodyMatch<M, P>;

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T, M extends Mutation = Mutation, P extends `/api/${string}` = `/api/${string}`>(method: M, path: P, body?: BodyOf<M, P>): Promise<T>;
  upload<T>(path: string, form: FormData, onProgress: (pct: number) => void): Promise<T>;
  setCsrf(token: string): void;
}

function readCookie(name: string): string {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
}

function errorFrom(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: string; messageVi?: string; messageEn?: string; message?: string; details?: { fields?: FieldError[] } } } | null)?.error;
  if (e) return new ApiError(status, e.code ?? "HTTP_" + status, e.messageVi ?? e.message ?? "", e.messageEn ?? e.message ?? "", e.details?.fields ?? []);
  const fill = (s: string) => s.replace("{status}", String(status));
  return new ApiError(status, "HTTP_" + status, fill(vi["error.http"]), fill(en["error.http"]));
}

const networkError = () => new ApiError(0, "NETWORK", vi["error.network"], en["error.network"]);

/** onAuthLost runs when the server says the session is gone (401), so the app shows sign-in. */
export function createApi(onAuthLost: () => void): Api {
  let csrf = "";
  const token = () => readCookie("lx_csrf") || csrf;

  const handle = async <T>(res: Response, path: string): Promise<T> => {
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!res.ok) {
      if (res.status === 401 && !path.startsWith("/api/auth/")) onAuthLost();
      throw errorFrom(res.status, body);
    }
    return body as T;
  };

  return {
    setCsrf(t) {
      csrf = t;
    },
    async get<T>(path: string) {
      const res = await fetch(path, { credentials: "same-origin", headers: { accept: "application/json" } }).catch(() => {
        throw networkError();
      });
      return handle<T>(res, path);
    },
    async send<T>(method: Mutation, path: string, body?: unknown) {
      const headers: Record<string, string> = { accept: "application/json", "x-csrf-token": token() };
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) }).catch(() => {
        throw networkError();
      });
      return handle<T>(res, path);
    },
    upload<T>(path: string, form: FormData, onProgress: (pct: number) => void) {
      // fetch() cannot report upload progress; XMLHttpRequest can.
      return new Promise<T>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", path);
        xhr.setRequestHeader("x-csrf-token", token());
        xhr.setRequestHeader("accept", "application/json");
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
        };
        xhr.onerror = () => reject(networkError());
        xhr.onload = () => {
          let body: unknown = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            body = null;
          }
          if (xhr.status >= 200 && xhr.status < 300) {
            onProgress(100);
            resolve(body as T);
          } else {
            if (xhr.status === 401) onAuthLost();
            reject(errorFrom(xhr.status, body));
          }
        };
        xhr.send(form);
      });
    },
  };
}

/** Builds a query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? "?" + s : "";
}
