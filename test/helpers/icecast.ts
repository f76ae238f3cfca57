// Starts a real Debian icecast2 server for a test: free port, generated config in a
// temp dir, killed (and the dir removed) by stop() or, as a last resort, on process exit.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface IcecastServer {
  host: string;
  port: number;
  sourcePassword: string;
  adminPassword: string;
  /** Listener URL of a mount, e.g. url("/live.mp3"). */
  url(mount: string): string;
  /** Last lines icecast wrote to its error log (for failing-test diagnostics). */
  logTail(): string;
  stop(): Promise<void>;
  /** SIGKILL, as in a crash: sources and listeners see their connections reset. */
  kill(): Promise<void>;
}

export interface StartIcecastOptions {
  binary?: string;
  sourcePassword?: string;
  startTimeoutMs?: number;
  /** Listen on this port (e.g. to restart a killed server where its clients expect it). */
  port?: number;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function icecastConfig(opts: {
  port: number;
  dir: string;
  sourcePassword: string;
  adminPassword: string;
  runningAsRoot: boolean;
}): string {
  // icecast2 refuses to run as root unless told which unprivileged user to become.
  const security = opts.runningAsRoot
    ? `<security><chroot>0</chroot><changeowner><user>nobody</user><group>nogroup</group></changeowner></security>`
    : `<security><chroot>0</chroot></security>`;
  return `<icecast>
  <location>test</location><admin>test@localhost</admin>
  <limits>
    <clients>20</clients><sources>4</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout><burst-on-connect>0</burst-on-connect>
  </limits>
  <authentication>
    <source-password>${xmlEscape(opts.sourcePassword)}</source-password>
    <relay-password>${xmlEscape(opts.sourcePassword)}</relay-password>
    <admin-user>admin</admin-user><admin-password>${xmlEscape(opts.adminPassword)}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${opts.port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>${xmlEscape(opts.dir)}</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
    <pidfile>${xmlEscape(path.join(opts.dir, "icecast.pid"))}</pidfile>
  </paths>
  <logging>
    <accesslog>access.log</accesslog><errorlog>error.log</errorlog>
    <loglevel>3</loglevel><logsize>10000</logsize>
  </logging>
  ${security}
</icecast>
`;
}

async function waitReady(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`icecast2 exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      // Any HTTP answer means it listens; a missing file avoids icecast's XSLT code, which
      // was seen to crash 2.4.4 when hit during start-up.
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status > 0) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("icecast2 did not become ready in time");
}

/** Starts icecast2, trying again if the process dies during start-up (a rare 2.4.4 crash). */
export async function startIcecast(opts: StartIcecastOptions = {}): Promise<IcecastServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startIcecastOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/exited early/.test((err as Error).message)) throw err;
    }
  }
}

async function startIcecastOnce(opts: StartIcecastOptions): Promise<IcecastServer> {
  const binary = opts.binary ?? "/usr/bin/icecast2";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-icecast-"));
  // After dropping to nobody, icecast still has to write its logs here.
  fs.chmodSync(dir, 0o777);
  const port = opts.port ?? (await freePort());
  const sourcePassword = opts.sourcePassword ?? `src${Math.random().toString(36).slice(2, 10)}`;
  const adminPassword = `adm${Math.random().toString(36).slice(2, 10)}`;
  const runningAsRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const configPath = path.join(dir, "icecast.xml");
  fs.writeFileSync(configPath, icecastConfig({ port, dir, sourcePassword, adminPassword, runningAsRoot }));

  const child = spawn(binary, ["-c", configPath], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  // Memoised: a second stop() (e.g. afterAll after a test stopped the server) waits for
  // the first to finish instead of returning while icecast is still shutting down.
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= doStop());
  const doStop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await stop();
  };

  const logTail = () => {
    let log = "";
    try {
      log = fs.readFileSync(path.join(dir, "error.log"), "utf8").slice(-4000);
    } catch {
      // no log yet
    }
    return `${output}\n${log}`;
  };

  try {
    await waitReady(`http://127.0.0.1:${port}/loaxa-ready-probe`, child, Date.now() + (opts.startTimeoutMs ?? 10_000));
  } catch (err) {
    const tail = logTail();
    await stop();
    throw new Error(`${(err as Error).message}\n${tail}`);
  }

  return {
    host: "127.0.0.1",
    port,
    sourcePassword,
    adminPassword,
    url: (mount) => `http://127.0.0.1:${port}${mount.startsWith("/") ? mount : `/${mount}`}`,
    logTail,
    stop,
    kill,
  };
}
