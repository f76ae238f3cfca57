// Request body limits, applied before anything parses a body: a declared length over the
// limit is refused without reading a byte; an undeclared (chunked) body is counted while
// it is read and refused as soon as it passes the limit. JSON is also checked for depth
// before JSON.parse, so deep nesting cannot reach recursive code (nfcDeep, zod).
import { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../errors.ts";

/** Sign-in carries a user name (≤ 64) and a password (≤ 200): 8 KiB is ample. */
export const LOGIN_BODY_MAX_BYTES = 8 * 1024;
/** Deepest JSON nesting accepted; our schemas need at most 4. */
export const JSON_MAX_DEPTH = 32;
/** Multipart envelope (boundaries, part headers, text fields) allowed on top of the file. */
export const UPLOAD_ENVELOPE_BYTES = 256 * 1024;

const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface BodyLimitOptions {
  /**
   * Paths whose body is streamed by the route itself (uploads), with their own limit. A
   * segment ":name" stands for a numeric id ("/api/directives/:id/attachment").
   */
  streamed: Record<string, number>;
  /** Per-path limits for buffered bodies; `jsonMaxBytes` elsewhere. */
  perPath: Record<string, number>;
  jsonMaxBytes: number;
}

const kb = (n: number) => (n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export const bodyTooLarge = (max: number) =>
  new AppError(413, "BODY_TOO_LARGE", `Dữ liệu gửi lên quá lớn (tối đa ${kb(max)}).`, `The request body is too large (at most ${kb(max)}).`, { maxBytes: max });

export const jsonTooDeep = () =>
  new AppError(400, "JSON_TOO_DEEP", `Dữ liệu JSON lồng nhau quá sâu (tối đa ${JSON_MAX_DEPTH} cấp).`, `The JSON is nested too deeply (at most ${JSON_MAX_DEPTH} levels).`, { maxDepth: JSON_MAX_DEPTH });

/** Declared Content-Length, or null for a chunked body. */
export function declaredLength(c: Context): number | null {
  if (c.req.header("transfer-encoding")) return null;
  const v = c.req.header("content-length");
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** True when brackets outside strings nest deeper than `max`. Linear, no recursion. */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > max) return true;
    } else if (ch === 93 || ch === 125) depth--;
  }
  return false;
}

/** Reads at most `max` bytes of the body; throws 413 the moment more arrive. */
export async function readBounded(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) throw bodyTooLarge(max);
      parts.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** The limit of a streamed path: an exact key, or a key whose ":name" segments match numeric ids. */
export function streamedLimit(streamed: Record<string, number>, path: string): number | undefined {
  if (streamed[path] !== undefined) return streamed[path];
  const segs = path.split("/");
  for (const [pattern, max] of Object.entries(streamed)) {
    const ps = pattern.split("/");
    if (ps.length === segs.length && ps.some((p) => p.startsWith(":")) && ps.every((p, i) => (p.startsWith(":") ? /^\d{1,12}$/.test(segs[i]!) : p === segs[i]))) return max;
  }
  return undefined;
}

export function bodyLimits(opts: BodyLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    if (!WITH_BODY.has(c.req.method) || !c.req.raw.body) return next();
    const streamedMax = streamedLimit(opts.streamed, c.req.path);
    const max = streamedMax ?? opts.perPath[c.req.path] ?? opts.jsonMaxBytes;
    const declared = declaredLength(c);
    if (declared !== null && declared > max) {
      throw streamedMax !== undefined ? fileTooLarge(streamedMax - UPLOAD_ENVELOPE_BYTES) : bodyTooLarge(max);
    }
    if (streamedMax !== undefined) return next();
    const bytes = await readBounded(c.req.raw.body, max);
    const text = new TextDecoder().decode(bytes);
    if (/json/i.test(c.req.header("content-type") ?? "") && jsonDeeperThan(text, JSON_MAX_DEPTH)) throw jsonTooDeep();
    // Hand the (already read) body on as text; later c.req.json() parses from it.
    c.req.raw = new Request(c.req.raw, { body: text });
    return next();
  };
}

export const fileTooLarge = (maxBytes: number) => {
  const mb = Math.round(maxBytes / 1024 / 1024);
  return new AppError(413, "FILE_TOO_LARGE", `Tệp quá lớn (tối đa ${mb} MB).`, `The file is too large (at most ${mb} MB).`, { maxBytes });
};

const LINGER_MS = 2000;

/** The Node request behind this context, when served by @hono/node-server. */
function incomingOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

/** True while the client may still be sending a body nobody will read. */
export function hasUnreadBody(c: Context): boolean {
  const incoming = incomingOf(c);
  return !!incoming?.socket && WITH_BODY.has(c.req.method) && !incoming.readableEnded;
}

/**
 * After refusing a request whose body is still arriving: answer, then read no more of
 * it and close gracefully. Closing at once would reset the connection while the client
 * is still sending, and it could lose our answer; draining would read what we refused
 * (the server adapter would discard up to 64 MB). So the socket gets "Connection: close",
 * its reading stays stopped, our side is shut after the answer (FIN) and the socket is
 * dropped LINGER_MS later, by when the client has read the answer and stopped.
 */
export function closeWithoutReading(c: Context): void {
  const incoming = incomingOf(c);
  const socket = incoming?.socket;
  if (!incoming || !socket) return;
  c.header("connection", "close");
  incoming.pause();
  // Both Node (req._dump) and the adapter (drain) resume a request to discard its body.
  incoming.resume = () => incoming;
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
