// Fault-test harness: one fully isolated Loa Xã installation run as REAL processes
// (`server/main.ts --role api,scheduler` and `--role worker`), with its own DATA_DIR, port,
// queue prefix (or its own redis-server), its own icecast2 and an independent listener
// (test/faults/listener.mjs: no project code) that records the zone's mount and detects the
// test tones. The project's code is used only to seed the database before the processes
// start; what aired is judged by the listener alone.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { loadConfig } from "../../server/config.ts";
import { createDb } from "../../server/db/client.ts";
import { migrateDatabase } from "../../server/db/migrate.ts";
import { ensureBaseData } from "../../server/bootstrap.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { freePort, icecastConfig } from "../helpers/icecast.ts";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const LISTENER = path.join(import.meta.dirname, "listener.mjs");
const FFMPEG = process.env.LISTENER_FFMPEG ?? "/usr/bin/ffmpeg";
const ADMIN_PASSWORD = "Faults-Phat-thanh-2026";
const TZ = "Asia/Ho_Chi_Minh";

// Every child this harness starts dies with it, whatever way the test process ends.
const children = new Set<ChildProcess>();
function track(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once("exit", () => children.delete(c));
  return c;
}
process.once("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    for (const c of children) c.kill("SIGKILL");
    process.exit(130);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
/** Sleeps until an epoch-ms instant. */
export const until = (t: number) => sleep(t - Date.now());

// ---------------------------------------------------------------- tones

const toneDir = path.join(os.tmpdir(), "loaxa-faults-tones");
const tones = new Map<string, Promise<string>>();

async function run(cmd: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (b: Buffer) => (err += b.toString()));
    p.once("error", reject);
    p.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err.slice(-500)}`))));
  });
}

/** A WAV sine tone made by the system's ffmpeg (cached per frequency and length). */
export function toneFile(hz: number, seconds: number): Promise<string> {
  const key = `${hz}-${seconds}`;
  let p = tones.get(key);
  if (!p) {
    p = (async () => {
      fs.mkdirSync(toneDir, { recursive: true });
      const file = path.join(toneDir, `tone-${key}.wav`);
      if (!fs.existsSync(file)) {
        const tmp = `${file}.${process.pid}.${randomBytes(3).toString("hex")}.wav`;
        await run(FFMPEG, ["-y", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", `sine=frequency=${hz}:duration=${seconds}:sample_rate=44100,volume=0.5`, "-ac", "1", tmp]);
        fs.renameSync(tmp, file);
      }
      return file;
    })();
    tones.set(key, p);
  }
  return p;
}

/** A big but valid WAV (96 kHz stereo float, quiet tone) of about `mb` MB. */
export async function bigWav(mb: number): Promise<string> {
  fs.mkdirSync(toneDir, { recursive: true });
  const file = path.join(toneDir, `big-${mb}.wav`);
  if (!fs.existsSync(file)) {
    const seconds = Math.floor((mb * 1024 * 1024 - 100) / (96_000 * 2 * 4));
    const tmp = `${file}.${process.pid}.wav`;
    await run(FFMPEG, ["-y", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", `sine=frequency=200:duration=${seconds}:sample_rate=96000,volume=0.05`, "-ac", "2", "-c:a", "pcm_f32le", tmp]);
    fs.renameSync(tmp, file);
  }
  return file;
}

// ---------------------------------------------------------------- icecast (restartable on its port)

export class Icecast {
  child: ChildProcess | null = null;
  readonly sourcePassword = `src${randomBytes(4).toString("hex")}`;
  private constructor(readonly dir: string, readonly port: number, readonly maxSources: number) {}

  static async create(opts: { maxSources?: number } = {}): Promise<Icecast> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-faults-icecast-"));
    fs.chmodSync(dir, 0o777);
    const ice = new Icecast(dir, await freePort(), opts.maxSources ?? 4);
    await ice.start();
    return ice;
  }

  url(mount: string) {
    return `http://127.0.0.1:${this.port}${mount}`;
  }

  async start(): Promise<void> {
    const runningAsRoot = typeof process.getuid === "function" && process.getuid() === 0;
    const cfg = icecastConfig({ port: this.port, dir: this.dir, sourcePassword: this.sourcePassword, adminPassword: `adm${randomBytes(4).toString("hex")}`, runningAsRoot })
      .replace(/<sources>\d+<\/sources>/, `<sources>${this.maxSources + 2}</sources>`)
      .replace(/<clients>\d+<\/clients>/, `<clients>${this.maxSources * 4 + 20}</clients>`);
    const file = path.join(this.dir, "icecast.xml");
    fs.writeFileSync(file, cfg);
    for (let attempt = 1; ; attempt++) {
      const child = track(spawn("/usr/bin/icecast2", ["-c", file], { stdio: "ignore" }));
      this.child = child;
      const deadline = Date.now() + 10_000;
      let ok = false;
      while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
        try {
          const r = await fetch(`http://127.0.0.1:${this.port}/loaxa-ready-probe`);
          await r.arrayBuffer();
          ok = true;
          break;
        } catch {
          await sleep(50);
        }
      }
      if (ok) return;
      child.kill("SIGKILL");
      // The port may still be held by the previous instance for a moment.
      if (attempt >= 5) throw new Error(`icecast2 did not start on port ${this.port}`);
      await sleep(500);
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL"); // an abrupt loss, as a crashed or rebooted server
    await gone;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- private redis (for "Redis down")

export class PrivateRedis {
  child: ChildProcess | null = null;
  private constructor(readonly dir: string, readonly port: number) {}
  static async create(): Promise<PrivateRedis> {
    const r = new PrivateRedis(fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-faults-redis-")), await freePort());
    await r.start();
    return r;
  }
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const child = track(spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--appendonly", "yes", "--save", "", "--maxmemory-policy", "noeviction"], { stdio: "ignore" }));
    this.child = child;
    const net = await import("node:net");
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const s = net.connect(this.port, "127.0.0.1", () => {
          s.end();
          resolve(true);
        });
        s.on("error", () => resolve(false));
      });
      if (up) return;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("redis-server did not start");
      await sleep(50);
    }
  }
  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await gone;
  }
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- listener

export interface ToneSeg {
  hz: number;
  start: number;
  end: number;
  frames: number;
}
export interface ListenerEvents {
  tones: ToneSeg[];
  connects: number[];
  disconnects: number[];
  audio: number[];
}

export class Listener {
  readonly ev: ListenerEvents = { tones: [], connects: [], disconnects: [], audio: [] };
  private constructor(private child: ChildProcess) {}
  get pid(): number | undefined {
    return this.child.pid;
  }
  static start(url: string, freqs: number[]): Listener {
    const child = track(spawn(process.execPath, [LISTENER, "--url", url, "--freqs", freqs.join(",")], { stdio: ["ignore", "pipe", "ignore"] }));
    const l = new Listener(child);
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const o = JSON.parse(line);
        if (o.ev === "tone") l.ev.tones.push({ hz: o.hz, start: o.start, end: o.end, frames: o.frames });
        else if (o.ev === "connect") l.ev.connects.push(o.t);
        else if (o.ev === "disconnect") l.ev.disconnects.push(o.t);
        else if (o.ev === "audio") l.ev.audio.push(o.t);
      } catch {
        /* not ours */
      }
    });
    return l;
  }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const closed = new Promise((r) => this.child.once("close", r));
    this.child.kill("SIGTERM");
    await closed;
  }
}

// ---------------------------------------------------------------- installation

let adminHash: Promise<string> | null = null;

class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
const bootGate = new Semaphore(Number(process.env.FAULTS_BOOT_CONCURRENCY ?? 2));

export interface InstallationOptions {
  name: string;
  /** Own redis-server (for the scenario that stops it) instead of the shared one. */
  ownRedis?: boolean;
  env?: Record<string, string>;
  zones?: number;
  icecast?: Icecast;
  /**
   * "split" (default): `--role api,scheduler` and `--role worker` (airs and ingests), so a
   * scenario can kill the airing worker. "npm-start": one process started as `npm start`
   * does (API, scheduler and background jobs, with playout in its supervised child).
   */
  layout?: "split" | "npm-start";
}

export class Installation {
  readonly dir: string;
  readonly prefix: string;
  apiPort = 0;
  icecast!: Icecast;
  ownIcecast = true;
  redis: PrivateRedis | null = null;
  api: ChildProcess | null = null;
  worker: ChildProcess | null = null;
  zoneIds: number[] = [];
  mounts: string[] = [];
  private cookie = "";
  private csrf = "";
  private logs: fs.WriteStream;

  private constructor(readonly opts: InstallationOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `loaxa-faults-${opts.name}-`));
    this.prefix = `f-${opts.name.replace(/[^a-zA-Z0-9]/g, "").slice(0, 12)}-${randomBytes(4).toString("hex")}`;
    this.logs = fs.createWriteStream(path.join(this.dir, "processes.log"), { flags: "a" });
  }

  get redisUrl() {
    return this.redis?.url ?? "redis://127.0.0.1:6379";
  }
  get url() {
    return `http://127.0.0.1:${this.apiPort}`;
  }
  /** The last lines the processes and the harness wrote (for failure messages). */
  logTail(lines = 40): string {
    try {
      return fs.readFileSync(path.join(this.dir, "processes.log"), "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }
  log(line: string) {
    this.logs.write(`[harness ${new Date().toISOString()}] ${line}\n`);
  }

  /** Seeds the database (admin, zones on icecast mounts), then starts both processes. */
  static async create(opts: InstallationOptions): Promise<Installation> {
    const inst = new Installation(opts);
    // Booting is the CPU-heavy part (two tsx processes, migrations, ingest): at most two
    // installations boot at once, the others wait their turn; sessions then run side by side.
    await bootGate.acquire();
    try {
      await inst.setUp();
    } catch (err) {
      const tail = inst.logTail(30);
      await inst.dispose(true).catch(() => {});
      throw new Error(`${(err as Error).message}\n${tail}`);
    } finally {
      bootGate.release();
    }
    return inst;
  }

  private async setUp(): Promise<void> {
    const inst = this;
    const opts = this.opts;
    if (opts.ownRedis) inst.redis = await PrivateRedis.create();
    if (opts.icecast) {
      inst.icecast = opts.icecast;
      inst.ownIcecast = false;
    } else inst.icecast = await Icecast.create();
    inst.apiPort = await freePort();
    const config = loadConfig(inst.env());
    await migrateDatabase(config.databaseUrl);
    const db = await createDb(config.databaseUrl);
    try {
      await ensureBaseData(db, { timeZone: TZ, communeName: "Kiến Minh" });
      adminHash ??= hashPassword(ADMIN_PASSWORD);
      await db.user.create({ data: { username: "admin", displayName: "Quản trị viên", role: "admin", passwordHash: await adminHash, mustChangePassword: false } });
      for (let i = 0; i < (opts.zones ?? 1); i++) {
        const mount = `/${opts.name.replace(/[^a-zA-Z0-9]/g, "")}-${i + 1}.mp3`;
        const z = await db.zone.create({
          data: { code: `z${i + 1}`, name: `Cụm ${i + 1}`, outputKind: "icecast", outputConfig: JSON.stringify({ host: "127.0.0.1", port: inst.icecast.port, mount, user: "source", password: inst.icecast.sourcePassword }) },
        });
        inst.zoneIds.push(z.id);
        inst.mounts.push(mount);
      }
    } finally {
      await db.$disconnect();
    }
    if (opts.layout === "npm-start") inst.api = inst.spawnRole(null);
    else {
      inst.api = inst.spawnRole("api,scheduler");
      inst.worker = inst.spawnRole("worker");
    }
    await inst.waitHttp();
    await inst.login();
  }

  env(): Record<string, string> {
    return {
      DATA_DIR: this.dir, QUEUE_PREFIX: this.prefix, PORT: String(this.apiPort), HOST: "127.0.0.1", DEMO: "0",
      REDIS_URL: this.redisUrl, REDIS_AUTOSTART: "0", TZ, LOG_LEVEL: "info", ...this.opts.env,
    };
  }

  /** Starts `server/main.ts --role <role>`, or as `npm start` does when role is null. */
  spawnRole(role: string | null): ChildProcess {
    const child = track(spawn(process.execPath, ["--import", "tsx", "server/main.ts", ...(role ? ["--role", role] : [])], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env() },
      stdio: ["ignore", "pipe", "pipe"],
    }));
    const tag = `${role ?? "npm-start"}#${child.pid}`;
    this.log(`started ${tag}`);
    const pipe = (s: NodeJS.ReadableStream) => readline.createInterface({ input: s }).on("line", (l) => this.logs.write(`[${tag}] ${l}\n`));
    pipe(child.stdout!);
    pipe(child.stderr!);
    child.once("exit", (code, sig) => this.log(`${tag} exited code=${code} signal=${sig}`));
    return child;
  }

  async startWorker(): Promise<void> {
    this.worker = this.spawnRole("worker");
  }

  /** Signals the worker process and waits until it has exited. */
  async signalWorker(sig: NodeJS.Signals, waitMs = 30_000): Promise<void> {
    const w = this.worker;
    if (!w || w.exitCode !== null || w.signalCode !== null) return;
    const gone = new Promise((r) => w.once("exit", r));
    this.log(`sending ${sig} to worker ${w.pid}`);
    w.kill(sig);
    const t = setTimeout(() => w.kill("SIGKILL"), waitMs);
    await gone;
    clearTimeout(t);
  }

  private async waitHttp(): Promise<void> {
    const deadline = Date.now() + 360_000; // a 2-core machine shared by many runs boots slowly
    for (;;) {
      if (this.api?.exitCode != null) throw new Error(`API exited ${this.api.exitCode}; see ${this.dir}/processes.log`);
      try {
        const r = await fetch(`${this.url}/api/health`);
        await r.body?.cancel();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`API did not listen; see ${this.dir}/processes.log`);
        await sleep(200);
      }
    }
  }

  async login(): Promise<void> {
    const r = await fetch(`${this.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }) });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    this.cookie = r.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    this.csrf = ((await r.json()) as { csrfToken: string }).csrfToken;
  }

  async req<T = any>(method: string, p: string, body?: unknown): Promise<{ status: number; json: T }> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (method !== "GET") headers["x-csrf-token"] = this.csrf;
    let payload: BodyInit | undefined;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const r = await fetch(`${this.url}/api${p}`, { method, headers, body: payload });
    const text = await r.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: r.status, json };
  }

  async ok<T = any>(method: string, p: string, body?: unknown): Promise<T> {
    const r = await this.req<T>(method, p, body);
    if (r.status >= 300) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(r.json).slice(0, 400)}`);
    return r.json;
  }

  /** Streams a multipart upload of a file (never held in memory). */
  async upload(file: string, title: string): Promise<{ status: number; json: any }> {
    const boundary = `----loaxa${randomBytes(8).toString("hex")}`;
    const name = path.basename(file);
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${title}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: audio/wav\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    async function* body() {
      yield head;
      yield* fs.createReadStream(file, { highWaterMark: 256 * 1024 });
      yield tail;
    }
    const size = head.length + fs.statSync(file).size + tail.length;
    const r = await fetch(`${this.url}/api/items/upload`, {
      method: "POST",
      headers: { cookie: this.cookie, "x-csrf-token": this.csrf, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(size) },
      body: Readable.toWeb(Readable.from(body())) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    const text = await r.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: r.status, json };
  }

  /** Uploads tones as items and waits until every one is ingested. */
  async toneItems(freqs: number[], seconds: number): Promise<number[]> {
    const ids: number[] = [];
    for (const hz of freqs) {
      // Setup, not the subject: on a starved machine an upload can time out in ffprobe or hit
      // a busy database; such answers are retried (and logged), any other refusal is fatal.
      for (let attempt = 1; ; attempt++) {
        const r = await this.upload(await toneFile(hz, seconds), `Tone ${hz} Hz`);
        if (r.status === 201) {
          ids.push(r.json.item.id);
          break;
        }
        const transient = r.status >= 500 || /timed out/.test(JSON.stringify(r.json));
        this.log(`setup upload of ${hz} Hz → ${r.status} ${JSON.stringify(r.json).slice(0, 300)} (attempt ${attempt})`);
        if (!transient || attempt >= 4) throw new Error(`upload of ${hz} Hz → ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
        await sleep(2000);
      }
    }
    const deadline = Date.now() + 360_000;
    for (const id of ids) {
      for (;;) {
        const { item } = await this.ok(`GET`, `/items/${id}`);
        if (item.status === "ready") break;
        if (item.status === "failed") throw new Error(`ingest of item ${id} failed: ${item.error ?? ""}`);
        if (Date.now() > deadline) throw new Error(`item ${id} not ingested in time (status ${item.status})`);
        await sleep(250);
      }
    }
    return ids;
  }

  async program(itemIds: number[], gapMs: number): Promise<number> {
    const { program } = await this.ok("POST", "/programs", { name: `Faults ${this.opts.name}`, gapMs, itemIds });
    return program.id;
  }

  /** Schedules a one-off session through the API at `at` (a whole minute) on every zone. */
  async scheduleOnce(programId: number, at: number, maxDurationSec = 900): Promise<void> {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
    await this.ok("POST", "/schedules", { name: `Faults ${this.opts.name} ${parts.hour}:${parts.minute}`, programId, kind: "once", date: `${parts.year}-${parts.month}-${parts.day}`, startTime: `${parts.hour}:${parts.minute}`, maxDurationSec, zoneIds: this.zoneIds });
  }

  async airingsAt(at: number): Promise<any[]> {
    const { airings } = await this.ok("GET", "/airings?limit=1000"); // one page holds every airing of a test installation
    return airings.filter((a: any) => new Date(a.scheduledStart).getTime() === at);
  }

  async airing(id: number): Promise<any> {
    return (await this.ok("GET", `/airings/${id}`)).airing;
  }

  async dispose(keepDir = false): Promise<void> {
    for (const p of [this.worker, this.api]) {
      if (p && p.exitCode === null && p.signalCode === null) {
        const gone = new Promise((r) => p.once("exit", r));
        p.kill("SIGKILL");
        await gone;
      }
    }
    if (this.ownIcecast) await this.icecast?.dispose();
    if (this.redis) await this.redis.dispose();
    else {
      // Our keys on the shared Redis (never FLUSH*: other tests share it).
      const r = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await r.connect();
        let cursor = "0";
        do {
          const [next, keys] = await r.scan(cursor, "MATCH", `${this.prefix}*`, "COUNT", 500);
          cursor = next;
          if (keys.length) await r.del(...keys);
        } while (cursor !== "0");
      } catch {
        /* best effort */
      } finally {
        r.disconnect();
      }
    }
    await new Promise((r) => this.logs.end(r));
    if (!process.env.KEEP_FAULTS && !keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The first whole minute at least `leadMs` from now (schedules are HH:MM). */
export function nextMinute(leadMs: number): number {
  return Math.ceil((Date.now() + leadMs) / 60_000) * 60_000;
}
