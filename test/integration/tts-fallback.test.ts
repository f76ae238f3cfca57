// A cloud voice chosen on an item, through the real ingest worker against a local FPT.AI
// stub: when the service answers, the item is spoken by it; when its quota is exceeded the
// item is spoken by espeak-ng instead, still airs, and shows why.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../audio/ffmpeg.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";

let env: TestEnv;
let sys: Awaited<ReturnType<typeof startSystem>>;
let editor: Client;
let admin: Client;
let quota = false;
let speech: Buffer;
/** Viettel tokens the stub saw, in order. */
const viettelTokens: string[] = [];
const stub = http.createServer((req, res) => {
  const body: Buffer[] = [];
  req.on("data", (b: Buffer) => body.push(b));
  req.on("end", () => {
    if (req.url === "/viettel/tts") {
      const token = (JSON.parse(Buffer.concat(body).toString("utf8")) as { token: string }).token;
      viettelTokens.push(token);
      if (token !== "viettel-token-from-settings-9f3a") return void res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ code: 401, message: "invalid token" }));
      return void res.writeHead(200, { "content-type": "audio/mpeg" }).end(speech);
    }
    const base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    if (req.url === "/hmi/tts/v5") {
      if (quota) return void res.writeHead(429, { "content-type": "application/json" }).end(JSON.stringify({ error: 1, message: "quota exceeded" }));
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ async: `${base}/a.mp3`, error: 0 }));
    }
    res.writeHead(200, { "content-type": "audio/mpeg" }).end(speech);
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  env = await createTestEnv({ env: { FPT_TTS_API_KEY: "fpt-env-key", FPT_TTS_URL: `${base}/hmi/tts/v5`, VIETTEL_TTS_URL: `${base}/viettel/tts` } });
  // The "service's" speech: 3 s of tone as MP3.
  const mp3 = path.join(env.dir, "speech.mp3");
  await runFfmpeg(["-y", "-hide_banner", "-f", "lavfi", "-i", "sine=frequency=300:duration=3", "-ac", "1", "-c:a", "libmp3lame", mp3], { timeoutMs: 30_000 });
  speech = fs.readFileSync(mp3);
  sys = await startSystem(env, { only: ["ingest"] });
  editor = await signedIn(env, "editor");
  admin = await signedIn(env, "admin");
});
afterAll(async () => {
  await sys?.stop();
  await env?.cleanup();
  stub.close();
});

const ready = (id: number) => waitFor(async () => {
  const it = await env.db.item.findUnique({ where: { id } });
  return it && (it.status === "ready" || it.status === "failed") ? it : null;
}, 60_000);

describe("cloud voice with espeak-ng fallback", () => {
  it("uses FPT.AI when it answers, and falls back to espeak-ng with the reason on the item when its quota is exceeded", async () => {
    const ok = await editor.req("POST", "/api/items", { kind: "tts", title: "Thông báo", text: "Xã thông báo lịch họp.", voice: "fpt:banmai" });
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    const a = await ready(ok.json.item.id);
    expect([a.status, a.statusReason]).toEqual(["ready", ""]);
    expect(Math.abs(a.durationMs - 3000)).toBeLessThan(300); // the service's audio, not espeak's

    quota = true;
    const fb = await editor.req("POST", "/api/items", { kind: "tts", title: "Thông báo 2", text: "Xã thông báo lịch họp ngày mai.", voice: "fpt:banmai" });
    const b = await ready(fb.json.item.id);
    expect(b.status).toBe("ready");
    expect(b.statusReason).toBe("Đọc bằng giọng dự phòng espeak-ng vì FPT.AI: đã hết hạn mức sử dụng (HTTP 429) / Spoken by the espeak-ng fallback: FPT.AI: quota exceeded (HTTP 429)");
    const shown = await editor.req("GET", `/api/items/${b.id}`);
    expect(shown.json.item.statusReason).toContain("espeak-ng");
    expect((await editor.req("POST", "/api/items", { kind: "tts", title: "x", text: "x", voice: "fpt:khong-co" })).status).toBe(422);
  });
});

describe("cloud voice keys set in Settings", () => {
  it("uses a key set by an administrator from the next item on, never shows it back, and falls back without one", async () => {
    const status = async () => (await admin.req("GET", "/api/settings/tts")).json.providers;
    expect(await status()).toEqual([
      { provider: "fpt", source: "env", hint: "…-key", updatedAt: null },
      { provider: "viettel", source: null, hint: "", updatedAt: null },
    ]);
    // No Viettel key anywhere: espeak-ng speaks, and the item says why.
    const before = await editor.req("POST", "/api/items", { kind: "tts", title: "Viettel 1", text: "Xã thông báo lịch họp.", voice: "viettel:hn-quynhanh" });
    const a = await ready(before.json.item.id);
    expect([a.status, a.statusReason]).toEqual(["ready", "Đọc bằng giọng dự phòng espeak-ng vì Viettel AI: chưa cấu hình khóa API / Spoken by the espeak-ng fallback: Viettel AI: no API key configured"]);
    expect(viettelTokens).toEqual([]);

    const KEY = "viettel-token-from-settings-9f3a";
    expect((await editor.req("PUT", "/api/settings/tts/viettel", { key: KEY })).status).toBe(403);
    const spaced = await admin.req("PUT", "/api/settings/tts/viettel", { key: "two words" });
    expect(spaced.status).toBe(422);
    expect((await admin.req("PUT", "/api/settings/tts/google", { key: KEY })).status).toBe(422);
    const set = await admin.req("PUT", "/api/settings/tts/viettel", { key: KEY });
    expect(set.status).toBe(200);
    expect(JSON.stringify(set.json)).not.toContain(KEY);
    expect(set.json.providers[1]).toMatchObject({ provider: "viettel", source: "settings", hint: "…9f3a" });
    const audit = await env.db.auditLog.findFirstOrThrow({ where: { action: "settings.tts_key_set" }, orderBy: { id: "desc" } });
    expect(JSON.stringify(audit)).not.toContain(KEY);

    // The next item is spoken by the service with that key (the worker was not restarted).
    const after = await editor.req("POST", "/api/items", { kind: "tts", title: "Viettel 2", text: "Xã thông báo lịch họp ngày mai.", voice: "viettel:hn-quynhanh" });
    const b = await ready(after.json.item.id);
    expect([b.status, b.statusReason]).toEqual(["ready", ""]);
    expect(Math.abs(b.durationMs - 3000)).toBeLessThan(300); // the service's audio, not espeak's
    expect(viettelTokens).toEqual([KEY]);

    // Cleared: back to no key (the environment has none for Viettel).
    const cleared = await admin.req("PUT", "/api/settings/tts/viettel", { key: "" });
    expect(cleared.json.providers[1]).toEqual({ provider: "viettel", source: null, hint: "", updatedAt: null });
    expect((await editor.req("GET", "/api/settings/tts")).status).toBe(403);
  });
});
