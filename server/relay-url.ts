// Relay URLs (VOV, the district station) are fetched by our workers, so they are checked
// like any server-side fetch: allowed schemes only, no private or loopback addresses
// unless RELAY_ALLOW_PRIVATE=1, and the stream must answer when saved.
import dns from "node:dns/promises";
import net from "node:net";
import { AppError } from "./errors.ts";

const badUrl = (vi: string, en: string) => new AppError(422, "BAD_RELAY_URL", vi, en);

// Addresses a relay may never point at without RELAY_ALLOW_PRIVATE: loopback, private,
// link-local, CGNAT, multicast/reserved, and their IPv6 forms (mapped, NAT64, 6to4).
const BLOCKED = new net.BlockList();
for (const [a, p] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 3]] as const) BLOCKED.addSubnet(a, p, "ipv4");
for (const [a, p] of [["::", 127], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["64:ff9b::", 96], ["2002::", 16]] as const) BLOCKED.addSubnet(a, p, "ipv6");

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return BLOCKED.check(ip, "ipv4");
  if (!net.isIPv6(ip)) return true;
  // IPv4-mapped (::ffff:a.b.c.d, also written ::ffff:7f00:1): judge the IPv4 address.
  const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip);
  if (mapped) {
    if (mapped[1]) return isPrivateAddress(mapped[1]);
    const hi = parseInt(mapped[2]!, 16);
    const lo = parseInt(mapped[3]!, 16);
    return isPrivateAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return BLOCKED.check(ip, "ipv6");
}

/** Resolves the host and refuses private addresses; used when saving and again at air time. */
export async function assertPublicHost(u: URL, allowPrivate: boolean): Promise<void> {
  const host = u.hostname.replace(/^\[|\]$/g, "");
  let addrs: string[];
  try {
    addrs = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw badUrl(`Không phân giải được tên máy chủ tiếp sóng "${host}".`, `Cannot resolve the relay host "${host}".`);
  }
  if (!allowPrivate && addrs.some(isPrivateAddress)) {
    throw badUrl("Địa chỉ tiếp sóng trỏ vào mạng nội bộ; quản trị viên cần bật RELAY_ALLOW_PRIVATE.", "The relay URL points to a private or loopback address; an administrator must set RELAY_ALLOW_PRIVATE=1.");
  }
}

export function parseRelayUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw badUrl("Địa chỉ tiếp sóng không hợp lệ.", "The relay address is not a valid URL.");
  }
  if (!["http:", "https:", "icecast:"].includes(u.protocol)) {
    throw badUrl("Chỉ chấp nhận địa chỉ tiếp sóng http, https hoặc icecast.", "Only http, https or icecast relay URLs are allowed.");
  }
  if (u.username || u.password) throw badUrl("Địa chỉ tiếp sóng không được chứa mật khẩu.", "Relay URLs must not embed credentials.");
  return u;
}

export async function checkRelayUrl(raw: string, opts: { allowPrivate: boolean; timeoutMs?: number }): Promise<URL> {
  const u = parseRelayUrl(raw);
  await assertPublicHost(u, opts.allowPrivate);
  let httpUrl = new URL(u.href.replace(/^icecast:/, "http:"));
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 5000);
  try {
    // Redirects are followed by hand so every hop passes the same address check.
    let res: Response;
    for (let hop = 0; ; hop++) {
      res = await fetch(httpUrl, { signal: ctl.signal, redirect: "manual" });
      const loc = res.headers.get("location");
      if (res.status < 300 || res.status >= 400 || !loc) break;
      await res.body?.cancel();
      if (hop >= 3) throw new Error("too many redirects");
      httpUrl = parseRelayUrl(new URL(loc, httpUrl).href);
      await assertPublicHost(httpUrl, opts.allowPrivate);
    }
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    const reader = res.body.getReader();
    const first = await reader.read();
    await reader.cancel();
    if (first.done || !first.value?.length) throw new Error("no data");
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw badUrl(`Không kết nối được luồng tiếp sóng (${why}).`, `The relay stream is unreachable (${why}).`);
  } finally {
    clearTimeout(timer);
    ctl.abort();
  }
  return u;
}
