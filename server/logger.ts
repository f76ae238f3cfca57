// Structured logs on pino, behind the small Logger interface every component takes.
// Production (NODE_ENV=production or LOG_FORMAT=json): one JSON object per line;
// otherwise (or LOG_FORMAT=pretty) one readable line per event (pino-pretty). Secrets are removed
// by pino's own redaction, and a line logged while an API request is being served
// carries that request's id (see withLogContext and server/http/request-id.ts).
import { AsyncLocalStorage } from "node:async_hooks";
import { pino, type DestinationStream, type Logger as Pino } from "pino";
import pretty from "pino-pretty";

export type Level = "debug" | "info" | "warn" | "error";

/** Fields bound to every line of a logger (e.g. { airingId, zone }). */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
  /** A logger for a part of this one: its scope is appended ("api:auth"), its fields bound. */
  child(scope: string, fields?: LogFields): Logger;
}

export interface LoggerOptions {
  format?: "json" | "pretty";
  /** Where lines go (tests); standard error by default. */
  destination?: DestinationStream;
}

// Keys whose values never reach a log line, at any of the first four levels of nesting:
// passwords (users, the Icecast source password of an output), session and API tokens
// (the cloud voices' keys too: FPT.AI's "api-key" header, TtsSetting's columns), cookies
// and the Authorization header.
const SECRET_KEYS = [
  "password", "newPassword", "currentPassword", "passwordHash", "credential", "secret",
  "token", "csrfToken", "accessToken", "refreshToken", "apiKey", "api_key", "api-key", "fptKey", "viettelToken",
  "authorization", "Authorization", "cookie", "Cookie", "set-cookie", "x-api-key", "x-csrf-token",
];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_]\w*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith("[") ? "" : ".";
  return [key, `*${dot}${key}`, `*.*${dot}${key}`, `*.*.*${dot}${key}`];
});
export const REDACTED = "[redacted]";

const context = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` added to every line logged inside it, by any logger (e.g. a request id). */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

function logFormat(env: NodeJS.ProcessEnv = process.env): "json" | "pretty" {
  return env.LOG_FORMAT === "json" || (env.LOG_FORMAT !== "pretty" && env.NODE_ENV === "production") ? "json" : "pretty";
}

function destinationFor(format: "json" | "pretty"): DestinationStream {
  // Synchronous writes: the last lines before a process exits must not be lost.
  if (format === "json") return pino.destination({ fd: 2, sync: true });
  return pretty({ destination: 2, sync: true, singleLine: true, translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l", ignore: "pid,hostname,scope", messageFormat: "[{scope}] {msg}" });
}

export function createLogger(level: Level = "info", scope = "loa-xa", opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? logFormat();
  const root = pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      mixin: () => context.getStore() ?? {},
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination ?? destinationFor(format),
  );
  return wrap(root, scope, {});
}

function wrap(root: Pino, scope: string, fields: LogFields): Logger {
  const p = root.child({ scope, ...fields });
  // Extras go under their own key: they can never overwrite level, time, msg or a binding.
  const emit = (lvl: Level) => (msg: string, extra?: unknown) => {
    if (extra === undefined) p[lvl](msg);
    else if (extra instanceof Error) p[lvl]({ err: extra }, msg);
    else p[lvl]({ extra }, msg);
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (s, more) => wrap(root, `${scope}:${s}`, { ...fields, ...more }),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
