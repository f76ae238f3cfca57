// Real server processes for multi-process tests: `node --import tsx server/main.ts` with
// its own environment, output captured, stopped with SIGTERM (then SIGKILL) by its pid.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  name: string;
  output(): string;
  /** Resolves when `pattern` appears in stdout/stderr; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function startServerProcess(name: string, env: Record<string, string>, args: string[] = []): ServerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => {
    for (const l of listeners) l();
    resolve(code);
  }));
  return {
    child,
    name,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${name}: ${pattern} not seen within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
        const check = () => {
          if (pattern.test(out)) done();
          else if (child.exitCode !== null || child.signalCode !== null) done(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before ${pattern}; output:\n${out}`));
        };
        const done = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}

/** A signed-in HTTP client of a real server process (cookie + CSRF); `cookie` for other requests (SSE). */
export async function signIn(base: string, username: string, password = "correct horse battery") {
  const res = await fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`sign-in of ${username} at ${base}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${base}${url}`, { method, headers: { cookie, "x-csrf-token": csrfToken, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, json: (await r.json()) as any };
  };
  return Object.assign(call, { cookie });
}

export interface SseClient {
  /** Every event received so far, in order. */
  events: { event: string; data: any }[];
  close(): Promise<void>;
}

/** Follows `/api/status/stream` of a real server as a dashboard does, parsing each event. */
export async function followLiveEvents(base: string, cookie: string): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/status/stream`, { headers: { cookie, accept: "text/event-stream" }, signal: ac.signal });
  if (res.status !== 200) throw new Error(`SSE at ${base}: ${res.status}`);
  const events: SseClient["events"] = [];
  const reading = (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>) {
      buf += dec.decode(chunk, { stream: true });
      for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const field = (name: string) => block.split("\n").filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trimStart()).join("\n");
        const data = field("data");
        events.push({ event: field("event") || "message", data: data ? JSON.parse(data) : null });
      }
    }
  })().catch(() => {});
  return {
    events,
    async close() {
      ac.abort();
      await reading;
    },
  };
}
