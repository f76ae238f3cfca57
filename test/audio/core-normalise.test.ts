// Ingest normalisation with real ffmpeg: loudness on target, canonical output, trimming.
import { copyFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalProblem, scanMp3Frames } from "../../audio/canonical.ts";
import { measureLoudness } from "../../audio/loudness.ts";
import { normaliseToCanonical, type NormaliseResult } from "../../audio/normalise.ts";
import { probe } from "../../audio/probe.ts";
import { loudMp3, makeTmpDir, paddedSpeechLikeWav, quietWav } from "./fixtures-core.ts";

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

const TARGET = -16;

async function expectCanonical(path: string) {
  const p = await probe(path);
  expect(p).toMatchObject({ codec: "mp3", sampleRate: 44100, channels: 1, bitRate: 128000, formatName: "mp3", hasAudio: true });
  const scan = scanMp3Frames(readFileSync(path));
  expect(canonicalProblem(scan)).toBeUndefined(); // no ID3, no Xing/Info frame, nothing but frames
  return { probe: p, scan };
}

describe("normaliseToCanonical", () => {
  let quiet: string, loud: string;
  beforeAll(async () => {
    [quiet, loud] = await Promise.all([quietWav(tmp.dir), loudMp3(tmp.dir)]);
  });

  it("fixtures really are quiet (~−30 LUFS) and loud (~−8 LUFS)", async () => {
    expect((await measureLoudness(quiet)).integratedLufs).toBeCloseTo(-30, -0.5); // ±1.6
    expect((await measureLoudness(loud)).integratedLufs).toBeCloseTo(-8, -0.5);
  });

  for (const which of ["quiet", "loud"] as const) {
    it(`brings the ${which} clip to ${TARGET} LUFS ±1 with true peak ≤ −1.0 dBTP`, async () => {
      const out = join(tmp.dir, `${which}.canonical.mp3`);
      const progress: number[] = [];
      const r = await normaliseToCanonical(which === "quiet" ? quiet : loud, out, { onProgress: (p) => progress.push(p.percent ?? 0) });
      const measured = await measureLoudness(out); // independent re-measurement of the file
      expect(Math.abs(measured.integratedLufs - TARGET)).toBeLessThanOrEqual(1);
      expect(measured.truePeakDbtp).toBeLessThanOrEqual(-1.0);
      expect(r.loudness.integratedLufs).toBeCloseTo(measured.integratedLufs, 1);
      expect(r).toMatchObject({ codec: "mp3", sampleRate: 44100, channels: 1 });
      const { probe: p, scan } = await expectCanonical(out);
      expect(Math.abs(p.durationMs - r.durationMs)).toBeLessThanOrEqual(30);
      expect(scan.frames).toBe(r.frames);
      expect(Math.abs(r.durationMs - 4000)).toBeLessThan(100); // no silence to trim
      expect(progress.at(-1)).toBe(100);
    });
  }

  it("re-ingests its own canonical output (headerless CBR, duration only estimated) unchanged in level", async () => {
    const first = join(tmp.dir, "loud.canonical.mp3");
    const again = join(tmp.dir, "loud.again.mp3");
    const r = await normaliseToCanonical(first, again);
    expect(r.input.probe.durationEstimated).toBe(true);
    expect(Math.abs(r.loudness.integratedLufs - TARGET)).toBeLessThanOrEqual(1);
    await expectCanonical(again);
  });

  it("honours a configurable target", async () => {
    const out = join(tmp.dir, "quiet-23.mp3");
    await normaliseToCanonical(quiet, out, { targetLufs: -23 });
    expect(Math.abs((await measureLoudness(out)).integratedLufs + 23)).toBeLessThanOrEqual(1);
  });

  it("trims head and tail silence of a TTS-like 22.05 kHz WAV", async () => {
    const src = await paddedSpeechLikeWav(tmp.dir);
    const out = join(tmp.dir, "padded.canonical.mp3");
    const r: NormaliseResult = await normaliseToCanonical(src, out);
    expect(r.input.decodedMs).toBeCloseTo(5500, -2);
    expect(r.input.trimStartMs).toBeGreaterThan(800);
    expect(r.input.trimEndMs).toBeLessThan(4400);
    // 3 s of sound + 0.1 s lead + 0.2 s tail kept (+ encoder priming).
    expect(r.durationMs).toBeGreaterThan(3200);
    expect(r.durationMs).toBeLessThan(3500);
    await expectCanonical(out);
  });

  it("handles odd file names (spaces, quotes, Vietnamese, protocol-like) and creates the output dir", async () => {
    const odd = join(tmp.dir, "Thông báo 'khẩn' concat:x.wav");
    copyFileSync(quiet, odd);
    const out = join(tmp.dir, "nested", "dir", "tin 'số 1'.mp3");
    const r = await normaliseToCanonical(odd, out);
    expect(r.frames).toBeGreaterThan(100);
    await expectCanonical(out);
  });

  it("leaves only the output behind (temp file renamed)", () => {
    const leftovers = readdirSync(tmp.dir).filter((f) => f.endsWith(".part"));
    expect(leftovers).toEqual([]);
  });
});
