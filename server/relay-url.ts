// Relay URLs (VOV, the district station) are fetched by our workers, so they are checked
// like any server-side fetch: allowed schemes only, no private or loopback addresses
// unless RELAY_ALLOW_PRIVATE=1, and the stream must answer when saved.
import dns from "node:dns/promises";
import net from "node:net";
import { AppError } from "./errors.ts";

const badUrl = (vi: string, en: string) => new AppError(422, "BAD_RELAY_URL", vi, en);

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split(".").map(Number) as [number, number];
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  const v = ip.toLowerCase();
  if (v.startsWith("::ffff:")) return isPrivateAddress(v.slice(7));
  return v === "::1" || v === "::" || v.startsWith("fc") || v.startsWith("fd") || v.startsWith("fe80");
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
  const host = u.hostname.replace(/^\[|\]$/g, "");
  let addrs: string[];
  try {
    addrs = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw badUrl(`Không phân giải được tên máy chủ tiếp sóng "${host}".`, `Cannot resolve the relay host "${host}".`);
  }
  if (!opts.allowPrivate && addrs.some(isPrivateAddress)) {
    throw badUrl("Địa chỉ tiếp sóng trỏ vào mạng nội bộ; quản trị viên cần bật RELAY_ALLOW_PRIVATE.", "The relay URL points to a private or loopback address; an administrator must set RELAY_ALLOW_PRIVATE=1.");
  }
  const httpUrl = new URL(u.href.replace(/^icecast:/, "http:"));
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 5000);
  try {
    const res = await fetch(httpUrl, { signal: ctl.signal, redirect: "follow" });
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
