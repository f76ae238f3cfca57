// Opens a relay stream with our own HTTP client instead of letting ffmpeg fetch it:
// every redirect hop is checked against the address policy, and each connection goes to
// exactly the address that was checked (the checked lookup result is what the socket
// dials; nothing resolves the name again, so DNS rebinding cannot swap it).
import dns from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import net from "node:net";
import { addressAllowed, type PrivateAllowance } from "./net-policy.ts";

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface RelayFetchOptions {
  allowPrivate: PrivateAllowance;
  /** Whole time for connecting and receiving the response headers, all hops together. */
  timeoutMs?: number;
  /** A connection silent this long is dropped (default 5000 ms). */
  idleTimeoutMs?: number;
  maxRedirects?: number;
  signal?: AbortSignal;
  /** Name resolution (default: the system resolver, every address of the name). */
  resolve?: Resolver;
}

export interface RelayResponse {
  response: IncomingMessage;
  /** The URL that answered (after redirects). */
  url: URL;
  /** The address the connection went to. */
  address: string;
}

/** A refusal or failure with the reason in Vietnamese and English. */
export class RelayFetchError extends Error {
  constructor(
    readonly code: "BAD_SCHEME" | "PRIVATE_ADDRESS" | "UNRESOLVABLE" | "TOO_MANY_REDIRECTS" | "HTTP_STATUS" | "NETWORK" | "TIMEOUT",
    readonly messageVi: string,
    readonly messageEn: string,
  ) {
    super(`${messageVi} / ${messageEn}`);
    this.name = "RelayFetchError";
  }
}

const systemResolve: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** icecast:// listener URLs are plain HTTP; anything else but http(s) is refused. */
export function relayHttpUrl(raw: string | URL): URL {
  const u = new URL(String(raw));
  if (u.protocol === "icecast:") return new URL(`http:${u.href.slice("icecast:".length)}`);
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new RelayFetchError("BAD_SCHEME", `Địa chỉ tiếp sóng phải là http, https hoặc icecast (${u.protocol})`, `Relay URL must be http, https or icecast (${u.protocol})`);
  }
  return u;
}

const refusedAddress = (host: string, addr: string) =>
  new RelayFetchError(
    "PRIVATE_ADDRESS",
    `Địa chỉ tiếp sóng ${host} trỏ vào mạng nội bộ (${addr}); quản trị viên cần cho phép bằng RELAY_ALLOW_PRIVATE.`,
    `The relay host ${host} points to a private or loopback address (${addr}); an administrator must allow it with RELAY_ALLOW_PRIVATE.`,
  );

/**
 * Resolves `host` once and checks every address: one private address refuses the name
 * (a rebinding name often answers both). Returns the addresses the socket may dial.
 */
export async function checkedAddresses(host: string, opts: Pick<RelayFetchOptions, "allowPrivate" | "resolve">): Promise<Array<{ address: string; family: number }>> {
  const bare = host.replace(/^\[|\]$/g, "");
  let addrs: Array<{ address: string; family: number }>;
  if (net.isIP(bare)) addrs = [{ address: bare, family: net.isIP(bare) }];
  else {
    try {
      addrs = await (opts.resolve ?? systemResolve)(bare);
    } catch {
      addrs = [];
    }
    if (!addrs.length) throw new RelayFetchError("UNRESOLVABLE", `Không phân giải được tên máy chủ tiếp sóng "${bare}".`, `Cannot resolve the relay host "${bare}".`);
  }
  const bad = addrs.find((a) => !addressAllowed(a.address, opts.allowPrivate));
  if (bad) throw refusedAddress(bare, bad.address);
  return addrs;
}

/** One request to `url` whose socket can only dial `addrs`. */
function requestOnce(url: URL, addrs: Array<{ address: string; family: number }>, opts: RelayFetchOptions, signal: AbortSignal): Promise<{ res: IncomingMessage; address: string }> {
  return new Promise((resolve, reject) => {
    let used = addrs[0]!.address;
    // The pinned lookup: hands the socket the already-checked addresses, never the resolver.
    const lookup = (_host: string, o: { all?: boolean } | undefined, cb: (...a: unknown[]) => void) => {
      if (o?.all) cb(null, addrs);
      else cb(null, addrs[0]!.address, addrs[0]!.family);
    };
    const mod = url.protocol === "https:" ? https : http;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const req = mod.request(url, {
      method: "GET",
      agent: false,
      // An IP literal is dialled as is; a name goes through the pinned lookup.
      ...(net.isIP(host) ? {} : { lookup: lookup as unknown as typeof dns.lookup }),
      headers: { "user-agent": "LoaXa-relay/1", "icy-metadata": "0", accept: "*/*" },
      signal,
    });
    req.setTimeout(opts.idleTimeoutMs ?? 5000, () => req.destroy(new RelayFetchError("TIMEOUT", "Máy chủ tiếp sóng không trả lời.", "The relay server does not answer.")));
    req.on("socket", (s) => s.on("connect", () => (used = s.remoteAddress ?? used)));
    req.once("response", (res) => {
      req.setTimeout(0); // the body's stalls are judged by the reader, which may pause
      resolve({ res, address: used });
    });
    req.once("error", (e) => reject(e));
    req.end();
  });
}

/** GET the relay URL, following up to `maxRedirects` redirects, each hop checked and pinned. */
export async function openRelay(raw: string | URL, opts: RelayFetchOptions): Promise<RelayResponse> {
  let url = relayHttpUrl(raw);
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => ctl.abort(new RelayFetchError("TIMEOUT", "Hết thời gian kết nối luồng tiếp sóng.", "Timed out connecting to the relay stream.")), opts.timeoutMs ?? 10_000);
  try {
    for (let hop = 0; ; hop++) {
      const addrs = await checkedAddresses(url.hostname, opts);
      const { res, address } = await requestOnce(url, addrs, opts, ctl.signal).catch((e: unknown) => {
        if (e instanceof RelayFetchError) throw e;
        if (ctl.signal.aborted && ctl.signal.reason instanceof RelayFetchError) throw ctl.signal.reason;
        const why = e instanceof Error ? e.message : String(e);
        throw new RelayFetchError("NETWORK", `Không kết nối được luồng tiếp sóng (${why}).`, `The relay stream is unreachable (${why}).`);
      });
      const status = res.statusCode ?? 0;
      const loc = res.headers.location;
      if (status >= 300 && status < 400 && loc) {
        res.destroy();
        if (hop >= (opts.maxRedirects ?? 5)) throw new RelayFetchError("TOO_MANY_REDIRECTS", "Luồng tiếp sóng chuyển hướng quá nhiều lần.", "The relay stream redirects too many times.");
        url = relayHttpUrl(new URL(loc, url));
        continue;
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        throw new RelayFetchError("HTTP_STATUS", `Luồng tiếp sóng trả về HTTP ${status}.`, `The relay stream answered HTTP ${status}.`);
      }
      // Past the headers: the caller's own idle timeout governs the body.
      clearTimeout(timer);
      return { response: res, url, address };
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}
