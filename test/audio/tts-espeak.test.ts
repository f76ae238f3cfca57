// Integration: real espeak-ng (Debian package) and the real ffmpeg/ffprobe from
// @ffmpeg-installer / @ffprobe-installer measure what it produced.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ESPEAK_VOICES, createEspeakNgProvider } from "../../audio/tts-espeak.ts";
import { normaliseVietnameseText } from "../../audio/textnorm-vi.ts";
import { TtsError } from "../../audio/tts.ts";

const require = createRequire(import.meta.url);
const FFMPEG: string = process.env.FFMPEG_PATH || require("@ffmpeg-installer/ffmpeg").path;
const FFPROBE: string = process.env.FFPROBE_PATH || require("@ffprobe-installer/ffprobe").path;

const SENTENCE = "UBND xã Kiến Minh thông báo: ngày 12/4/2026 tổ chức ra quân phòng chống bão số 3.";

function probe(file: string): { codec: string; sampleRate: number; channels: number; durationMs: number } {
  const out = execFileSync(FFPROBE, ["-v", "error", "-show_streams", "-show_format", "-of", "json", file], { encoding: "utf8" });
  const j = JSON.parse(out) as { streams: Array<Record<string, string | number>>; format: { duration: string } };
  expect(j.streams).toHaveLength(1);
  const s = j.streams[0]!;
  return { codec: String(s.codec_name), sampleRate: Number(s.sample_rate), channels: Number(s.channels), durationMs: Number(j.format.duration) * 1000 };
}

function ffmpegStderr(file: string, filter: string): string {
  // ffmpeg writes filter reports (volumedetect, silencedetect) to stderr; -f null decodes only.
  const r = spawnSync(FFMPEG, ["-hide_banner", "-nostats", "-i", file, "-af", filter, "-f", "null", "-"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg failed on ${file}: ${r.stderr}`);
  return r.stderr;
}

const meanVolumeDb = (file: string) => Number(/mean_volume: (-?[\d.]+) dB/.exec(ffmpegStderr(file, "volumedetect"))?.[1]);
const silences = (file: string, minSec: number) =>
  [...ffmpegStderr(file, `silencedetect=n=-45dB:d=${minSec}`).matchAll(/silence_duration: ([\d.]+)/g)].map((m) => Number(m[1]));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tts-espeak-test-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("espeak-ng provider (real espeak-ng)", () => {
  const tts = createEspeakNgProvider();

  it("is available and lists the three Vietnamese voices", async () => {
    expect(await tts.available()).toEqual({ ok: true });
    expect((await tts.voices()).map((v) => [v.id, v.region])).toEqual([
      ["vi", "north"],
      ["vi-vn-x-central", "central"],
      ["vi-vn-x-south", "south"],
    ]);
  });

  it.each(ESPEAK_VOICES.map((v) => v.id))("speaks a Vietnamese sentence with voice %s: non-silent, plausible length", async (voice) => {
    const out = path.join(dir, `${voice}.wav`);
    const res = await tts.synthesize({ text: SENTENCE, voice }, { outPath: out, tmpDir: dir, timeoutMs: 30_000 });
    expect(res.path).toBe(out);
    const p = probe(out);
    expect(p).toMatchObject({ codec: "pcm_s16le", sampleRate: 22050, channels: 1 });
    expect(Math.abs(p.durationMs - res.durationMs)).toBeLessThan(20);
    // What is actually spoken is the normalised text (numbers and UBND as words).
    const spoken = normaliseVietnameseText(SENTENCE).length;
    expect(p.durationMs / 1000 / spoken).toBeGreaterThan(0.03);
    expect(p.durationMs / 1000 / spoken).toBeLessThan(0.5);
    expect(p.durationMs / 1000 / SENTENCE.length).toBeGreaterThan(0.04);
    const mean = meanVolumeDb(out);
    expect(mean).toBeGreaterThan(-35);
    // Speech, not a burst followed by silence: most of the file is above -45 dB.
    const silent = silences(out, 0.1).reduce((a, b) => a + b, 0) * 1000;
    expect(silent).toBeLessThan(p.durationMs * 0.4);
    // The tmp dir holds only our output: the provider cleaned its work dir.
    expect(fs.readdirSync(dir)).toEqual([`${voice}.wav`]);
  });

  it("splits a long text at sentences, joins one WAV with pauses between them", async () => {
    const one = "Bà con thôn Đông chú ý nghe thông báo";
    const single = await tts.synthesize({ text: `${one}.` }, { outPath: path.join(dir, "one.wav"), tmpDir: dir });
    const long = Array.from({ length: 6 }, () => `${one}.`).join(" ");
    const progress: Array<[number, number]> = [];
    const out = path.join(dir, "long.wav");
    const res = await tts.synthesize(
      { text: long },
      { outPath: out, tmpDir: dir, onProgress: (p) => progress.push([p.done, p.total]) },
    );
    expect(progress).toHaveLength(6);
    expect(progress.at(-1)).toEqual([6, 6]);
    const p = probe(out);
    expect(Math.abs(p.durationMs - res.durationMs)).toBeLessThan(20);
    expect(p.durationMs).toBeGreaterThan(single.durationMs * 6); // six sentences + five pauses
    expect(p.durationMs).toBeLessThan(single.durationMs * 6 + 5 * 400 + 500);
    // Five inter-sentence pauses (400 ms each) are measurable silences.
    expect(silences(out, 0.35).filter((s) => s >= 0.35).length).toBeGreaterThanOrEqual(5);
    expect(meanVolumeDb(out)).toBeGreaterThan(-35);
  });

  it("splits one over-long sentence without punctuation into capped chunks", async () => {
    const text = "bà con nhân dân trong xã ".repeat(40); // ~1000 characters, no full stop
    const totals: number[] = [];
    const res = await createEspeakNgProvider({ maxChunkChars: 200 }).synthesize(
      { text },
      { outPath: path.join(dir, "run-on.wav"), tmpDir: dir, onProgress: (p) => totals.push(p.total) },
    );
    expect(totals[0]).toBeGreaterThanOrEqual(5);
    expect(probe(res.path).durationMs).toBeGreaterThan(20_000);
  });

  it("speaks faster at rate 2 than at rate 1", async () => {
    const a = await tts.synthesize({ text: SENTENCE, rate: 1 }, { outPath: path.join(dir, "r1.wav"), tmpDir: dir });
    const b = await tts.synthesize({ text: SENTENCE, rate: 2, pitch: 1.3 }, { outPath: path.join(dir, "r2.wav"), tmpDir: dir });
    expect(probe(b.path).durationMs).toBeLessThan(probe(a.path).durationMs * 0.75);
  });

  it("rejects bad requests with bilingual permanent errors and writes nothing", async () => {
    const out = path.join(dir, "bad.wav");
    const cases: Array<[Parameters<typeof tts.synthesize>[0], string]> = [
      [{ text: "Xin chào", voice: "en" }, "TTS_UNKNOWN_VOICE"],
      [{ text: " ... " }, "TTS_BAD_INPUT"],
      [{ text: "Xin chào", rate: 5 }, "TTS_BAD_INPUT"],
      [{ text: "Xin chào", pitch: Number.NaN }, "TTS_BAD_INPUT"],
    ];
    for (const [req, code] of cases) {
      const err = await tts.synthesize(req, { outPath: out, tmpDir: dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TtsError);
      expect(err).toMatchObject({ code, permanent: true });
      expect((err as TtsError).messageVi).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹý]/);
    }
    const tooLong = await createEspeakNgProvider({ maxTextChars: 10 })
      .synthesize({ text: "Văn bản dài hơn mười ký tự" }, { outPath: out, tmpDir: dir })
      .catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ code: "TTS_BAD_INPUT" });
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("espeak-ng missing", () => {
  it.each([
    ["binaryPath option", { binaryPath: "/nonexistent/bin/espeak-ng" }],
    ["ESPEAK_NG_PATH pointing nowhere", { env: { ESPEAK_NG_PATH: "/nonexistent/espeak-ng" } }],
    ["ESPEAK_NG_PATH pointing at a directory", { env: { ESPEAK_NG_PATH: os.tmpdir() } }],
  ])("%s: available() says why, synthesize() fails clearly in Vietnamese and English", async (_name, options) => {
    const tts = createEspeakNgProvider(options);
    const avail = await tts.available();
    expect(avail.ok).toBe(false);
    expect(avail.reason).toContain("Chưa cài đặt espeak-ng");
    expect(avail.reason).toContain("espeak-ng is not installed");

    const out = path.join(dir, "x.wav");
    const err = await tts.synthesize({ text: SENTENCE }, { outPath: out, tmpDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    const e = err as TtsError;
    expect(e.code).toBe("TTS_UNAVAILABLE");
    expect(e.permanent).toBe(true);
    expect(e.messageVi).toMatch(/Chưa cài đặt espeak-ng.*ESPEAK_NG_PATH/);
    expect(e.messageEn).toMatch(/espeak-ng is not installed.*ESPEAK_NG_PATH/);
    expect(e.message).toBe(`${e.messageVi} / ${e.messageEn}`);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("timeouts and cancellation kill the child", () => {
  // A stand-in binary that records its pid and hangs, so the kill is observable.
  function hangingBinary(): { bin: string; pidFile: string } {
    const pidFile = path.join(dir, "child.pid");
    const bin = path.join(dir, "hang.sh");
    fs.writeFileSync(bin, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 30\n`, { mode: 0o755 });
    return { bin, pidFile };
  }
  const readPid = (f: string) => Number(fs.readFileSync(f, "utf8").trim());

  it("timeoutMs kills the espeak child and rejects with TTS_TIMEOUT", async () => {
    const { bin, pidFile } = hangingBinary();
    const tts = createEspeakNgProvider({ binaryPath: bin });
    const work = path.join(dir, "work");
    const out = path.join(dir, "out.wav");
    const err = await tts.synthesize({ text: "Xin chào bà con." }, { outPath: out, tmpDir: work, timeoutMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    expect(err).toMatchObject({ code: "TTS_TIMEOUT", permanent: false });
    expect((err as TtsError).messageVi).toContain("Quá thời gian");
    const pid = readPid(pidFile);
    expect(pid).toBeGreaterThan(0);
    expect(pidAlive(pid)).toBe(false);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(work)).toEqual([]);
  });

  it("an AbortSignal kills the espeak child and rejects with TTS_ABORTED", async () => {
    const { bin, pidFile } = hangingBinary();
    const tts = createEspeakNgProvider({ binaryPath: bin });
    const ac = new AbortController();
    const watcher = setInterval(() => {
      if (fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim()) ac.abort();
    }, 20);
    try {
      const err = await tts
        .synthesize({ text: "Xin chào bà con." }, { outPath: path.join(dir, "out.wav"), tmpDir: path.join(dir, "w"), signal: ac.signal, timeoutMs: 20_000 })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "TTS_ABORTED" });
      expect(pidAlive(readPid(pidFile))).toBe(false);
    } finally {
      clearInterval(watcher);
    }
  });
});
