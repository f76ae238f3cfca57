import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEspeakNgProvider, parseWav, wavHeader } from "../../audio/tts-espeak.ts";
import { TtsError, createTtsRegistry, splitTextForTts, type TtsProvider } from "../../audio/tts.ts";

describe("splitTextForTts", () => {
  it("splits at . ! ? ; and newlines, marking the kind of break", () => {
    const chunks = splitTextForTts("Câu một. Câu hai! Có 3.5 ha; tiếp theo? Xong\nDòng mới\n\nĐoạn hai.\n\n...");
    expect(chunks).toEqual([
      { text: "Câu một.", breakAfter: "sentence" },
      { text: "Câu hai!", breakAfter: "sentence" },
      { text: "Có 3.5 ha;", breakAfter: "clause" },
      { text: "tiếp theo?", breakAfter: "sentence" },
      { text: "Xong", breakAfter: "sentence" },
      { text: "Dòng mới", breakAfter: "paragraph" },
      { text: "Đoạn hai.", breakAfter: "paragraph" },
    ]);
  });

  it("caps chunk length, cutting at a comma, else a space, else hard", () => {
    const atComma = splitTextForTts(`${"lúa ".repeat(10)}ngô, ${"khoai ".repeat(10)}`, { maxChars: 60 });
    expect(atComma[0]).toEqual({ text: `${"lúa ".repeat(10)}ngô,`, breakAfter: "clause" });
    const words = splitTextForTts("bà con ".repeat(100), { maxChars: 50 });
    expect(words.length).toBeGreaterThan(10);
    for (const c of words) expect(c.text.length).toBeLessThanOrEqual(50);
    expect(words.map((c) => c.text).join(" ")).toBe("bà con ".repeat(100).trim());
    const hard = splitTextForTts("x".repeat(130), { maxChars: 50 });
    expect(hard.map((c) => c.text.length)).toEqual([50, 50, 30]);
  });

  it("returns nothing for text without letters or digits", () => {
    expect(splitTextForTts(" ... \n - \n")).toEqual([]);
  });
});

describe("createTtsRegistry", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tts-registry-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // A second provider, standing in for a future commercial service: it writes
  // one second of silence so the registry's dispatch is observable.
  const silence: TtsProvider = {
    id: "silence",
    voices: async () => [{ id: "quiet", labelVi: "Im lặng", labelEn: "Silence", region: "south" }],
    available: async () => ({ ok: true }),
    async synthesize(_req, opts) {
      const pcm = Buffer.alloc(22050 * 2);
      fs.writeFileSync(opts.outPath, Buffer.concat([wavHeader({ channels: 1, sampleRate: 22050, bitsPerSample: 16, blockAlign: 2, dataBytes: pcm.length }), pcm]));
      return { path: opts.outPath, durationMs: 1000 };
    },
  };

  it("lists voices of every provider and dispatches by provider id", async () => {
    const reg = createTtsRegistry([createEspeakNgProvider(), silence]);
    expect(reg.defaultProviderId).toBe("espeak-ng");
    expect(reg.providers().map((p) => p.id)).toEqual(["espeak-ng", "silence"]);
    const voices = await reg.voices();
    expect(voices.map((v) => `${v.providerId}:${v.id}:${v.region}`)).toEqual([
      "espeak-ng:vi:north",
      "espeak-ng:vi-vn-x-central:central",
      "espeak-ng:vi-vn-x-south:south",
      "silence:quiet:south",
    ]);
    const out = path.join(dir, "q.wav");
    const r = await reg.synthesize({ provider: "silence", text: "x" }, { outPath: out, tmpDir: dir });
    expect(r.durationMs).toBe(1000);
    expect(parseWav(fs.readFileSync(out)).dataBytes).toBe(44100);
  });

  it("rejects an unknown provider with a bilingual, permanent error", async () => {
    const reg = createTtsRegistry([silence], { defaultProviderId: "silence" });
    const err = await reg
      .synthesize({ provider: "fpt", text: "x" }, { outPath: path.join(dir, "x.wav"), tmpDir: dir })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtsError);
    expect(err).toMatchObject({ code: "TTS_UNKNOWN_PROVIDER", permanent: true });
    expect((err as TtsError).messageVi).toContain("Không có bộ đọc");
    expect((err as TtsError).messageEn).toContain("Unknown text-to-speech provider");
    expect(() => createTtsRegistry([silence], { defaultProviderId: "nope" })).toThrow(Error);
    expect(() => createTtsRegistry([silence, silence])).toThrow(/Duplicate/);
  });
});
