// The one place that reads the environment. Every value is validated by zod; an invalid
// value stops the process with a one-line message naming the variable.
import path from "node:path";
import cron from "node-cron";
import { z } from "zod";
import { addressMatcher, parseAllowance } from "../audio/net-policy.ts";
import { WORKER_GROUP_RE } from "./jobs/catalogue.ts";

const bool = z
  .enum(["0", "1", "true", "false", "yes", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const int = (min: number, max: number) => {
  const msg = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: msg }).int({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
};

const cronExpr = z.string().refine((v) => cron.validate(v), "not a valid cron expression (5 or 6 fields, e.g. */5 * * * *)");

/** A comma-separated list of IP addresses or CIDRs (validated entry by entry). */
const addressList = z.string().transform((v, ctx) => {
  const entries = v.split(",").map((s) => s.trim()).filter(Boolean);
  try {
    addressMatcher(entries);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
  return entries;
});

/** 0, 1, or the private addresses/CIDRs an outbound fetch may reach (audio/net-policy.ts). */
const privateAllowance = z.string().transform((v, ctx) => {
  try {
    return parseAllowance(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `use 0, 1 or a list of addresses/CIDRs (${(e as Error).message})` });
    return z.NEVER;
  }
});

export const timeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "not a valid IANA time zone");

const envSchema = z.object({
  PORT: int(1, 65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql:// (PostgreSQL)")
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").default("redis://127.0.0.1:6379"),
  REDIS_AUTOSTART: bool.default(true),
  QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only").default("loa-xa"),
  TZ: timeZoneSchema.default("Asia/Ho_Chi_Minh"),
  DEMO: bool.default(true),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  UPLOAD_MAX_MB: int(1, 4096).default(200),
  DIRECTIVE_FILE_MAX_MB: int(1, 200).default(20),
  ITEM_MAX_MINUTES: int(1, 600).default(90),
  LOUDNESS_TARGET_LUFS: z.coerce.number().min(-40).max(-5).default(-16),
  TRUE_PEAK_MAX_DBTP: z.coerce.number().min(-9).max(0).default(-1.5),
  PLAN_HORIZON_HOURS: int(1, 24 * 14).default(48),
  PLAN_TICK_CRON: cronExpr.default("*/5 * * * *"),
  RENDER_LEAD_MINUTES: int(1, 24 * 60).default(30),
  PLAYOUT_PREROLL_SECONDS: int(2, 600).default(20),
  LATE_GRACE_MINUTES: int(0, 24 * 60).default(10),
  // Graceful stop (SIGTERM): airings on air may finish for this long (default: the default
  // session length limit, 60 min); airings still in pre-roll are released at once.
  DRAIN_MAX_MINUTES: z.coerce.number().min(0).max(24 * 60).default(60),
  REPORT_CRON: cronExpr.default("0 7 1 * *"),
  SESSION_TTL_HOURS: int(1, 24 * 90).default(12),
  COOKIE_SECURE: z.enum(["auto", "always", "never"]).default("auto"),
  // Jobs a worker process runs at once: ingest and render (ffmpeg, CPU-bound) each up to
  // WORKER_CONCURRENCY; playouts (mostly waiting on the clock and the output) up to
  // PLAYOUT_CONCURRENCY, i.e. how many zones one worker can air at the same time.
  WORKER_CONCURRENCY: int(1, 64).default(2),
  PLAYOUT_CONCURRENCY: int(1, 1000).default(64),
  // CPU priority (nice value) of a process that airs: below 0 needs root or CAP_SYS_NICE
  // (systemd: Nice= / AmbientCapabilities); refused, it airs at normal priority and says so.
  PLAYOUT_NICENESS: z.coerce.number().int().min(-20).max(19).default(-5),
  // CPU priority of every ffmpeg/espeak child (ingest, render, analysis): background work.
  // Read by audio/ffmpeg.ts from the environment; declared here to be validated.
  BACKGROUND_NICENESS: z.coerce.number().int().min(-20).max(19).default(10),
  // Zone affinity: this worker also airs the zones bound to this group (e.g. the machine
  // with the sound card); unset, it airs only unbound zones.
  WORKER_GROUP: z.string().regex(WORKER_GROUP_RE, "lowercase letters, digits, _ and - (at most 40), starting with a letter or digit").optional(),
  // `--role api` alone: this many API processes share the port (server/api-processes.ts).
  API_PROCESSES: int(1, 64).default(1),
  // PostgreSQL connections per process (ignored for SQLite, which has one connection).
  DATABASE_POOL_SIZE: int(1, 500).default(10),
  // 0, 1, or the private addresses/CIDRs a relay may reach (e.g. the LAN station only).
  RELAY_ALLOW_PRIVATE: privateAllowance.default(false),
  // The same for the alert webhook (server/alert-webhook.ts): e.g. a chat bridge on the LAN.
  ALERT_WEBHOOK_ALLOW_PRIVATE: privateAllowance.default(false),
  // Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs); none by default.
  TRUSTED_PROXIES: addressList.default([]),
  JSON_BODY_MAX_KB: int(16, 64 * 1024).default(1024),
  TTS_DEFAULT_VOICE: z.string().min(1).default("vi"),
  // Commercial Vietnamese voices (audio/tts-cloud.ts), chosen per item as "fpt:<voice>" or
  // "viettel:<voice>"; without a key, or when the service fails, espeak-ng speaks instead.
  FPT_TTS_API_KEY: z.string().default(""),
  FPT_TTS_URL: z.string().url().default("https://api.fpt.ai/hmi/tts/v5"),
  VIETTEL_TTS_TOKEN: z.string().default(""),
  VIETTEL_TTS_URL: z.string().url().default("https://viettelai.vn/tts/speech_synthesis"),
  TTS_CLOUD_TIMEOUT_S: int(5, 600).default(30),
  FILE_SINK_SPEED: z.coerce.number().min(1).max(1000).default(1),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  dataDir: string;
  databaseUrl: string;
  /** The SQLite file, or null when DATABASE_URL is PostgreSQL. */
  databaseFile: string | null;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    // A database URL may carry a password: never print it.
    const value = String(raw[name] ?? "").replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
    throw new ConfigError(`Invalid ${name}=${JSON.stringify(value)}: ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const databaseUrl = e.DATABASE_URL ?? `file:${path.join(dataDir, "loa-xa.db")}`;
  const databaseFile = databaseUrl.startsWith("file:") ? databaseUrl.slice("file:".length) : null;
  return { ...e, dataDir, databaseUrl, databaseFile };
}
