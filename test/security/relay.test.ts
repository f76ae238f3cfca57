// Relays cannot be pointed inward: not by a redirect that appears only at air time, not by
// a DNS answer that changes, not by an IPv6 spelling of a loopback address, and not by a
// stream that asks ffmpeg to fetch something itself.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegPath } from "../../audio/ffmpeg.ts";
import { isPrivateAddress } from "../../audio/net-policy.ts";
import { preparePlayout } from "../../audio/player.ts";
import { relayArgs, startRelay } from "../../audio/relay.ts";
import { createSink } from "../../audio/sinks/index.ts";
import { loadConfig } from "../../server/config.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { decodedMs, silence, tmpDir, tone } from "../audio/player-fixtures.ts";

const dir = tmpDir("loaxa-sec-relay-");
const stationAudio = tone(dir, "station.mp3", 6, 330);
const placeholder = silence(dir, "placeholder.mp3", 2);

// The "station" is on 127.0.0.2, the one private address this installation allows (as a
// commune would allow its LAN station). The "internal" service on 127.0.0.1 must never be
// reached; it would answer with audio, so reaching it would make the relay succeed.
let mode: "audio" | "redirect" | "playlist" = "audio";
let internalHits = 0;
let stationHits = 0;
let station: http.Server;
let internal: http.Server;
let stationUrl = "";
let internalUrl = "";

const listen = (s: http.Server, host: string) => new Promise<number>((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));

beforeAll(async () => {
  internal = http.createServer((_req, res) => {
    internalHits++;
    res.writeHead(200, { "content-type": "audio/mpeg" });
    fs.createReadStream(stationAudio).pipe(res);
  });
  internalUrl = `http://127.0.0.1:${await listen(internal, "127.0.0.1")}/noi-bo.mp3`;
  station = http.createServer((_req, res) => {
    stationHits++;
    if (mode === "redirect") return void res.writeHead(302, { location: internalUrl }).end();
    if (mode === "playlist") return void res.writeHead(200, { "content-type": "audio/x-mpegurl" }).end(`#EXTM3U\n#EXTINF:10,\n${internalUrl}\n`);
    res.writeHead(200, { "content-type": "audio/mpeg" });
    fs.createReadStream(stationAudio).pipe(res);
  });
  stationUrl = `http://127.0.0.2:${await listen(station, "127.0.0.2")}/vov1.mp3`;
});
afterAll(async () => {
  for (const s of [station, internal]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Airs one relay segment through the real player (the air-time path) to a file. */
async function airRelay(url: string, allowPrivate: boolean | string[], name: string) {
  process.env.RELAY_ALLOW_PRIVATE = allowPrivate === true ? "1" : allowPrivate === false ? "0" : allowPrivate.join(",");
  const playout = await preparePlayout({
    segments: [{ kind: "relay", url, durationMs: 1500, fallbackPath: placeholder, tag: "vov" }],
    sink: createSink({ kind: "file", dir }, { fileName: name }),
    speed: 10,
    relayStartTimeoutMs: 3000,
  });
  return playout.startAt(Date.now() + 50);
}

describe("a relay that redirects inward only at air time", () => {
  let env: TestEnv;
  let editor: Client;
  beforeAll(async () => {
    env = await createTestEnv({ env: { RELAY_ALLOW_PRIVATE: "127.0.0.2" } });
    editor = await signedIn(env, "editor");
  });
  afterAll(async () => env?.cleanup());

  it("is accepted when saved (it answers with audio then), refused with a 302 inward at save time", async () => {
    mode = "audio";
    const ok = await editor.req("POST", "/api/items", { kind: "relay", title: "VOV1 qua đài xã", url: stationUrl, durationSec: 600 });
    expect(ok.status).toBe(201);
    mode = "redirect";
    const bad = await editor.req("POST", "/api/items", { kind: "relay", title: "VOV1 chuyển hướng", url: stationUrl, durationSec: 600 });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe("BAD_RELAY_URL");
    expect(bad.json.error.messageEn).toContain("private or loopback address (127.0.0.1)");
    expect(bad.json.error.messageVi).toContain("mạng nội bộ");
    expect(internalHits).toBe(0);
  });

  it("airs the saved URL while it serves audio, and refuses the 302 inward at air time (placeholder airs)", async () => {
    mode = "audio";
    const good = await airRelay(stationUrl, ["127.0.0.2"], "relay-ok.mp3");
    expect(good.segments[0]).toMatchObject({ status: "completed", source: "relay" });
    mode = "redirect";
    const hitsBefore = stationHits;
    const res = await airRelay(stationUrl, ["127.0.0.2"], "relay-redirect.mp3");
    expect(stationHits).toBe(hitsBefore + 1); // our client asked the station…
    expect(internalHits).toBe(0); // …and did not follow it inward
    expect(res.segments[0]).toMatchObject({ status: "skipped", source: "fallback" });
    expect(res.segments[0]!.reason).toMatch(/private or loopback address \(127\.0\.0\.1\)/);
    expect(Math.abs(decodedMs(res.sink!.path!) - 1500)).toBeLessThanOrEqual(60);
  });

  it("a playlist pointing inward is not followed (and never reaches ffmpeg)", async () => {
    mode = "playlist";
    const res = await airRelay(stationUrl, ["127.0.0.2"], "relay-playlist.mp3");
    expect(res.segments[0]!.status).toBe("skipped");
    expect(res.segments[0]!.reason).toMatch(/playlist/);
    const saved = await editor.req("POST", "/api/items", { kind: "relay", title: "Danh sách phát", url: stationUrl, durationSec: 600 });
    expect(saved.status).toBe(422);
    expect(saved.json.error.messageEn).toMatch(/playlist/);
    expect(internalHits).toBe(0);
  });
});

describe("the decoder has no network of its own", () => {
  // An HLS playlist whose segment is the internal service, fed on stdin as a stream would be.
  const feed = (args: string[]) =>
    new Promise<number>((resolve) => {
      const child = spawn(ffmpegPath(), args, { stdio: ["pipe", "ignore", "ignore"] });
      child.stdin.on("error", () => undefined);
      child.stdin.end(`#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n${internalUrl}\n#EXT-X-ENDLIST\n`);
      child.on("close", (code) => resolve(code ?? -1));
    });

  it("ffmpeg with the relay arguments fails on a playlist instead of fetching its segment", async () => {
    const before = internalHits;
    const code = await feed(relayArgs(1500));
    expect(code).not.toBe(0);
    expect(internalHits).toBe(before);
  });

  it("(control) the same playlist with network protocols allowed does reach the internal service", async () => {
    const before = internalHits;
    await feed(relayArgs(1500).map((a) => (a === "pipe" ? "pipe,http,tcp" : a)));
    expect(internalHits).toBeGreaterThan(before);
  });
});

describe("DNS answers are checked once and pinned", () => {
  it("connects to the address that was checked, even if the name later resolves inward", async () => {
    mode = "audio";
    const answers = [[{ address: "127.0.0.2", family: 4 }], [{ address: "127.0.0.1", family: 4 }]];
    let lookups = 0;
    const resolve = async () => answers[Math.min(lookups++, 1)]!;
    const port = new URL(stationUrl).port;
    const before = { station: stationHits, internal: internalHits };
    const relay = startRelay({ url: `http://dai-xa.test:${port}/vov1.mp3`, durationMs: 1000, allowPrivate: ["127.0.0.2"], resolve });
    await relay.started;
    while (await relay.read(1000)) {
      /* drain */
    }
    await relay.stop();
    expect(relay.error).toBeNull();
    expect(lookups).toBe(1);
    expect(stationHits).toBe(before.station + 1);
    expect(internalHits).toBe(before.internal);
  });

  it("refuses a name that answers with an allowed and a private address (a rebinding pair)", async () => {
    const resolve = async () => [{ address: "127.0.0.2", family: 4 }, { address: "127.0.0.1", family: 4 }];
    const relay = startRelay({ url: `http://dai-xa.test:${new URL(stationUrl).port}/vov1.mp3`, durationMs: 1000, allowPrivate: ["127.0.0.2"], resolve, startTimeoutMs: 3000 });
    await expect(relay.started).rejects.toThrow(/private or loopback address \(127\.0\.0\.1\)/);
    await relay.stop();
  });
});

describe("IPv6 spellings of inward addresses", () => {
  const forms = ["[::127.0.0.1]", "[::7f00:1]", "[::ffff:0:127.0.0.1]", "[::ffff:0:7f00:1]", "[::ffff:127.0.0.1]", "[0:0:0:0:0:ffff:7f00:1]", "[::1]", "[::]", "[64:ff9b::127.0.0.1]", "[64:ff9b:1::a00:1]", "[2002:7f00:1::1]", "[2001:0:4136:e378:8000:63bf:80ff:fffe]", "[fe80::1]", "[fd12:3456::1]"];

  it("are all private to the address check", () => {
    for (const f of forms) expect(isPrivateAddress(new URL(`http://${f}/`).hostname), f).toBe(true);
    expect(isPrivateAddress("2001:4860:4860::8888")).toBe(false);
    expect(isPrivateAddress("::ffff:8.8.8.8")).toBe(false);
  });

  it("are refused when saved, bilingual", async () => {
    const env = await createTestEnv({ env: { RELAY_ALLOW_PRIVATE: "0" } });
    try {
      const editor = await signedIn(env, "editor");
      for (const f of forms) {
        const r = await editor.req("POST", "/api/items", { kind: "relay", title: "VOV", url: `http://${f}:8000/live`, durationSec: 600 });
        expect(r.status, f).toBe(422);
        expect(r.json.error.messageEn, f).toContain("private or loopback");
      }
      expect(await env.db.item.count()).toBe(0);
    } finally {
      await env.cleanup();
    }
  });
});

describe("RELAY_ALLOW_PRIVATE", () => {
  it("=1 still lets a LAN station be saved and aired", async () => {
    const env = await createTestEnv({ env: { RELAY_ALLOW_PRIVATE: "1" } });
    try {
      mode = "audio";
      const lan = internalUrl; // on 127.0.0.1: allowed now
      const editor = await signedIn(env, "editor");
      expect((await editor.req("POST", "/api/items", { kind: "relay", title: "Đài xã (LAN)", url: lan, durationSec: 600 })).status).toBe(201);
      const res = await airRelay(lan, true, "relay-lan.mp3");
      expect(res.segments[0]).toMatchObject({ status: "completed", source: "relay" });
    } finally {
      await env.cleanup();
    }
  });

  it("accepts 0, 1 or a list of addresses/CIDRs and names the variable otherwise", () => {
    expect(loadConfig({ RELAY_ALLOW_PRIVATE: "0" }).RELAY_ALLOW_PRIVATE).toBe(false);
    expect(loadConfig({ RELAY_ALLOW_PRIVATE: "1" }).RELAY_ALLOW_PRIVATE).toBe(true);
    expect(loadConfig({ RELAY_ALLOW_PRIVATE: "192.168.1.20, 10.0.0.0/24" }).RELAY_ALLOW_PRIVATE).toEqual(["192.168.1.20", "10.0.0.0/24"]);
    expect(() => loadConfig({ RELAY_ALLOW_PRIVATE: "lan" })).toThrow(/^Invalid RELAY_ALLOW_PRIVATE="lan"/);
  });
});
