import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FRAME_MS as CANONICAL_FRAME_MS } from "../../audio/canonical.ts";
import { preparePlayout } from "../../audio/player.ts";
import { relayArgs, relayInputUrl, startRelay } from "../../audio/relay.ts";
import { createSink } from "../../audio/sinks/index.ts";
import { freePort } from "../helpers/icecast.ts";
import { decodedMs, meanVolumeDb, silence, tmpDir, tone } from "./player-fixtures.ts";

const dir = tmpDir("loaxa-relay-");
const intro = tone(dir, "intro.mp3", 0.6, 440);
const outro = tone(dir, "outro.mp3", 0.6, 880);
const placeholder = silence(dir, "placeholder.mp3", 2);
// The "station": stereo 48 kHz, to prove the relay transcodes to the broadcast format.
const station = tone(dir, "station.mp3", 4, 330, ["-ac", "2", "-ar", "48000"]);
let server: http.Server;
let base = "";

beforeAll(async () => {
  // The test "stations" are on loopback: allow exactly that, as a LAN station would be.
  process.env.RELAY_ALLOW_PRIVATE = "127.0.0.1";
  server = http.createServer((req, res) => {
    if (req.url !== "/vov1.mp3") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "audio/mpeg" });
    fs.createReadStream(station).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

const sink = (name: string) => createSink({ kind: "file", dir }, { fileName: name });

describe("relay segments", () => {
  it("relayArgs decodes our pipe only and transcodes to canonical MP3 on stdout; icecast:// is read over http", () => {
    const args = relayArgs(90_000);
    expect(args.join(" ")).toContain("-protocol_whitelist pipe -i pipe:0");
    expect(args.join(" ")).toContain("-ac 1 -ar 44100 -c:a libmp3lame -b:a 128k");
    expect(args.slice(-3)).toEqual(["-f", "mp3", "pipe:1"]);
    expect(relayInputUrl("icecast://radio.example:8000/vov1")).toBe("http://radio.example:8000/vov1");
    expect(() => startRelay({ url: "file:///etc/passwd", durationMs: 1000 })).toThrow(/http, https or icecast/);
  });

  it("pulls a real HTTP stream live between two files", async () => {
    const playout = await preparePlayout({
      segments: [
        { kind: "file", path: intro, tag: "intro" },
        { kind: "relay", url: `${base}/vov1.mp3`, durationMs: 2000, fallbackPath: placeholder, tag: "vov" },
        { kind: "file", path: outro, tag: "outro" },
      ],
      sink: sink("relay-ok.mp3"),
      speed: 10,
    });
    const target = Date.now() + 100;
    const res = await playout.startAt(target);
    expect(res.actualStartMs!).toBeGreaterThanOrEqual(target);
    expect(res.segments.map((s) => [s.tag, s.status, s.source])).toEqual([
      ["intro", "completed", "file"],
      ["vov", "completed", "relay"],
      ["outro", "completed", "file"],
    ]);
    const relay = res.segments[1]!;
    expect(Math.abs(relay.playedMs - 2000)).toBeLessThanOrEqual(CANONICAL_FRAME_MS);
    expect(relay.actualStartMs!).toBeGreaterThanOrEqual(res.segments[0]!.actualEndMs! - 1);
    const out = res.sink!.path!;
    expect(Math.abs(decodedMs(out) - res.playedMs)).toBeLessThanOrEqual(60);
    expect(meanVolumeDb(out)).toBeGreaterThan(-30);
  });

  it("an unreachable relay falls back to its placeholder and is recorded as skipped", async () => {
    const dead = `http://127.0.0.1:${await freePort()}/vov1.mp3`;
    const playout = await preparePlayout({
      segments: [
        { kind: "file", path: intro, tag: "intro" },
        { kind: "relay", url: dead, durationMs: 1500, fallbackPath: placeholder, tag: "vov" },
        { kind: "relay", url: `${base}/missing.mp3`, durationMs: 1000, tag: "district" },
        { kind: "file", path: outro, tag: "outro" },
      ],
      sink: sink("relay-dead.mp3"),
      speed: 10,
      relayStartTimeoutMs: 3000,
    });
    const res = await playout.startAt(Date.now() + 50);
    expect(res.outcome).toBe("completed");
    expect(res.segments.map((s) => [s.tag, s.status, s.source])).toEqual([
      ["intro", "completed", "file"],
      ["vov", "skipped", "fallback"],
      ["district", "skipped", null],
      ["outro", "completed", "file"],
    ]);
    const [, vov, district] = res.segments;
    expect(vov!.reason).toMatch(/relay failed to start/);
    expect(Math.abs(vov!.playedMs - 1500)).toBeLessThanOrEqual(CANONICAL_FRAME_MS);
    expect(district!.reason).toMatch(/relay failed to start: .*404/);
    expect(district!.playedMs).toBe(0);
    expect(district!.actualStartMs).toBeNull();
    expect(Math.abs(decodedMs(res.sink!.path!) - res.playedMs)).toBeLessThanOrEqual(60);
  });

  it("startRelay reports a stream that never sends audio within the start timeout", async () => {
    const silentServer = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" }); // headers, then nothing
    });
    await new Promise<void>((resolve) => silentServer.listen(0, "127.0.0.1", resolve));
    const port = (silentServer.address() as AddressInfo).port;
    try {
      const relay = startRelay({ url: `http://127.0.0.1:${port}/live`, durationMs: 1000, startTimeoutMs: 800 });
      await expect(relay.started).rejects.toThrow(/no audio within 800 ms/);
      expect(await relay.read(1000)).toBeNull();
      await relay.stop();
    } finally {
      silentServer.closeAllConnections();
      await new Promise((resolve) => silentServer.close(resolve));
    }
  });
});

void path;

describe("relay that dies on air", () => {
  it("is recorded as failed with the reason, and the placeholder fills the rest of its slot", async () => {
    // Sends ~1 s of the station, then drops the connection.
    const head = fs.readFileSync(station).subarray(0, 24_000);
    const flaky = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.write(head, () => setTimeout(() => res.destroy(), 50));
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/live`;
    try {
      const playout = await preparePlayout({
        segments: [
          { kind: "relay", url, durationMs: 3000, fallbackPath: placeholder, tag: "vov" },
          { kind: "file", path: outro, tag: "outro" },
        ],
        sink: sink("relay-dies.mp3"),
        speed: 10,
      });
      const res = await playout.startAt(Date.now() + 100);
      const [vov, after] = res.segments;
      expect(vov!.status).toBe("failed");
      expect(vov!.source).toBe("relay");
      expect(vov!.reason).toMatch(/relay stopped after \d+ ms.*fallback played/);
      const relayedMs = Number(/relay stopped after (\d+) ms/.exec(vov!.reason!)![1]);
      expect(relayedMs).toBeGreaterThan(0);
      expect(relayedMs).toBeLessThan(2000);
      // Relay audio + placeholder fill the 3 s slot.
      expect(Math.abs(vov!.playedMs - 3000)).toBeLessThanOrEqual(CANONICAL_FRAME_MS);
      expect(after!.status).toBe("completed");
      expect(Math.abs(decodedMs(res.sink!.path!) - res.playedMs)).toBeLessThanOrEqual(60);
    } finally {
      flaky.closeAllConnections();
      await new Promise((resolve) => flaky.close(resolve));
    }
  });
});
