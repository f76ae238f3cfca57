// Which network addresses our own fetches (relays) may reach. Private, loopback,
// link-local and reserved ranges are refused unless allowed, and IPv6 forms that carry
// an IPv4 address (mapped, IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo) are
// judged by, or refused for, what they carry. Parsed by hand into bytes so that every
// spelling of an address ("[::127.0.0.1]", "::ffff:7f00:1") ends up the same.
import net from "node:net";

/** false: public addresses only; true: any address; a list: public plus these addresses/CIDRs. */
export type PrivateAllowance = boolean | readonly string[];

interface Cidr {
  bytes: Uint8Array;
  bits: number;
}

function ipv4Bytes(ip: string): Uint8Array | null {
  if (!net.isIPv4(ip)) return null;
  return Uint8Array.from(ip.split(".").map(Number));
}

/** 16 bytes of an IPv6 address (also with an embedded dotted IPv4 tail), or null. */
export function ipv6Bytes(ip: string): Uint8Array | null {
  const s = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!net.isIPv6(s)) return null;
  let head = s;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const v4 = ipv4Bytes(dotted[1]!)!;
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    head = s.slice(0, -dotted[1]!.length);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, undefined];
  const parse = (part: string | undefined) => (part ? part.split(":").filter(Boolean).map((h) => parseInt(h, 16)) : []);
  const l = parse(left);
  const r = [...parse(right), ...tail];
  const fill = right === undefined ? [] : new Array<number>(8 - l.length - r.length).fill(0);
  const words = right === undefined ? [...l, ...tail] : [...l, ...fill, ...r];
  if (words.length !== 8) return null;
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 255;
  });
  return out;
}

function parseCidr(s: string): Cidr {
  const [addr, len] = s.trim().split("/");
  const v4 = ipv4Bytes(addr ?? "");
  const bytes = v4 ?? ipv6Bytes(addr ?? "");
  const max = v4 ? 32 : 128;
  const bits = len === undefined ? max : Number(len);
  if (!bytes || !Number.isInteger(bits) || bits < 0 || bits > max || (len !== undefined && !/^\d+$/.test(len))) {
    throw new Error(`not an IP address or CIDR: ${JSON.stringify(s.trim())}`);
  }
  return { bytes, bits };
}

function inCidr(bytes: Uint8Array, c: Cidr): boolean {
  if (bytes.length !== c.bytes.length) return false;
  const full = c.bits >> 3;
  for (let i = 0; i < full; i++) if (bytes[i] !== c.bytes[i]) return false;
  const rest = c.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[full]! & mask) === (c.bytes[full]! & mask);
}

const list = (...cidrs: string[]) => cidrs.map(parseCidr);

const PRIVATE_V4 = list(
  "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
  "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
  "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
);

// Refused outright: IPv4-compatible (::/96, which includes :: and ::1), IPv4-translated
// (::ffff:0:0:0/96), NAT64 (well-known and local-use), discard, Teredo, documentation,
// 6to4 (each can lead to an IPv4 host that would have been refused), ULA, link- and
// site-local, multicast.
const PRIVATE_V6 = list(
  "::/96", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32",
  "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
);
const MAPPED = parseCidr("::ffff:0:0/96");

/** Bytes of any textual address; IPv4-mapped IPv6 becomes its IPv4 address. */
export function addressBytes(ip: string): Uint8Array | null {
  const v4 = ipv4Bytes(ip);
  if (v4) return v4;
  const v6 = ipv6Bytes(ip);
  if (v6 && inCidr(v6, MAPPED)) return v6.slice(12);
  return v6;
}

/** "::ffff:10.0.0.1" → "10.0.0.1"; other addresses lower-cased without brackets or zone. */
export function normalizeAddress(ip: string): string {
  const b = addressBytes(ip);
  if (b?.length === 4) return b.join(".");
  return ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "").toLowerCase();
}

/** True for any address a relay may not reach by default (unparseable text included). */
export function isPrivateAddress(ip: string): boolean {
  const b = addressBytes(ip);
  if (!b) return true;
  return (b.length === 4 ? PRIVATE_V4 : PRIVATE_V6).some((c) => inCidr(b, c));
}

/** A compiled matcher for a list of addresses/CIDRs (throws on a bad entry). */
export function addressMatcher(entries: readonly string[]): (ip: string) => boolean {
  const cidrs = entries.filter((e) => e.trim()).map((e) => {
    const c = parseCidr(e);
    // "::ffff:10.0.0.1" in a list means 10.0.0.1.
    return c.bytes.length === 16 && inCidr(c.bytes, MAPPED) && c.bits >= 96 ? { bytes: c.bytes.slice(12), bits: c.bits - 96 } : c;
  });
  return (ip) => {
    const b = addressBytes(ip);
    return !!b && cidrs.some((c) => inCidr(b, c));
  };
}

/** Parses "0|1|true|false|yes|no" or a comma-separated list of addresses/CIDRs. */
export function parseAllowance(raw: string | undefined): PrivateAllowance {
  const v = (raw ?? "").trim().toLowerCase();
  if (["", "0", "false", "no"].includes(v)) return false;
  if (["1", "true", "yes"].includes(v)) return true;
  const entries = v.split(",").map((s) => s.trim()).filter(Boolean);
  addressMatcher(entries); // validates every entry
  return entries;
}

/** May a fetch connect to `ip` under this allowance? */
export function addressAllowed(ip: string, allowance: PrivateAllowance): boolean {
  if (allowance === true) return addressBytes(ip) !== null;
  if (!isPrivateAddress(ip)) return true;
  return allowance !== false && addressMatcher(allowance)(ip);
}
