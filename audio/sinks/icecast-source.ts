// An Icecast source client of our own: one HTTP `PUT <mount>` with Basic auth, then the
// request body is the MP3 stream itself, written frame by frame for as long as we air.
// Icecast 2.4 accepts this (libshout's HTTP protocol); verified against Debian's 2.4.4:
//   → PUT /m.mp3 HTTP/1.1 + Authorization + Content-Type: audio/mpeg + Expect: 100-continue
//   ← "HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n" then "HTTP/1.0 200 OK\r\n\r\n"
//   ← or "HTTP/1.0 401 Authentication Required …" / "HTTP/1.0 403 Forbidden … Mountpoint in use"
// Without Expect, 2.4.4 answers the 200 alone; both are handled. The body must not be
// chunked (Icecast 2.4 does not decode chunked sources and would pass the chunk sizes on to
// listeners), which is why this writes the request on a raw net/tls socket instead of
// node:http's ClientRequest. No audio is sent before the 200, so a refusal costs nothing.
// The password travels only in the Authorization header: no child process, no argv.
import net from "node:net";
import tls from "node:tls";
import { CANONICAL } from "../canonical.ts";

export interface IcecastSourceConfig {
  host: string;
  port: number;
  mount: string;
  user: string;
  password: string;
  tls?: boolean;
  name?: string;
  description?: string;
  genre?: string;
  public?: boolean;
}

/** Icecast answered, but not with 2xx (401 bad password, 403 mount in use, …). */
export class IcecastRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly body: string,
  ) {
    super(`HTTP ${status} ${statusText}${body ? `: ${body}` : ""}`);
    this.name = "IcecastRefusedError";
  }
}

/** Header values come from operator config: no control characters (header injection). */
const headerValue = (s: string) => s.replace(/[\x00-\x1f\x7f]+/g, " ").trim();

const hostHeader = (c: IcecastSourceConfig) => `${net.isIPv6(c.host) ? `[${c.host}]` : c.host}:${c.port}`;

/** The request head of a source connection (pure; UTF-8 like ffmpeg's, for Vietnamese names). */
export function icecastRequestHead(c: IcecastSourceConfig): string {
  const auth = Buffer.from(`${c.user}:${c.password}`, "utf8").toString("base64");
  const lines = [
    `PUT ${c.mount} HTTP/1.1`,
    `Host: ${hostHeader(c)}`,
    `Authorization: Basic ${auth}`,
    "User-Agent: LoaXa",
    "Content-Type: audio/mpeg",
    `Ice-Public: ${c.public ? 1 : 0}`,
    ...(c.name ? [`Ice-Name: ${headerValue(c.name)}`] : []),
    ...(c.description ? [`Ice-Description: ${headerValue(c.description)}`] : []),
    ...(c.genre ? [`Ice-Genre: ${headerValue(c.genre)}`] : []),
    `Ice-Audio-Info: samplerate=${CANONICAL.sampleRate};channels=${CANONICAL.channels};bitrate=${CANONICAL.bitRateKbps}`,
    "Expect: 100-continue",
  ];
  return `${lines.join("\r\n")}\r\n\r\n`;
}

interface ResponseHead {
  status: number;
  statusText: string;
  /** Bytes after the head (the start of an error body). */
  rest: Buffer;
}

/** Parses one response head from `buf`, or null if it is not complete yet. */
export function parseResponseHead(buf: Buffer): ResponseHead | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString("latin1");
  const m = /^(?:HTTP|ICE)\/\d(?:\.\d)? (\d{3})(?: ([^\r\n]*))?/.exec(head);
  if (!m) throw new Error(`not an HTTP answer: ${JSON.stringify(head.slice(0, 80))}`);
  return { status: Number(m[1]), statusText: m[2] ?? "", rest: buf.subarray(end + 4) };
}

export interface ConnectSourceOptions {
  /** Connect plus answer must happen within this (ms). */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Opens a source connection and resolves with the socket once Icecast said 200; the
 * caller writes MP3 frames to it. Rejects with IcecastRefusedError on a non-2xx answer,
 * or with the socket error (ECONNREFUSED, timeout, closed before answering).
 */
export function connectIcecastSource(c: IcecastSourceConfig, opts: ConnectSourceOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new Error("aborted"));
    const socket: net.Socket = c.tls
      ? tls.connect({ host: c.host, port: c.port, ...(net.isIP(c.host) ? {} : { servername: c.host }) })
      : net.connect({ host: c.host, port: c.port });
    let buf: Buffer = Buffer.alloc(0);
    let refused: { status: number; statusText: string } | null = null;
    let settled = false;
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
    };
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.on("error", () => undefined); // a late error of a discarded socket must not crash us
      socket.destroy();
      reject(err);
    };
    const refuse = () => {
      const body = buf.toString("utf8").replace(/\s+/g, " ").trim().slice(0, 200);
      fail(new IcecastRefusedError(refused!.status, refused!.statusText, body));
    };
    const onData = (b: Buffer) => {
      buf = Buffer.concat([buf, b]);
      if (refused) {
        if (buf.length > 4096) refuse();
        return;
      }
      try {
        for (let head = parseResponseHead(buf); head; head = parseResponseHead(buf)) {
          buf = head.rest;
          if (head.status >= 100 && head.status < 200) continue; // 100 Continue: the 200 follows
          if (head.status >= 200 && head.status < 300) {
            settled = true;
            cleanup();
            socket.setNoDelay(true);
            return resolve(socket);
          }
          // Icecast sends a short text body and closes; wait briefly for it.
          refused = { status: head.status, statusText: head.statusText };
          setTimeout(() => refused && !settled && refuse(), 200);
          return;
        }
      } catch (e) {
        fail(e as Error);
      }
    };
    const onError = (err: Error) => fail(err);
    const onClose = () => (refused ? refuse() : fail(new Error("connection closed before Icecast answered")));
    const onAbort = () => fail(new Error("aborted"));
    const timer = setTimeout(() => fail(new Error(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.once(c.tls ? "secureConnect" : "connect", () => socket.write(icecastRequestHead(c), "utf8"));
  });
}
