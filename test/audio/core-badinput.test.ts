// Bad input, each a real file: a clear AudioInputError (code, Vietnamese + English)
// and nothing half-written left behind.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AudioInputError, type AudioInputErrorCode } from "../../audio/errors.ts";
import { normaliseToCanonical } from "../../audio/normalise.ts";
import { probeAudio } from "../../audio/probe.ts";
import * as fx from "./fixtures-core.ts";

const tmp = fx.makeTmpDir();
afterAll(() => tmp.cleanup());

async function expectInputError(input: string, codes: AudioInputErrorCode[], opts = {}) {
  const out = join(tmp.dir, "out", `${codes[0]}.mp3`);
  const e = await normaliseToCanonical(input, out, opts).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AudioInputError);
  const err = e as AudioInputError;
  expect(codes).toContain(err.code);
  expect(err.messageVi.length).toBeGreaterThan(10);
  expect(err.messageEn.length).toBeGreaterThan(10);
  expect(err.messageVi).not.toBe(err.messageEn);
  expect(existsSync(out)).toBe(false);
  return err;
}

describe("bad input is rejected clearly", () => {
  const outDir = join(tmp.dir, "out");
  it("zero-byte file", async () => {
    mkdirSync(outDir, { recursive: true });
    const e = await expectInputError(fx.zeroByteMp3(tmp.dir), ["EMPTY_FILE"]);
    expect(e.messageVi).toMatch(/Tệp rỗng/);
  });

  it("truncated MP3 (declares 5 s, holds 1.5 s)", async () => {
    const e = await expectInputError(await fx.truncatedMp3(tmp.dir), ["TRUNCATED"]);
    expect(e.messageEn).toMatch(/truncated/);
  });

  it("text file renamed .mp3", async () => {
    await expectInputError(fx.textAsMp3(tmp.dir), ["NOT_AUDIO"]);
  });

  it("image renamed .mp3", async () => {
    const e = await expectInputError(await fx.imageAsMp3(tmp.dir), ["NOT_AUDIO"]);
    expect(e.messageVi).toMatch(/không phải là tệp âm thanh/);
  });

  it("video without an audio stream", async () => {
    await expectInputError(await fx.videoOnlyMp4(tmp.dir), ["NO_AUDIO_STREAM"]);
  });

  it("unsupported codec", async () => {
    const e = await expectInputError(await fx.unknownCodecWav(tmp.dir), ["UNSUPPORTED_CODEC"]);
    expect(e.messageEn).toMatch(/Unsupported audio codec/);
  });

  it("pure silence", async () => {
    const e = await expectInputError(await fx.silenceWav(tmp.dir), ["SILENT"]);
    expect(e.messageVi).toMatch(/khoảng lặng/);
  });

  it("audio longer than the maximum", async () => {
    const src = await fx.toneWav(tmp.dir, "long", 440, 6);
    await expectInputError(src, ["TOO_LONG"], { maxDurationMs: 3000 });
  });

  it("probeAudio rejects the same files without running the pipeline", async () => {
    await expect(probeAudio(fx.textAsMp3(tmp.dir))).rejects.toMatchObject({ code: "NOT_AUDIO" });
    await expect(probeAudio(fx.zeroByteMp3(tmp.dir))).rejects.toMatchObject({ code: "EMPTY_FILE" });
  });

  it("left no temp files", () => {
    expect(readdirSync(outDir)).toEqual([]);
  });
});
