// FPT.AI and Viettel AI text-to-speech against local stub servers that implement each
// service's documented contract (FPT.AI: api-key/voice/speed headers, raw text body, JSON
// {async, error: 0}, audio fetched later from the async URL; Viettel: JSON request with the
// token, audio bytes back). Success, a slow service, an error and an exceeded quota; the
// fallback speaks with espeak-ng and says why. Never the internet.
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFptProvider, createViettelProvider, fptSpeed, viettelSpeed } from "../../audio/tts-cloud.ts";
import { createEspeakNgProvider } from "../../audio/tts-espeak.ts";
import { createTtsRegistry, synthesizeWithFallback, TtsError } from "../../audio/tts.ts";

const MP3 = Buffer.from([0xff, 0xfb, 0x90, 0x64, ...new Array(413).fill(0)]);
type Mode = "ok" | "slow" | "error" | "quota";
let mode: Mode = "ok";
const seen: { headers: http.IncomingHttpHeaders; body: string; url: string }[] = [];
let polls = 0;

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    seen.push({ headers: req.headers, body, url: req.url ?? "" });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (mode === "slow") return void setTimeout(() => res.writeHead(200).end(MP3), 3000);
    // FPT.AI v5
    if (req.url === "/hmi/tts/v5") {
      if (mode === "error") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ async: "", error: 1, message: "Invalid voice" }));
      if (mode === "quota") return void res.writeHead(429, { "content-type": "application/json" }).end(JSON.stringify({ error: 1, message: "Your quota is exceeded" }));
      polls = 0;
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ async: `${base}/audio/1.mp3`, error: 0, message: "The content will be returned after a few seconds under the async link.", request_id: "r1" }));
    }
    if (req.url === "/audio/1.mp3") return void (++polls < 3 ? res.writeHead(404).end() : res.writeHead(200, { "content-type": "audio/mpeg" }).end(MP3));
    // Viettel AI
    if (req.url === "/tts/speech_synthesis") {
      if (mode === "error") return void res.writeHead(500).end("internal");
      if (mode === "quota") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ code: 429, message: "quota exceeded" }));
      return void res.writeHead(200, { "content-type": "audio/mpeg" }).end(MP3);
    }
    res.writeHead(404).end();
  });
});
let base = "";
let dir = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tts-cloud-"));
});
afterAll(() => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const fpt = () => createFptProvider({ url: `${base}/hmi/tts/v5`, key: "k-fpt", pollMs: 20, defaultTimeoutMs: 1000 });
const viettel = () => createViettelProvider({ url: `${base}/tts/speech_synthesis`, key: "t-viettel", defaultTimeoutMs: 1000 });
const out = (name: string) => ({ outPath: path.join(dir, name), tmpDir: dir });
const TEXT = "Ủy ban nhân dân xã thông báo lịch tiêm chủng.";

describe("FPT.AI v5", () => {
  it("posts the raw text with api-key, voice and speed, then fetches the audio from the async URL", async () => {
    mode = "ok";
    seen.length = 0;
    const r = await fpt().synthesize({ text: TEXT, voice: "banmai", rate: 1.3 }, out("fpt.mp3"));
    expect(fs.readFileSync(r.path)).toEqual(MP3);
    expect(seen[0]!.headers).toMatchObject({ "api-key": "k-fpt", voice: "banmai", speed: "1" });
    expect(seen[0]!.body).toBe(TEXT);
    expect(seen.filter((s) => s.url === "/audio/1.mp3")).toHaveLength(3); // 404, 404, then the audio
    expect([fptSpeed(0.5), fptSpeed(0.8), fptSpeed(1), fptSpeed(1.3), fptSpeed(2)]).toEqual([-3, -1, 0, 1, 3]);
  });

  it("fails with a bilingual reason on an error, an exceeded quota and a slow service", async () => {
    const reason = async (m: Mode) => {
      mode = m;
      const e = await fpt().synthesize({ text: TEXT, voice: "banmai" }, out(`fpt-${m}.mp3`)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(TtsError);
      expect(fs.existsSync(path.join(dir, `fpt-${m}.mp3`))).toBe(false);
      return (e as TtsError).messageVi;
    };
    expect(await reason("error")).toBe("FPT.AI: dịch vụ báo lỗi 1 (Invalid voice)");
    expect(await reason("quota")).toBe("FPT.AI: đã hết hạn mức sử dụng (HTTP 429)");
    expect(await reason("slow")).toBe("FPT.AI: dịch vụ không trả lời kịp thời hạn");
  });
});

describe("Viettel AI", () => {
  it("posts {text, voice, speed, tts_return_option: 3, token, without_filter} and writes the audio bytes", async () => {
    mode = "ok";
    seen.length = 0;
    const r = await viettel().synthesize({ text: TEXT, voice: "hn-quynhanh", rate: 1.5 }, out("viettel.mp3"));
    expect(fs.readFileSync(r.path)).toEqual(MP3);
    expect(JSON.parse(seen[0]!.body)).toEqual({ text: TEXT, voice: "hn-quynhanh", speed: 1.2, tts_return_option: 3, token: "t-viettel", without_filter: false });
    expect(viettelSpeed(0.5)).toBe(0.8);
  });

  it("fails with a bilingual reason on an error, an exceeded quota and a slow service", async () => {
    const reason = async (m: Mode) => {
      mode = m;
      return ((await viettel().synthesize({ text: TEXT, voice: "hn-quynhanh" }, out(`v-${m}.mp3`)).catch((x: unknown) => x)) as TtsError).messageEn;
    };
    expect(await reason("error")).toBe("Viettel AI: the service answered HTTP 500");
    expect(await reason("quota")).toBe("Viettel AI: quota exceeded (429 quota exceeded)");
    expect(await reason("slow")).toBe("Viettel AI: the service did not answer in time");
  });
});

describe("fallback to espeak-ng", () => {
  it("speaks with espeak-ng when the chosen service fails, and says why; uses the service when it works", async () => {
    const registry = createTtsRegistry([createEspeakNgProvider(), fpt(), viettel()], { defaultProviderId: "espeak-ng" });
    mode = "quota";
    const r = await synthesizeWithFallback(registry, { text: TEXT, provider: "fpt", voice: "banmai" }, out("fb.wav"), { provider: "espeak-ng", voice: "vi" });
    expect(r.providerId).toBe("espeak-ng");
    expect(r.fallback).toEqual({ from: "fpt", messageVi: "FPT.AI: đã hết hạn mức sử dụng (HTTP 429)", messageEn: "FPT.AI: quota exceeded (HTTP 429)" });
    expect(fs.readFileSync(r.path).subarray(0, 4).toString("latin1")).toBe("RIFF"); // espeak-ng's WAV
    mode = "ok";
    const ok = await synthesizeWithFallback(registry, { text: TEXT, provider: "viettel", voice: "hn-quynhanh" }, out("ok.mp3"), { provider: "espeak-ng", voice: "vi" });
    expect([ok.providerId, ok.fallback]).toEqual(["viettel", undefined]);
    const noKey = createTtsRegistry([createEspeakNgProvider(), createFptProvider({ url: `${base}/hmi/tts/v5`, key: "" })], { defaultProviderId: "espeak-ng" });
    const nk = await synthesizeWithFallback(noKey, { text: TEXT, provider: "fpt", voice: "banmai" }, out("nk.wav"), { provider: "espeak-ng" });
    expect(nk.fallback?.messageVi).toBe("FPT.AI: chưa cấu hình khóa API");
  });
});
