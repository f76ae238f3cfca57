// Passwords are hashed with scrypt (memory-hard, built into Node): N=2^17, r=8, p=1
// (OWASP's recommendation; 128 MiB and ~0.3 s per hash here). Hashes made with older
// parameters still verify and are replaced at the next successful sign-in.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const MAXMEM = 256 * 1024 * 1024;
// Each hash holds 128 MiB while it runs: two at a time bound the memory a burst of
// sign-ins can take (the rest wait their turn).
const MAX_CONCURRENT = 2;

let running = 0;
const waiting: Array<() => void> = [];

async function scrypt(pw: string, salt: Buffer, len: number, opts: ScryptOptions): Promise<Buffer> {
  // A finishing hash hands its slot straight to the next waiter.
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  else running++;
  try {
    return await new Promise<Buffer>((resolve, reject) => scryptCb(pw, salt, len, { ...opts, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))));
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = SCRYPT_PARAMS;
  const key = await scrypt(password, salt, 32, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

function parse(stored: string) {
  const [alg, n, r, p, saltB64, keyB64] = stored.split("$");
  if (alg !== "scrypt" || !saltB64 || !keyB64) return null;
  const N = Number(n), R = Number(r), P = Number(p);
  // Refuse parameters that would let a tampered row exhaust memory or CPU.
  if (!Number.isInteger(Math.log2(N)) || N > 2 ** 20 || R < 1 || R > 32 || P < 1 || P > 4) return null;
  return { N, r: R, p: P, salt: Buffer.from(saltB64, "base64"), key: Buffer.from(keyB64, "base64") };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h || h.key.length === 0) return false;
  const key = await scrypt(password, h.salt, h.key.length, { N: h.N, r: h.r, p: h.p });
  return timingSafeEqual(key, h.key);
}

/** True when the hash was made with weaker parameters than today's (rehash at sign-in). */
export function needsRehash(stored: string): boolean {
  const h = parse(stored);
  return !h || h.N < SCRYPT_PARAMS.N || h.r < SCRYPT_PARAMS.r || h.p < SCRYPT_PARAMS.p;
}

let dummy: Promise<string> | null = null;
/**
 * A hash to verify against when the user does not exist (or is disabled), so that an
 * unknown name costs the same scrypt as a known one and timing does not tell them apart.
 */
export function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomBytes(12).toString("base64")));
}

/** A readable one-time password: 4 groups of 4 from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(16);
  let s = "";
  for (let i = 0; i < 16; i++) s += alphabet[bytes[i]! % alphabet.length];
  return s.match(/.{4}/g)!.join("-");
}

export const passwordSchemaRules = { min: 10, max: 200 };
