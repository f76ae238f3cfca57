// Session render with real ffmpeg: stream-copy join, exact offsets, cut with fade.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalProblem, FRAME_MS, scanMp3Frames } from "../../audio/canonical.ts";
import { runFfmpeg } from "../../audio/ffmpeg.ts";
import { measureLoudness } from "../../audio/loudness.ts";
import { normaliseToCanonical } from "../../audio/normalise.ts";
import { probe } from "../../audio/probe.ts";
import { renderSession } from "../../audio/render.ts";
import { ensureSilence, SILENCE_BLOCK_FRAMES } from "../../audio/silence.ts";
import { lavfi, makeTmpDir, toneWav } from "./fixtures-core.ts";

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());
const silenceDir = join(tmp.dir, "silence");
const GAP_MS = 700;

let intro: string, outro: string, items: string[];

beforeAll(async () => {
  const src = await Promise.all([
    toneWav(tmp.dir, "intro", 660, 2),
    toneWav(tmp.dir, "a", 300, 3),
    lavfi(join(tmp.dir, "b.wav"), "anoisesrc=d=4:c=pink:a=0.3:seed=5", ["-c:a", "pcm_s16le"]),
    toneWav(tmp.dir, "c", 500, 8),
    toneWav(tmp.dir, "outro", 880, 2),
  ]);
  const canon = await Promise.all(src.map((s) => normaliseToCanonical(s, s.replace(/\.wav$/, ".mp3")).then(() => s.replace(/\.wav$/, ".mp3"))));
  [intro, outro] = [canon[0]!, canon[4]!];
  items = canon.slice(1, 4);
});

/** ffmpeg decodes the whole file without a single error line. */
async function decodesCleanly(path: string) {
  const { stderr } = await runFfmpeg(["-nostdin", "-v", "error", "-i", path, "-f", "null", "-"]);
  expect(stderr.trim()).toBe("");
}

async function silences(path: string): Promise<Array<{ start: number; end: number }>> {
  const lines: string[] = [];
  await runFfmpeg(["-nostdin", "-hide_banner", "-v", "info", "-nostats", "-i", path, "-af", "silencedetect=n=-60dB:d=0.3", "-f", "null", "-"], {
    onStderrLine: (l) => lines.push(l),
  });
  const out: Array<{ start: number; end: number }> = [];
  for (const l of lines) {
    const s = /silence_start: ([\d.]+)/.exec(l);
    if (s) out.push({ start: Number(s[1]) * 1000, end: NaN });
    const e = /silence_end: ([\d.]+)/.exec(l);
    if (e) out.at(-1)!.end = Number(e[1]) * 1000;
  }
  return out;
}

describe("renderSession", () => {
  it("joins intro, items, gaps and outro; duration = sum of parts ±50 ms (ffprobe)", async () => {
    const out = join(tmp.dir, "session.mp3");
    const r = await renderSession({ intro, items, outro, gapMs: GAP_MS }, out, { silenceDir, tmpDir: tmp.dir });
    const gap = await ensureSilence(GAP_MS, { cacheDir: silenceDir });
    const parts = await Promise.all([intro, ...items, outro].map((p) => probe(p)));
    const sum = parts.reduce((n, p) => n + p.durationMs, 0) + 4 * (await probe(gap.path)).durationMs;
    const rendered = await probe(out);
    expect(Math.abs(rendered.durationMs - sum)).toBeLessThanOrEqual(50);
    expect(Math.abs(r.durationMs - rendered.durationMs)).toBeLessThanOrEqual(50);
    expect(rendered).toMatchObject({ codec: "mp3", sampleRate: 44100, channels: 1, bitRate: 128000 });
    expect(canonicalProblem(scanMp3Frames(readFileSync(out)))).toBeUndefined();
    // Pure stream copy: the output is the parts' bytes, nothing more.
    const bytes = [intro, ...items, outro, gap.path, gap.path, gap.path, gap.path].reduce((n, p) => n + statSync(p).size, 0);
    expect(statSync(out).size).toBe(bytes);
    expect(r.truncated).toBe(false);
    expect(r.lines.map((l) => l.status)).toEqual(["full", "full", "full"]);
    await decodesCleanly(out);
  });

  it("joins byte-identically in-process (join: bytes) and with the concat demuxer", async () => {
    const viaDemuxer = join(tmp.dir, "join-demuxer.mp3");
    const viaBytes = join(tmp.dir, "join-bytes.mp3");
    const spec = { intro, items, outro, gapMs: GAP_MS, maxDurationMs: 19_000, fadeOutMs: 2000 };
    const a = await renderSession(spec, viaDemuxer, { silenceDir });
    const b = await renderSession(spec, viaBytes, { silenceDir, join: "bytes" });
    expect(readFileSync(viaBytes).equals(readFileSync(viaDemuxer))).toBe(true);
    expect(b.lines).toEqual(a.lines);
  });

  it("reports frame-accurate line offsets that match the audio (gaps found where planned)", async () => {
    const out = join(tmp.dir, "session-offsets.mp3");
    const r = await renderSession({ intro, items, outro, gapMs: GAP_MS }, out, { silenceDir });
    const found = await silences(out);
    const gaps = r.segments.filter((s) => s.kind === "gap");
    expect(found).toHaveLength(gaps.length);
    for (const [i, line] of r.lines.entries()) {
      // Each item starts right after a detected gap (within the ~25 ms encoder priming + a frame).
      expect(Math.abs(found[i]!.end - line.offsetMs)).toBeLessThanOrEqual(60);
      expect(line.offsetMs).toBe(Math.round(line.offsetFrames * FRAME_MS));
    }
  });

  it("cuts at the maximum with a fade, keeps the outro, re-encodes only the tail", async () => {
    const full = join(tmp.dir, "session-full.mp3");
    const cut = join(tmp.dir, "session-cut.mp3");
    await renderSession({ intro, items, outro, gapMs: GAP_MS }, full, { silenceDir });
    const maxDurationMs = 19_000; // item 2 (8 s) would play ~5 s, then fade; outro kept
    const r = await renderSession({ intro, items, outro, gapMs: GAP_MS, maxDurationMs, fadeOutMs: 2000 }, cut, { silenceDir });
    expect(r.truncated).toBe(true);
    expect(r.cutLines).toEqual([2]);
    expect(r.droppedLines).toEqual([]);
    expect(r.lines[2]!.durationMs).toBeLessThan(r.lines[2]!.sourceDurationMs);
    const p = await probe(cut);
    expect(p.durationMs).toBeLessThanOrEqual(maxDurationMs);
    expect(p.durationMs).toBeGreaterThan(maxDurationMs - 50);
    expect(Math.abs(p.durationMs - r.durationMs)).toBeLessThanOrEqual(50);
    expect(r.segments.at(-1)).toMatchObject({ kind: "outro" });
    expect(r.fade).not.toBeNull();
    await decodesCleanly(cut);
    expect(canonicalProblem(scanMp3Frames(readFileSync(cut)))).toBeUndefined();

    // Everything before the fade is byte-identical to the uncut render (stream copy).
    const scan = scanMp3Frames(readFileSync(cut));
    const fadeFrame = Math.round(r.fade!.offsetMs / FRAME_MS);
    const head = scan.offsets[fadeFrame]!;
    expect(readFileSync(cut).subarray(0, head).equals(readFileSync(full).subarray(0, head))).toBe(true);

    // The fade really fades: the last 0.3 s before the outro gap is far quieter than the item.
    const fadeEndMs = r.fade!.offsetMs + r.fade!.durationMs;
    const tail = join(tmp.dir, "fade-end.wav");
    await runFfmpeg(["-nostdin", "-v", "error", "-y", "-i", cut, "-af", `atrim=start=${(fadeEndMs - 400) / 1000}:end=${fadeEndMs / 1000}`, tail]);
    const before = join(tmp.dir, "fade-before.wav");
    await runFfmpeg(["-nostdin", "-v", "error", "-y", "-i", cut, "-af", `atrim=start=${(r.fade!.offsetMs - 1000) / 1000}:end=${r.fade!.offsetMs / 1000}`, before]);
    const [lEnd, lBefore] = await Promise.all([measureLoudness(tail), measureLoudness(before)]);
    expect(lBefore.integratedLufs - lEnd.integratedLufs).toBeGreaterThan(12);
  });

  it("drops lines that do not fit and says so", async () => {
    const out = join(tmp.dir, "session-short.mp3");
    const r = await renderSession({ items, gapMs: GAP_MS, maxDurationMs: 6000, fadeOutMs: 1500, minPartialMs: 1000 }, out, { silenceDir });
    expect(r.lines.map((l) => l.status)).toEqual(["full", "cut", "dropped"]);
    expect(r.droppedLines).toEqual([2]);
    expect(r.lines[2]!.durationMs).toBe(0);
    expect((await probe(out)).durationMs).toBeLessThanOrEqual(6000);
    await decodesCleanly(out);
  });

  it("refuses a file that is not canonical", async () => {
    const notCanon = await toneWav(tmp.dir, "raw", 440, 1);
    await expect(renderSession({ items: [notCanon] }, join(tmp.dir, "x.mp3"), { silenceDir })).rejects.toMatchObject({ code: "NOT_CANONICAL" });
  });
});

describe("silence", () => {
  it("is canonical, exact in frames, digital zero, and cached", async () => {
    const a = await ensureSilence(1000, { cacheDir: silenceDir });
    expect(a.frames).toBe(38);
    const again = await ensureSilence(1000, { cacheDir: silenceDir });
    expect(again.path).toBe(a.path);
    const long = await ensureSilence(20_000, { cacheDir: silenceDir }); // several blocks + a slice
    expect(long.frames).toBeGreaterThan(2 * SILENCE_BLOCK_FRAMES);
    const scan = scanMp3Frames(readFileSync(long.path));
    expect(canonicalProblem(scan)).toBeUndefined();
    expect(scan.frames).toBe(long.frames);
    expect(Math.abs((await probe(long.path)).durationMs - 20_000)).toBeLessThanOrEqual(30);
    expect((await measureLoudness(long.path)).integratedLufs).toBeLessThanOrEqual(-70);
    await decodesCleanly(long.path);
  });
});
