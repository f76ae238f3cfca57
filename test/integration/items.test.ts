// The content library over HTTP with real files: good uploads become ready canonical
// audio; every kind of bad input gets a clear bilingual error and leaves nothing behind.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../audio/ffmpeg.ts";
import { probe } from "../../audio/probe.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";
import { makeTone } from "../helpers/media.ts";

let env: TestEnv;
let sys: Awaited<ReturnType<typeof startSystem>>;
let editor: Client;
let fixtures: string;

const lavfi = async (out: string, src: string, extra: string[] = []) => {
  await runFfmpeg(["-y", "-hide_banner", "-f", "lavfi", "-i", src, ...extra, out], { timeoutMs: 60_000 });
  return out;
};

beforeAll(async () => {
  env = await createTestEnv({ env: { UPLOAD_MAX_MB: "2", ITEM_MAX_MINUTES: "1", RELAY_ALLOW_PRIVATE: "0" } });
  sys = await startSystem(env, { only: ["ingest"] });
  editor = await signedIn(env, "editor");
  fixtures = path.join(env.dir, "fixtures");
  fs.mkdirSync(fixtures);
});
afterAll(async () => {
  await sys?.stop();
  await env?.cleanup();
});

async function upload(file: string, name = path.basename(file), fields: Record<string, string> = {}) {
  const fd = new FormData();
  fd.set("file", new File([fs.readFileSync(file)], name));
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  return editor.req("POST", "/api/items/upload", fd);
}

/** Nothing half-written: the temp dir is empty and no item/asset row was added. */
async function expectNothingLeft(before: { items: number; assets: number }) {
  // Ingests of earlier tests' uploads use the temp dir too: let them finish first.
  await settled();
  expect(fs.readdirSync(path.join(env.dir, "tmp"))).toEqual([]);
  expect(await env.db.item.count()).toBe(before.items);
  expect(await env.db.audioAsset.count()).toBe(before.assets);
}
const settled = () => waitFor(async () => (await env.db.item.count({ where: { status: { in: ["queued", "processing"] } } })) === 0, 60_000);
const counts = async () => {
  await settled();
  return { items: await env.db.item.count(), assets: await env.db.audioAsset.count() };
};

const waitStatus = (id: number) =>
  waitFor(async () => {
    const it = await env.db.item.findUnique({ where: { id }, include: { canonicalAsset: true } });
    return it && (it.status === "ready" || it.status === "failed") ? it : null;
  }, 60_000);

describe("uploads that work", () => {
  it("turns an MP3 upload into a ready canonical item with measured loudness", async () => {
    const src = await lavfi(path.join(fixtures, "tin-tuc.mp3"), "sine=frequency=330:duration=3", ["-af", "volume=-20dB", "-ac", "2", "-ar", "48000"]);
    const r = await upload(src, "Tin tức.mp3", { priority: "priority" });
    expect(r.status).toBe(201);
    expect(r.json.item.title).toBe("Tin tức");
    const item = await waitStatus(r.json.item.id);
    expect(item.status).toBe("ready");
    expect(item.canonicalAsset!.loudnessI!).toBeGreaterThan(-17);
    expect(item.canonicalAsset!.loudnessI!).toBeLessThan(-15);
    const info = await probe(path.join(env.dir, item.canonicalAsset!.path));
    expect([info.codec, info.sampleRate, info.channels]).toEqual(["mp3", 44100, 1]);
    // The same bytes uploaded again are stored once (content-addressed).
    const again = await upload(src, "copy.mp3");
    expect(again.status).toBe(201);
    expect(again.json.item.originalAssetId).toBe(r.json.item.originalAssetId);
  });

  it("takes the same new file uploaded several times at once: every upload gets its item, one stored original", async () => {
    const src = await lavfi(path.join(fixtures, "song-twice.mp3"), "sine=frequency=370:duration=2");
    const rs = await Promise.all([1, 2, 3].map((i) => upload(src, `Lần ${i}.mp3`)));
    expect(rs.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(rs.map((r) => r.json.item.originalAssetId)).size).toBe(1);
  });

  it("stores a file whose name has ../ and odd Unicode safely", async () => {
    const src = await makeTone(path.join(fixtures, "safe.wav"), 1);
    const r = await upload(src, "../../etc/passwd\u202e3pm.wav", { title: "Thông bá\u006f\u0301 mới" });
    expect(r.status).toBe(201);
    expect(r.json.item.title).toBe("Thông báó mới".normalize("NFC"));
    const asset = await env.db.audioAsset.findUniqueOrThrow({ where: { id: r.json.item.originalAssetId } });
    expect(asset.path.startsWith("originals/")).toBe(true);
    expect(fs.existsSync(path.join(env.dir, asset.path))).toBe(true);
    expect(fs.existsSync(path.join(env.dir, "..", "etc"))).toBe(false);
  });

  it("refuses a part header carrying a raw NUL (malformed multipart) with 400, storing nothing", async () => {
    const src = await makeTone(path.join(fixtures, "nul.wav"), 1);
    const before = await counts();
    const r = await upload(src, "pass\u0000wd.wav");
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("BAD_MULTIPART");
    await expectNothingLeft(before);
  });
});

describe("bad uploads", () => {
  const cases: { name: string; make: () => Promise<[string, string]>; status: number; code: string }[] = [
    { name: "zero bytes", make: async () => { const f = path.join(fixtures, "empty.mp3"); fs.writeFileSync(f, ""); return [f, "empty.mp3"]; }, status: 422, code: "EMPTY_FILE" },
    { name: "a text file renamed .mp3", make: async () => { const f = path.join(fixtures, "note.mp3"); fs.writeFileSync(f, "Đây là văn bản, không phải âm thanh.\n".repeat(50)); return [f, "note.mp3"]; }, status: 415, code: "NOT_AUDIO" },
    { name: "an image renamed .mp3", make: async () => [await lavfi(path.join(fixtures, "img.png"), "color=c=red:s=64x64", ["-frames:v", "1"]), "anh.mp3"], status: 415, code: "NOT_AUDIO" },
    { name: "an unsupported extension", make: async () => [await makeTone(path.join(fixtures, "x.wav"), 1), "bai.exe"], status: 415, code: "UNSUPPORTED_TYPE" },
    { name: "audio longer than the maximum", make: async () => [await lavfi(path.join(fixtures, "long.mp3"), "anoisesrc=d=70:a=0.1", ["-ac", "1", "-b:a", "16k"]), "long.mp3"], status: 422, code: "TOO_LONG" },
    { name: "a file over the size limit", make: async () => { const f = path.join(fixtures, "big.wav"); await makeTone(f, 30); return [f, "big.wav"]; }, status: 413, code: "FILE_TOO_LARGE" },
    { name: "a video-only file named .m4a (no audio stream)", make: async () => [await lavfi(path.join(fixtures, "v.mp4"), "testsrc=d=1:s=64x64", ["-c:v", "mpeg4"]), "clip.m4a"], status: 422, code: "NO_AUDIO_STREAM" },
    {
      name: "a WAV with an unsupported codec",
      make: async () => {
        const f = await makeTone(path.join(fixtures, "codec.wav"), 1);
        const buf = fs.readFileSync(f);
        buf.writeUInt16LE(0x1234, 20); // WAVE format tag no decoder knows
        fs.writeFileSync(f, buf);
        return [f, "codec.wav"];
      },
      status: 422,
      code: "UNSUPPORTED_CODEC",
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} with ${c.status} ${c.code}, bilingual, leaving nothing`, async () => {
      const [file, name] = await c.make();
      const before = await counts();
      const r = await upload(file, name);
      expect(r.status).toBe(c.status);
      expect(r.json.error.code).toBe(c.code);
      expect(r.json.error.messageVi).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĩũ]/i);
      expect(r.json.error.messageEn).toMatch(/[a-z]/);
      await expectNothingLeft(before);
      expect((await editor.req("GET", "/api/health")).status).toBe(200);
    });
  }

  for (const c of [
    { name: "a truncated MP3", code: "TRUNCATED", make: async () => { const f = await lavfi(path.join(fixtures, "full.mp3"), "sine=frequency=500:duration=10", ["-ac", "1"]); const t = path.join(fixtures, "cut.mp3"); fs.writeFileSync(t, fs.readFileSync(f).subarray(0, 30_000)); return t; } },
    { name: "pure silence", code: "SILENT", make: () => lavfi(path.join(fixtures, "silence.wav"), "anullsrc=r=44100:cl=mono", ["-t", "5"]) },
  ]) {
    it(`marks ${c.name} as failed with a bilingual reason and no canonical file`, async () => {
      const file = await c.make();
      const r = await upload(file);
      expect(r.status).toBe(201);
      const item = await waitStatus(r.json.item.id);
      expect(item.status).toBe("failed");
      expect(item.canonicalAssetId).toBeNull();
      expect(item.statusReason).toMatch(/ \/ /);
      if (c.code === "SILENT") expect(item.statusReason).toContain("khoảng lặng");
      else expect(item.statusReason).toMatch(/thiếu|truncated/i);
      expect(fs.readdirSync(path.join(env.dir, "tmp")).filter((f) => !f.startsWith("loaxa-silence"))).toEqual([]);
    });
  }
});

describe("relay items", () => {
  for (const [name, url, fragment] of [
    ["a file:// URL", "file:///etc/passwd", "http, https"],
    ["a private-address URL", "http://192.168.1.20:8000/live", "private"],
    ["a loopback URL", "http://127.0.0.1:8000/live", "private"],
    ["an IPv4-mapped IPv6 loopback URL", "http://[::ffff:127.0.0.1]:6379/", "private"],
    ["a NAT64 address of a private host", "http://[64:ff9b::a00:1]/live", "private"],
    ["an unresolvable host", "http://khong-ton-tai.invalid/live", "resolve"],
    ["not a URL", "vov1 radio", "valid URL"],
  ] as const) {
    it(`rejects ${name}`, async () => {
      const before = await counts();
      const r = await editor.req("POST", "/api/items", { kind: "relay", title: "VOV1", url, durationSec: 600 });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe("BAD_RELAY_URL");
      expect(r.json.error.messageEn).toContain(fragment);
      expect(r.json.error.messageVi.length).toBeGreaterThan(10);
      await expectNothingLeft(before);
    });
  }

  it("rejects an unreachable relay when private addresses are allowed", async () => {
    const env2 = await createTestEnv({ env: { RELAY_ALLOW_PRIVATE: "1" } });
    try {
      const c = await signedIn(env2, "editor");
      const r = await c.req("POST", "/api/items", { kind: "relay", title: "Đài huyện", url: "http://127.0.0.1:1/live.mp3", durationSec: 600 });
      expect(r.status).toBe(422);
      expect(r.json.error.messageVi).toContain("Không kết nối được");
      expect(await env2.db.item.count()).toBe(0);
    } finally {
      await env2.cleanup();
    }
  });
});

describe("text-to-speech items", () => {
  it("speaks Vietnamese text, and editing the text re-synthesises", async () => {
    const r = await editor.req("POST", "/api/items", { kind: "tts", title: "Thông báo", text: "UBND xã thông báo lịch họp ngày 12/4/2026.", voice: "vi" });
    expect(r.status).toBe(201);
    const first = await waitStatus(r.json.item.id);
    expect(first.status).toBe("ready");
    const d1 = first.durationMs;
    expect(d1).toBeGreaterThan(1500);
    const p = await editor.req("PATCH", `/api/items/${first.id}`, { text: "UBND xã thông báo lịch họp ngày 12/4/2026. Đề nghị toàn thể bà con nhân dân tham dự đầy đủ và đúng giờ." });
    expect(p.status).toBe(200);
    expect(p.json.item.status).toBe("queued");
    const second = await waitFor(async () => {
      const it = await env.db.item.findUnique({ where: { id: first.id } });
      return it?.status === "ready" && it.canonicalAssetId !== first.canonicalAssetId ? it : null;
    }, 60_000);
    expect(second.durationMs).toBeGreaterThan(d1 + 1500);
  });
});
