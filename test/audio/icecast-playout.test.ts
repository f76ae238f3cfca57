// The icecast sink (our own HTTP PUT source client) against a real icecast2 server, judged
// by independent listeners: ffmpeg decoding the mount, or a plain HTTP GET that records
// what arrives and reconnects when the mount goes away. None of them uses our sink code.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegPath } from "../../audio/ffmpeg.ts";
import { preparePlayout } from "../../audio/player.ts";
import { createSink, IcecastSink, type SinkDropout } from "../../audio/sinks/index.ts";
import { freePort, startIcecast, type IcecastServer } from "../helpers/icecast.ts";
import { nonSilentMs, tmpDir, tone } from "./player-fixtures.ts";

let ice: IcecastServer;
const extra: IcecastServer[] = [];
const dir = tmpDir("loaxa-icecast-test-");

beforeAll(async () => {
  ice = await startIcecast();
});
afterAll(async () => {
  await Promise.all([ice, ...extra].map((s) => s?.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Listener count of a live mount, or null when no source is connected to it. */
async function mountListeners(server: IcecastServer, mount: string): Promise<number | null> {
  // status-json.xsl of icecast 2.4.4 emits broken JSON when no source is up; use admin XML.
  const auth = Buffer.from(`admin:${server.adminPassword}`).toString("base64");
  const xml = await (await fetch(`http://127.0.0.1:${server.port}/admin/stats`, { headers: { authorization: `Basic ${auth}` } })).text();
  const block = new RegExp(`<source mount="${mount.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}">([\\s\\S]*?)</source>`).exec(xml);
  if (!block) return null;
  return Number(/<listeners>(\d+)<\/listeners>/.exec(block[1]!)?.[1] ?? 0);
}

async function until<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs = 5000, server = ice): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${server.logTail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Capture {
  /** When each received chunk arrived (epoch ms) and its bytes. */
  chunks: { t: number; data: Buffer }[];
}

/** A listener as a speaker cluster is one: HTTP GET on the mount, again 100 ms after it ends. */
function reconnectingListener(url: string) {
  const connections: Capture[] = [];
  let stopped = false;
  let current: http.ClientRequest | null = null;
  const connect = () => {
    if (stopped) return;
    let retried = false;
    const retry = () => {
      if (retried) return;
      retried = true;
      setTimeout(connect, 100);
    };
    current = http.get(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.on("end", retry);
        return;
      }
      const conn: Capture = { chunks: [] };
      connections.push(conn);
      res.on("data", (data: Buffer) => conn.chunks.push({ t: Date.now(), data }));
      res.on("end", retry);
      res.on("error", retry);
      res.on("close", retry);
    });
    current.on("error", retry);
  };
  connect();
  return {
    connections,
    stop() {
      stopped = true;
      current?.destroy();
    },
  };
}

/** Decodes MP3 bytes to 44.1 kHz mono PCM with ffmpeg (not with our parser). */
function decode(mp3: Buffer): Int16Array {
  const pcm = execFileSync(ffmpegPath(), ["-v", "error", "-f", "mp3", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", "44100", "pipe:1"], {
    input: mp3,
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
}

/** Frequency (Hz) of a sine tone in pcm[fromMs, fromMs + lenMs), by zero crossings. */
function toneHz(pcm: Int16Array, fromMs: number, lenMs: number): number {
  const a = Math.floor((fromMs / 1000) * 44100);
  const b = Math.min(pcm.length, a + Math.floor((lenMs / 1000) * 44100));
  let crossings = 0;
  for (let i = a + 1; i < b; i++) if ((pcm[i - 1]! < 0) !== (pcm[i]! < 0)) crossings++;
  return crossings / 2 / ((b - a) / 44100);
}

/** Where the first non-silent sample is (ms); the stream starts with pre-roll silence. */
function firstSoundMs(pcm: Int16Array): number {
  const i = pcm.findIndex((v) => Math.abs(v) > 1000);
  return i < 0 ? Infinity : (i / 44100) * 1000;
}

const psArgs = () => execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });

describe("icecast sink against a real icecast2", () => {
  it("mount is live before air time, a listener decodes the session, and the password is in no process list", async () => {
    const mount = "/xa-thon1.mp3";
    const files = [tone(dir, "a.mp3", 1.5, 440), tone(dir, "b.mp3", 1.5, 660), tone(dir, "c.mp3", 1.0, 550)];
    const dropouts: SinkDropout[] = [];
    const sink = createSink(
      { kind: "icecast", host: ice.host, port: ice.port, mount, password: ice.sourcePassword, name: "Loa Xã test" },
      { onDropout: (d) => dropouts.push(d) },
    );
    const playout = await preparePlayout({
      segments: files.map((f, i) => ({ kind: "file" as const, path: f, tag: i })),
      sink,
      onSegmentStart: (e) => {
        if (e.index === 1) procs = psArgs();
      },
    });
    let procs = "";
    // Pre-roll: prepare() connected the source; the mount goes live before the first frame airs.
    await until("the mount to go live", async () => (await mountListeners(ice, mount)) !== null);
    const before = psArgs();

    const wav = path.join(dir, "heard.wav");
    const listener = spawn(ffmpegPath(), ["-hide_banner", "-nostdin", "-v", "error", "-i", ice.url(mount), "-f", "wav", "-y", wav], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let listenerErr = "";
    listener.stderr.on("data", (b: Buffer) => (listenerErr += b.toString()));
    const listenerDone = new Promise<number | null>((resolve) => listener.once("close", (code) => resolve(code)));
    try {
      await until("the listener to connect", async () => ((await mountListeners(ice, mount)) ?? 0) >= 1);
      const target = Date.now() + 300;
      const res = await playout.startAt(target);
      expect(res.outcome).toBe("completed");
      expect(res.actualStartMs!).toBeGreaterThanOrEqual(target);
      expect(res.segments.map((s) => s.status)).toEqual(["completed", "completed", "completed"]);
      expect(res.sink!.bytesWritten).toBeGreaterThan(60_000);
      // Nothing was lost: every byte went to the live connection, no dropout.
      expect(res.sink!.bytesDelivered).toBe(res.sink!.bytesWritten);
      expect(res.deliveredMs).toBe(res.playedMs);
      expect(res.dropouts).toEqual([]);
      expect(dropouts).toEqual([]);

      // Closing the sink ends the source; icecast then ends the listener's stream.
      const timer = setTimeout(() => listener.kill("SIGKILL"), 10_000);
      const code = await listenerDone;
      clearTimeout(timer);
      expect(code, listenerErr).toBe(0);
      await until("the mount to go down", async () => (await mountListeners(ice, mount)) === null);

      const heard = nonSilentMs(wav);
      expect(Math.abs(heard - res.playedMs), `heard ${heard} ms of ${res.playedMs} ms`).toBeLessThanOrEqual(1000);
      // 4 s of tones (plus each encode's few frames of padding) went out.
      expect(res.playedMs).toBeCloseTo(playout.plannedMs, 6);
      expect(Math.abs(res.playedMs - 4000)).toBeLessThanOrEqual(200);
      // No process (ffmpeg or otherwise) carries the source password, before or during air.
      expect(before).not.toContain(ice.sourcePassword);
      expect(procs).toContain("ffmpeg"); // the listener: the snapshot was taken while it ran
      expect(procs).not.toContain(ice.sourcePassword);
      console.info(`icecast listener heard ${Math.round(heard)} ms of non-silent audio; aired ${Math.round(res.playedMs)} ms`);
    } finally {
      if (listener.exitCode === null) listener.kill("SIGKILL");
    }
  });

  it("a wrong source password fails open() at once, with the password masked", async () => {
    const secret = "khong-dung-123";
    const sink = createSink({ kind: "icecast", host: ice.host, port: ice.port, mount: "/sai.mp3", password: secret }, { openDeadlineMs: Date.now() + 60_000 });
    const err = await sink.open().then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/Không mở được đầu ra icecast .*sai tên hoặc mật khẩu.*Could not open output icecast .*password rejected/);
    expect(err!.message).toMatch(/401/);
    expect(err!.message).not.toContain(secret);
  });

  it("mount still held by another source (403): open() retries and connects once the mount is free", async () => {
    const mount = "/xa-ban.mp3";
    const holder = createSink({ kind: "icecast", host: ice.host, port: ice.port, mount, password: ice.sourcePassword });
    await holder.open();
    // While the mount is held, a deadline that passes gives the 403 in the error.
    const short = createSink({ kind: "icecast", host: ice.host, port: ice.port, mount, password: ice.sourcePassword }, { openDeadlineMs: Date.now() + 1000 });
    await expect(short.open()).rejects.toThrow(/Could not open output icecast .*before the deadline.*403 Forbidden: Mountpoint in use/);
    // A new source (say, a restarted worker) gets the mount as soon as the old one lets go.
    const next = createSink({ kind: "icecast", host: ice.host, port: ice.port, mount, password: ice.sourcePassword }, { openDeadlineMs: Date.now() + 10_000 });
    const opened = next.open();
    await new Promise((r) => setTimeout(r, 1000));
    await holder.close();
    await opened;
    expect((next as IcecastSink).connected).toBe(true);
    await until("the new source's mount to go live", async () => (await mountListeners(ice, mount)) !== null);
    await next.close();
  });

  it("Icecast not running at open() and started 3 s later: open() keeps trying and succeeds before the deadline", async () => {
    const port = await freePort();
    const sourcePassword = `src${Math.random().toString(36).slice(2, 10)}`;
    const t0 = Date.now();
    const deadline = t0 + 10_000;
    const sink = createSink({ kind: "icecast", host: "127.0.0.1", port, mount: "/muon.mp3", password: sourcePassword }, { openDeadlineMs: deadline });
    const opened = sink.open().then(() => Date.now());
    await new Promise((r) => setTimeout(r, 3000));
    const late = await startIcecast({ port, sourcePassword });
    extra.push(late);
    const openedAt = await opened;
    expect(openedAt - t0).toBeGreaterThanOrEqual(3000);
    expect(openedAt).toBeLessThan(deadline);
    await until("the mount to go live", async () => (await mountListeners(late, "/muon.mp3")) !== null, 5000, late);
    const info = await sink.close();
    expect(info).toMatchObject({ kind: "icecast", bytesWritten: 0, bytesDelivered: 0, dropouts: [] });
    await late.stop();
  });

  it("the deadline passes with Icecast down: open() rejects with a clear bilingual error", async () => {
    const port = await freePort(); // nobody listens there
    const deadline = Date.now() + 1500;
    const sink = createSink({ kind: "icecast", host: "127.0.0.1", port, mount: "/khong.mp3", password: "bi-mat-42" }, { openDeadlineMs: deadline });
    const err = await sink.open().then(
      () => null,
      (e: Error) => e,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(deadline - 50);
    expect(err?.message).toMatch(
      new RegExp(`Không mở được đầu ra icecast 127\\.0\\.0\\.1:${port}/khong\\.mp3 trước hạn [\\d:.]+ \\(\\d+ lần thử\\) / Could not open output icecast 127\\.0\\.0\\.1:${port}/khong\\.mp3 before the deadline [\\d:.]+ UTC \\((\\d+) attempts\\): .*ECONNREFUSED`),
    );
    expect(Number(/\((\d+) attempts\)/.exec(err!.message)![1])).toBeGreaterThanOrEqual(2);
    expect(err!.message).not.toContain("bi-mat-42");
    await expect(sink.write(Buffer.alloc(4))).rejects.toThrow(/not open/);
  });

  it("Icecast killed mid-session and back ~3.5 s later: one dropout, the listener hears the clock-current audio again", async () => {
    const server = await startIcecast();
    extra.push(server);
    const mount = "/xa-lai.mp3";
    const freqs = [300, 500, 700, 900, 1100];
    const files = freqs.map((f) => tone(dir, `seg${f}.mp3`, 2, f));
    const dropouts: SinkDropout[] = [];
    const sink = createSink({ kind: "icecast", host: server.host, port: server.port, mount, password: server.sourcePassword }, { onDropout: (d) => dropouts.push(d) });
    let killedAt = 0;
    let backAt = 0;
    let restarted: Promise<IcecastServer> | null = null;
    const playout = await preparePlayout({
      segments: files.map((f, i) => ({ kind: "file" as const, path: f, tag: i })),
      sink,
      onSegmentStart: (e) => {
        if (e.index !== 0) return;
        setTimeout(() => {
          killedAt = Date.now();
          restarted = server.kill().then(async () => {
            await new Promise((r) => setTimeout(r, 3500));
            const again = await startIcecast({ port: server.port, sourcePassword: server.sourcePassword });
            backAt = Date.now();
            extra.push(again);
            return again;
          });
        }, 1500);
      },
    });
    await until("the mount to go live", async () => (await mountListeners(server, mount)) !== null, 5000, server);
    const listener = reconnectingListener(server.url(mount));
    try {
      await until("the listener to connect", async () => ((await mountListeners(server, mount)) ?? 0) >= 1, 5000, server);
      const res = await playout.startAt(Date.now() + 300);
      await restarted;
      listener.stop();

      // Keep time: the session still took its planned length on the clock.
      expect(Math.abs(res.actualEndMs! - res.actualStartMs! - playout.plannedMs)).toBeLessThanOrEqual(500);
      expect(res.outcome).toBe("completed");
      // Exactly one outage, reported once, from the kill until audio flowed again.
      expect(dropouts).toHaveLength(1);
      expect(res.dropouts).toEqual(dropouts);
      const d = dropouts[0]!;
      expect(d.reason).toMatch(/Mất kết nối Icecast \/ Icecast connection lost/);
      expect(d.startMs).toBeGreaterThanOrEqual(killedAt - 50);
      expect(d.startMs).toBeLessThanOrEqual(killedAt + 1000);
      expect(d.endMs).toBeGreaterThanOrEqual(backAt - 500);
      expect(d.endMs).toBeLessThanOrEqual(backAt + 3000);
      // What could not air is accounted: lost audio ≈ the outage, delivered the rest.
      const lost = res.segments.reduce((n, s) => n + s.lostMs, 0);
      expect(res.deliveredMs).toBeCloseTo(res.playedMs - lost, 6);
      expect(Math.abs(lost - (d.endMs - d.startMs))).toBeLessThanOrEqual(600);
      expect(res.sink!.bytesDelivered).toBeLessThan(res.sink!.bytesWritten);
      // Segment records are truthful: one wholly inside the outage failed; the last aired whole.
      expect(res.segments.some((s) => s.status === "failed" && /output down/.test(s.reason ?? ""))).toBe(true);
      expect(res.segments.at(-1)).toMatchObject({ status: "completed", lostMs: 0 });

      // The independent listener: before the kill it heard the first tone; after the restart
      // it hears the segment that is current on the clock (not the one cut off at the kill).
      expect(listener.connections.length).toBeGreaterThanOrEqual(2);
      const first = listener.connections[0]!;
      const firstPcm = decode(Buffer.concat(first.chunks.map((c) => c.data)));
      expect(Math.abs(toneHz(firstPcm, firstSoundMs(firstPcm) + 100, 400) - 300)).toBeLessThan(30);
      const after = listener.connections.filter((c) => c.chunks.length && c.chunks[0]!.t > killedAt).at(-1)!;
      expect(after, "a listener connection after the restart").toBeTruthy();
      const pcm = decode(Buffer.concat(after.chunks.map((c) => c.data)));
      const sound = firstSoundMs(pcm);
      const arrival = after.chunks[0]!.t + sound;
      // Player lead (200 ms) ahead of the clock; allow a segment boundary either side.
      const pos = arrival - res.actualStartMs! + 200;
      const candidates = [pos - 400, pos + 400].map((p) => freqs[Math.min(freqs.length - 1, Math.max(0, Math.floor(p / 2000)))]!);
      const heardHz = toneHz(pcm, sound, 150);
      expect(candidates.some((f) => Math.abs(heardHz - f) < 40), `heard ${heardHz} Hz at position ${pos} ms, expected one of ${candidates}`).toBe(true);
      expect(Math.abs(heardHz - freqs[0]!)).toBeGreaterThan(100);
      // …and hears the rest of the session to its end (the last tone).
      const heardMs = (pcm.length / 44100) * 1000;
      expect(heardMs - sound).toBeGreaterThanOrEqual(res.actualEndMs! - arrival - 800);
      expect(Math.abs(toneHz(pcm, heardMs - 600, 400) - 1100)).toBeLessThan(60);
      console.info(`dropout ${d.endMs - d.startMs} ms (kill→back ${backAt - killedAt} ms); after reconnect heard ${Math.round(heardMs)} ms starting at ${Math.round(heardHz)} Hz`);
    } finally {
      listener.stop();
    }
  });

  it("Icecast gone for the whole session: the session keeps time, nothing is delivered, the airing is failed", async () => {
    const server = await startIcecast();
    extra.push(server);
    const files = [tone(dir, "w1.mp3", 1, 440), tone(dir, "w2.mp3", 1, 660)];
    const dropouts: SinkDropout[] = [];
    const sink = createSink({ kind: "icecast", host: server.host, port: server.port, mount: "/xa-mat.mp3", password: server.sourcePassword }, { onDropout: (d) => dropouts.push(d) });
    const playout = await preparePlayout({ segments: files.map((f, i) => ({ kind: "file" as const, path: f, tag: i })), sink });
    await server.kill(); // during pre-roll, never back
    const res = await playout.startAt(Date.now() + 300);
    expect(res.outcome).toBe("failed");
    expect(res.reason).toMatch(/đầu ra mất tín hiệu suốt phiên.*output down for the session: no item reached listeners/);
    expect(res.deliveredMs).toBe(0);
    expect(res.sink).toMatchObject({ bytesDelivered: 0 });
    expect(res.sink!.bytesWritten).toBeGreaterThan(0);
    expect(res.segments.map((s) => s.status)).toEqual(["failed", "failed"]);
    expect(res.segments.every((s) => s.lostMs === s.playedMs && s.playedMs > 900)).toBe(true);
    // Kept time, and the one outage is closed at close (it never came back).
    expect(Math.abs(res.actualEndMs! - res.actualStartMs! - playout.plannedMs)).toBeLessThanOrEqual(500);
    expect(dropouts).toHaveLength(1);
    expect(res.dropouts).toEqual(dropouts);
    expect(dropouts[0]!.startMs).toBeGreaterThanOrEqual(res.actualStartMs! - 5);
    expect(dropouts[0]!.startMs).toBeLessThanOrEqual(res.actualStartMs! + 300);
    expect(dropouts[0]!.endMs).toBeGreaterThanOrEqual(res.actualEndMs! - 300);
  });
});

describe("icecast sink against a server that stops reading (network stalled, no reset)", () => {
  it("drops the stalled connection instead of queueing stale audio, reconnects, and reports one dropout", async () => {
    const net = await import("node:net");
    let connections = 0;
    const heads: string[] = [];
    const server = net.createServer((socket) => {
      const n = ++connections;
      let head = "";
      let answered = false;
      const onData = (b: Buffer) => {
        if (answered) return; // audio: read and dropped
        head += b.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        answered = true;
        heads.push(head.slice(0, head.indexOf("\r\n\r\n")));
        socket.write("HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\n\r\n");
        // The first connection stalls: nothing more is read, nothing is closed.
        if (n === 1) {
          socket.off("data", onData);
          socket.pause();
        }
      };
      socket.on("data", onData);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    const dropouts: SinkDropout[] = [];
    const sink = createSink({ kind: "icecast", host: "127.0.0.1", port, mount: "/fake.mp3", password: "pw-stall" }, { onDropout: (d) => dropouts.push(d) });
    try {
      await sink.open();
      const frame = Buffer.alloc(417 * 40, 0); // ~1 s of frames' worth of bytes
      // Far faster than real time, so the kernel buffers fill within a second.
      let discarded = 0;
      for (let i = 0; i < 2000 && discarded === 0; i++) if ((await sink.write(frame)) === false) discarded++;
      expect(discarded).toBe(1);
      // Writes go on without rejecting; the sink reconnects and audio flows again.
      await until("the sink to reconnect", async () => (await sink.write(frame)) === true && connections >= 2, 10_000);
      const info = await sink.close();
      expect(dropouts).toHaveLength(1);
      expect(dropouts[0]!.reason).toMatch(/Icecast connection lost: network stalled/);
      expect(info.dropouts).toEqual(dropouts);
      // Both connections were proper source logins.
      expect(heads.map((h) => h.split("\r\n")[0])).toEqual(["PUT /fake.mp3 HTTP/1.1", "PUT /fake.mp3 HTTP/1.1"]);
    } finally {
      server.close();
      await sink.abort("test end").catch(() => undefined);
    }
  });
});
