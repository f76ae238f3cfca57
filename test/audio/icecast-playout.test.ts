// A session aired through the icecast sink to a real icecast2 server is received and
// decoded by a real listener process (ffmpeg reading the mount over HTTP).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegPath } from "../../audio/ffmpeg.ts";
import { preparePlayout } from "../../audio/player.ts";
import { createSink } from "../../audio/sinks/index.ts";
import { startIcecast, type IcecastServer } from "../helpers/icecast.ts";
import { nonSilentMs, tmpDir, tone } from "./player-fixtures.ts";

let ice: IcecastServer;
const dir = tmpDir("loaxa-icecast-test-");

beforeAll(async () => {
  ice = await startIcecast();
});
afterAll(async () => {
  await ice?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Listener count of a live mount, or null when no source is connected to it. */
async function mountListeners(mount: string): Promise<number | null> {
  // status-json.xsl of icecast 2.4.4 emits broken JSON when no source is up; use admin XML.
  const auth = Buffer.from(`admin:${ice.adminPassword}`).toString("base64");
  const xml = await (await fetch(`http://127.0.0.1:${ice.port}/admin/stats`, { headers: { authorization: `Basic ${auth}` } })).text();
  const block = new RegExp(`<source mount="${mount.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}">([\\s\\S]*?)</source>`).exec(xml);
  if (!block) return null;
  return Number(/<listeners>(\d+)<\/listeners>/.exec(block[1]!)?.[1] ?? 0);
}

async function until<T>(what: string, fn: () => Promise<T | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${ice.logTail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("icecast sink against a real icecast2", () => {
  it("mount is live before air time and a listener decodes the session", async () => {
    const mount = "/xa-thon1.mp3";
    const files = [tone(dir, "a.mp3", 1.5, 440), tone(dir, "b.mp3", 1.5, 660), tone(dir, "c.mp3", 1.0, 550)];
    const sink = createSink({ kind: "icecast", host: ice.host, port: ice.port, mount, password: ice.sourcePassword, name: "Loa Xã test" });
    const playout = await preparePlayout({
      segments: files.map((f, i) => ({ kind: "file" as const, path: f, tag: i })),
      sink,
    });
    // Pre-roll: prepare() connected the source; the mount goes live before the first frame airs.
    await until("the mount to go live", async () => (await mountListeners(mount)) !== null);

    const wav = path.join(dir, "heard.wav");
    const listener = spawn(ffmpegPath(), ["-hide_banner", "-nostdin", "-v", "error", "-i", ice.url(mount), "-f", "wav", "-y", wav], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let listenerErr = "";
    listener.stderr.on("data", (b: Buffer) => (listenerErr += b.toString()));
    const listenerDone = new Promise<number | null>((resolve) => listener.once("close", (code) => resolve(code)));
    try {
      await until("the listener to connect", async () => ((await mountListeners(mount)) ?? 0) >= 1);
      const target = Date.now() + 300;
      const res = await playout.startAt(target);
      expect(res.outcome).toBe("completed");
      expect(res.actualStartMs!).toBeGreaterThanOrEqual(target);
      expect(res.segments.map((s) => s.status)).toEqual(["completed", "completed", "completed"]);
      expect(res.sink!.bytesWritten).toBeGreaterThan(60_000);

      // Closing the sink ends the source; icecast then ends the listener's stream.
      const timer = setTimeout(() => listener.kill("SIGKILL"), 10_000);
      const code = await listenerDone;
      clearTimeout(timer);
      expect(code, listenerErr).toBe(0);
      await until("the mount to go down", async () => (await mountListeners(mount)) === null);

      const heard = nonSilentMs(wav);
      expect(Math.abs(heard - res.playedMs), `heard ${heard} ms of ${res.playedMs} ms`).toBeLessThanOrEqual(1000);
      // 4 s of tones (plus each encode's few frames of padding) went out.
      expect(res.playedMs).toBeCloseTo(playout.plannedMs, 6);
      expect(Math.abs(res.playedMs - 4000)).toBeLessThanOrEqual(200);
      console.info(`icecast listener heard ${Math.round(heard)} ms of non-silent audio; aired ${Math.round(res.playedMs)} ms`);
    } finally {
      if (listener.exitCode === null) listener.kill("SIGKILL");
    }
  });

  it("a wrong source password fails open() before air time, with the password masked", async () => {
    const secret = "khong-dung-123";
    const sink = createSink({ kind: "icecast", host: ice.host, port: ice.port, mount: "/sai.mp3", password: secret });
    const err = await sink.open().then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/Không mở được đầu ra icecast .*Could not open output icecast/);
    expect(err!.message).toMatch(/401/);
    expect(err!.message).not.toContain(secret);
  });

  it("the server going away mid-session fails the segment on air (runs last: stops the server)", async () => {
    const files = [tone(dir, "long.mp3", 3, 440), tone(dir, "next.mp3", 1, 660)];
    const sink = createSink({ kind: "icecast", host: ice.host, port: ice.port, mount: "/xa-fail.mp3", password: ice.sourcePassword });
    const playout = await preparePlayout({
      segments: files.map((f, i) => ({ kind: "file" as const, path: f, tag: i })),
      sink,
      onSegmentStart: (e) => {
        if (e.index === 0) setTimeout(() => void ice.stop(), 500);
      },
    });
    const res = await playout.startAt(Date.now() + 100);
    expect(res.outcome).toBe("failed");
    expect(res.segments[0]!.status).toBe("failed");
    expect(res.segments[0]!.reason).toMatch(/icecast/);
    expect(res.segments[0]!.playedMs).toBeGreaterThan(0);
    expect(res.segments[0]!.playedMs).toBeLessThan(res.segments[0]!.plannedMs);
    expect(res.segments[1]!.status).toBe("not_played");
    expect(res.sink).toBeNull();
  });
});
