import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { frameIndex, frameRange, Mp3StreamParser, readFrames } from "../../audio/mp3frames.ts";
import { FRAME_MS as CANONICAL_FRAME_MS, silentFrame } from "../../audio/canonical.ts";
import { decodedMs, meanVolumeDb, probeMs, tmpDir, tone } from "./player-fixtures.ts";

const dir = tmpDir("loaxa-mp3frames-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("mp3frames", () => {
  it("indexes a canonical file: frames × 1152/44100 equals ffprobe's duration", async () => {
    const file = tone(dir, "canon.mp3", 2.5);
    const idx = await frameIndex(file);
    expect(idx.sampleRate).toBe(44100);
    expect(idx.channels).toBe(1);
    expect(idx.bitrateKbps).toBe(128);
    expect(idx.frames[0]!.offset).toBe(0);
    expect(idx.durationMs).toBeCloseTo(idx.frames.length * CANONICAL_FRAME_MS, 6);
    expect(Math.abs(idx.durationMs - probeMs(file))).toBeLessThan(2);
    expect(Math.abs(idx.durationMs - decodedMs(file))).toBeLessThan(2);
    expect(idx.audioBytes).toBe(fs.statSync(file).size);
    // Frames tile the file with increasing start times.
    for (let i = 1; i < idx.frames.length; i++) {
      const a = idx.frames[i - 1]!;
      const b = idx.frames[i]!;
      expect(b.offset).toBe(a.offset + a.length);
      expect(b.startMs).toBeCloseTo(a.startMs + a.durationMs, 6);
    }
  });

  it("skips an ID3v2 tag and the Xing/Info frame of a default ffmpeg encode", async () => {
    const file = tone(dir, "tagged.mp3", 2, 440, ["-id3v2_version", "4", "-metadata", "title=Bản tin thôn"]);
    const buf = fs.readFileSync(file);
    expect(buf.subarray(0, 3).toString()).toBe("ID3");
    expect(buf.includes("Info") || buf.includes("Xing")).toBe(true);
    const frames = readFrames(buf);
    expect(frames[0]!.offset).toBeGreaterThan(10);
    // Every indexed frame is audio: none carries the Info/Xing marker.
    const marker = (f: (typeof frames)[number]) => buf.subarray(f.offset + 21, f.offset + 25).toString("latin1");
    expect(frames.map(marker)).not.toContain("Info");
    expect(frames.map(marker)).not.toContain("Xing");
    expect(Math.abs(frames.length * CANONICAL_FRAME_MS - probeMs(file))).toBeLessThan(CANONICAL_FRAME_MS);
  });

  it("parses MPEG-2 Layer III (22.05 kHz, 576 samples a frame)", async () => {
    const out = path.join(dir, "mpeg2.mp3");
    tone(dir, "mpeg2.mp3", 1.5, 300, ["-ar", "22050", "-b:a", "64k", "-write_xing", "0", "-id3v2_version", "0"]);
    const idx = await frameIndex(out);
    expect(idx.sampleRate).toBe(22050);
    expect(idx.frames[0]!.durationMs).toBeCloseTo((576 / 22050) * 1000, 6);
    expect(Math.abs(idx.durationMs - probeMs(out))).toBeLessThan(2);
  });

  it("resyncs over junk between frames and ignores a truncated last frame", () => {
    const buf = fs.readFileSync(tone(dir, "junk.mp3", 1));
    const clean = readFrames(buf);
    const junk = Buffer.from([0xff, 0xfb, 0x00, 0x12, 0x34, 0xff, 0x00, 0x41]);
    const cut = clean[10]!.offset;
    const dirty = Buffer.concat([buf.subarray(0, cut), junk, buf.subarray(cut, buf.length - 100)]);
    const frames = readFrames(dirty);
    expect(frames.length).toBe(clean.length - 1);
    expect(frames[10]!.offset).toBe(cut + junk.length);
  });

  it("frameRange cuts on the nearest frame boundary", async () => {
    const idx = await frameIndex(tone(dir, "range.mp3", 3));
    const f = CANONICAL_FRAME_MS;
    expect(frameRange(idx.frames)).toEqual({ first: 0, end: idx.frames.length });
    expect(frameRange(idx.frames, 1000, 2000)).toEqual({ first: Math.round(1000 / f), end: Math.round(2000 / f) });
    expect(frameRange(idx.frames, 0.4 * f, 10.6 * f)).toEqual({ first: 0, end: 11 });
    expect(frameRange(idx.frames, 2000, 1000).end).toBe(frameRange(idx.frames, 2000, 1000).first);
    expect(frameRange(idx.frames, undefined, 1e9).end).toBe(idx.frames.length);
  });

  it("stream parser yields the same frames as the whole-buffer parser, whatever the chunking", () => {
    const buf = fs.readFileSync(tone(dir, "stream.mp3", 1.2));
    const whole = readFrames(buf);
    const p = new Mp3StreamParser();
    const got: Buffer[] = [];
    for (let off = 0, n = 1; off < buf.length; off += n, n = (n * 7 + 3) % 997 || 1) {
      got.push(...p.push(buf.subarray(off, off + n)).map((f) => f.data));
    }
    got.push(...p.end().map((f) => f.data));
    expect(got.length).toBe(whole.length);
    expect(Buffer.concat(got).equals(Buffer.concat(whole.map((f) => buf.subarray(f.offset, f.offset + f.length))))).toBe(true);
  });

  it("silentFrame decodes to digital silence of one frame each", () => {
    const file = path.join(dir, "silence.mp3");
    fs.writeFileSync(file, Buffer.concat(Array.from({ length: 40 }, () => silentFrame())));
    expect(readFrames(fs.readFileSync(file)).length).toBe(40);
    expect(Math.abs(decodedMs(file) - 40 * CANONICAL_FRAME_MS)).toBeLessThan(1);
    expect(meanVolumeDb(file)).toBeLessThan(-90);
  });

  it("rejects a file without MP3 frames with a bilingual error", async () => {
    const file = path.join(dir, "text.mp3");
    fs.writeFileSync(file, "không phải âm thanh / not audio");
    await expect(frameIndex(file)).rejects.toThrow(/khung MP3.*MP3 frames/);
  });
});
