// The smaller input probes of issue #12, each kept as a regression test: literal search,
// .mp4 audio, long file names, CSV formulas, bad cron settings, and a "bitrate liar" MP3.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFfmpeg } from "../../audio/ffmpeg.ts";
import { buildAnalysisArgs, normaliseToCanonical } from "../../audio/normalise.ts";
import { probe } from "../../audio/probe.ts";
import { safeFileName } from "../../server/storage.ts";
import { freePort } from "../helpers/icecast.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
let editor: Client;
let dir: string;
beforeAll(async () => {
  env = await createTestEnv({ env: { ITEM_MAX_MINUTES: "2" } });
  editor = await signedIn(env, "editor");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-sec-inputs-"));
});
afterAll(async () => {
  await env?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lavfi = async (name: string, args: string[]) => {
  const out = path.join(dir, name);
  await runFfmpeg(["-y", "-hide_banner", "-v", "error", ...args, out], { timeoutMs: 120_000 });
  return out;
};

const upload = (file: string, name: string) => {
  const fd = new FormData();
  fd.set("file", new File([fs.readFileSync(file)], name));
  return editor.req("POST", "/api/items/upload", fd);
};

describe("search", () => {
  it("treats %, _ and \\ as the characters they are, not as wildcards", async () => {
    const titles = ["Giảm 50% học phí", "Giảm 500 học phí", "quy_che", "quyxche", "đường dẫn c\\d", "đường dẫn cd"];
    for (const title of titles) await env.db.item.create({ data: { title, kind: "tts", ttsText: "x", status: "ready" } });
    const search = async (q: string) => ((await editor.req("GET", `/api/items?q=${encodeURIComponent(q)}`)).json.items as { title: string }[]).map((i) => i.title).sort();
    expect(await search("50%")).toEqual(["Giảm 50% học phí"]);
    expect(await search("%")).toEqual(["Giảm 50% học phí"]);
    expect(await search("quy_che")).toEqual(["quy_che"]);
    expect(await search("_")).toEqual(["quy_che"]);
    expect(await search("c\\d")).toEqual(["đường dẫn c\\d"]);
    expect(await search("GIảm 50")).toEqual(["Giảm 50% học phí", "Giảm 500 học phí"]); // case still ignored
    expect(await search("GIảm 50%")).toEqual(["Giảm 50% học phí"]);
  });
});

describe("uploads", () => {
  it("accepts an .mp4 with an audio stream (a recorded meeting) and keeps its sound", async () => {
    const mp4 = await lavfi("hop.mp4", ["-f", "lavfi", "-i", "testsrc=d=2:s=64x64", "-f", "lavfi", "-i", "sine=frequency=500:duration=2", "-c:v", "mpeg4", "-c:a", "aac", "-shortest"]);
    const r = await upload(mp4, "Họp dân thôn Đông.mp4");
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.item.title).toBe("Họp dân thôn Đông");
    const asset = await env.db.audioAsset.findUniqueOrThrow({ where: { id: r.json.item.originalAssetId } });
    expect(asset.codec).toBe("aac");
    expect(asset.path.endsWith(".mp4")).toBe(true);
  });

  it("keeps the extension of a 600-character file name", async () => {
    const wav = await lavfi("dai.wav", ["-f", "lavfi", "-i", "sine=frequency=300:duration=1"]);
    const longName = "Thông báo về việc ".repeat(34).slice(0, 596) + ".wav";
    expect([...longName]).toHaveLength(600);
    expect(safeFileName(longName).endsWith(".wav")).toBe(true);
    expect([...safeFileName(longName)]).toHaveLength(200);
    const r = await upload(wav, longName);
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const asset = await env.db.audioAsset.findUniqueOrThrow({ where: { id: r.json.item.originalAssetId } });
    expect(asset.path.endsWith(".wav")).toBe(true);
    const audit = await env.db.auditLog.findFirstOrThrow({ where: { action: "item.upload", entityId: String(r.json.item.id) } });
    expect(JSON.parse(audit.detail).file.endsWith(".wav")).toBe(true);
  });
});

describe("as-run CSV", () => {
  it("turns cells that a spreadsheet would run as formulas into text", async () => {
    const zone = await env.db.zone.create({ data: { code: "csv", name: "=cmd|' /C calc'!A0", outputKind: "file" } });
    const titles = ['=HYPERLINK("http://evil.example","Bấm vào")', "+84 912 345 678", "@SUM(A1:A9)", "-2+3"];
    for (const [i, title] of titles.entries()) {
      const item = await env.db.item.create({ data: { title, kind: "tts", ttsText: "x", status: "ready" } });
      const at = new Date(Date.UTC(2026, 9, 5, 0, i));
      await env.db.asRun.create({ data: { zoneId: zone.id, itemId: item.id, localDate: "2026-10-05", scheduledStart: at, actualStart: at, durationMs: 1000, status: "completed", source: "schedule", note: i === 0 ? "=1+1" : "" } });
    }
    const r = await editor.req("GET", "/api/asrun?format=csv&from=2026-10-05&to=2026-10-05");
    expect(r.status).toBe(200);
    const text = await r.res.text();
    // Every cell (quoted or not) that starts with = + - @ is a number or starts with '.
    const cells = text.replace(/^\uFEFF/, "").split("\r\n").filter(Boolean).slice(1).flatMap((line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "")));
    const risky = cells.filter((c) => /^[=+\-@]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c));
    expect(risky).toEqual([]);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""Bấm vào"")"`);
    expect(text).toContain("'+84 912 345 678");
    expect(text).toContain("'=cmd|' /C calc'!A0");
  });
});

describe("settings", () => {
  const runMain = (extra: Record<string, string>) => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-cron-"));
    try {
      const r = spawnSync(process.execPath, ["--import", "tsx", "server/main.ts"], { env: { HOME: process.env.HOME ?? "/root", PATH: process.env.PATH ?? "", DATA_DIR: data, DEMO: "0", ...extra }, encoding: "utf8", timeout: 60_000 });
      return { ...r, leftInDataDir: fs.readdirSync(data) };
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  };

  for (const name of ["PLAN_TICK_CRON", "REPORT_CRON"]) {
    it(`a bad ${name} stops with one line naming it, and starts no private redis-server`, async () => {
      const port = await freePort();
      const r = runMain({ [name]: "61 * * * *", REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_AUTOSTART: "1" });
      expect(r.status).not.toBe(0);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toEqual([`loa-xa: Invalid ${name}="61 * * * *": not a valid cron expression (5 or 6 fields, e.g. */5 * * * *)`]);
      expect(r.leftInDataDir).toEqual([]); // no redis data dir, no database
      const listening = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
        s.on("error", () => resolve(false));
      });
      expect(listening).toBe(false);
    });
  }
});

describe("a bitrate-liar MP3", () => {
  it("probes short, decodes long: analysis stops at the item limit instead of decoding it all", async () => {
    // A 160 kbit/s first second, then 10 minutes at 8 kbit/s, no Xing header: ffprobe
    // estimates the length from the bitrate it sees first.
    const a = await lavfi("a.mp3", ["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "160k", "-write_xing", "0", "-id3v2_version", "0"]);
    const b = await lavfi("b.mp3", ["-f", "lavfi", "-i", "sine=frequency=440:duration=600", "-ac", "1", "-ar", "22050", "-c:a", "libmp3lame", "-b:a", "8k", "-write_xing", "0", "-id3v2_version", "0"]);
    const liar = path.join(dir, "liar.mp3");
    fs.writeFileSync(liar, Buffer.concat([fs.readFileSync(a), fs.readFileSync(b)]));
    const declared = (await probe(liar)).durationMs;
    expect(declared).toBeLessThan(120_000); // passes the upload check of a 2-minute limit

    expect(buildAnalysisArgs(liar, { silenceThresholdDb: -50, silenceMinMs: 300, maxDurationMs: 120_000 }).slice(5, 7)).toEqual(["-t", "122.000"]);
    let decoded = 0;
    await expect(
      normaliseToCanonical(liar, path.join(dir, "out.mp3"), { maxDurationMs: 120_000, tmpDir: dir, onProgress: (p) => (decoded = Math.max(decoded, p.outTimeMs)) }),
    ).rejects.toMatchObject({ code: "TOO_LONG" });
    // ffmpeg decoded up to the cap (2 min + 2 s), not the 10 minutes in the file.
    expect(decoded).toBeGreaterThan(115_000);
    expect(decoded).toBeLessThanOrEqual(123_000);
    expect(fs.existsSync(path.join(dir, "out.mp3"))).toBe(false);
  });
});
