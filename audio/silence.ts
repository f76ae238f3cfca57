// Canonical-format silence for gaps between items and for relay placeholders.
//
// ffmpeg encodes one block of BLOCK_FRAMES silent frames once per cache dir;
// any length is then assembled by byte copy (whole blocks + a head slice of
// the block). That is valid MP3: every block starts with main_data_begin = 0
// and silence has no overlap state to carry. A 60-minute placeholder thus
// costs a 57 MB write instead of a minute of LAME. Results are cached per
// frame count; all writes go to a temp file renamed into place, so concurrent
// callers at worst do the same work twice.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { CANONICAL, canonicalEncoderArgs, framesToMs, inspectCanonical, msToFrames } from "./canonical.ts";
import { fileUrl, runFfmpeg, type AudioOpOptions } from "./ffmpeg.ts";

export const SILENCE_BLOCK_FRAMES = 256; // 6.7 s

export interface SilenceOptions extends AudioOpOptions {
  /** Where silence files are cached. Default <os tmp>/loaxa-silence. */
  cacheDir?: string;
}

export interface SilenceFile {
  path: string;
  frames: number;
  durationMs: number;
}

/** ffmpeg args encoding exactly `frames` canonical frames of silence. */
export function buildSilenceArgs(frames: number, output: string): string[] {
  // The encoder needs (frames × 1152 − delay) input samples; give it a frame extra and cap the packets.
  const seconds = ((frames + 1) * CANONICAL.samplesPerFrame) / CANONICAL.sampleRate;
  return [
    "-nostdin", "-hide_banner", "-v", "error", "-y",
    "-f", "lavfi", "-i", `anullsrc=r=${CANONICAL.sampleRate}:cl=mono`,
    "-t", seconds.toFixed(6),
    ...canonicalEncoderArgs(),
    "-frames:a", String(frames),
    fileUrl(output),
  ];
}

function cacheDirOf(opts: SilenceOptions): string {
  return opts.cacheDir ?? join(tmpdir(), "loaxa-silence");
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then((s) => s.size > 0, () => false);
}

function tempName(dir: string, name: string): string {
  return join(dir, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.part`);
}

async function ensureBlock(dir: string, opts: SilenceOptions): Promise<string> {
  const path = join(dir, `silence-block-${SILENCE_BLOCK_FRAMES}f.mp3`);
  if (await exists(path)) return path;
  const tmp = tempName(dir, "silence-block");
  try {
    await runFfmpeg(buildSilenceArgs(SILENCE_BLOCK_FRAMES, tmp), { timeoutMs: 60_000, ...opts, onProgress: undefined });
    const info = await inspectCanonical(tmp);
    if (info.frames !== SILENCE_BLOCK_FRAMES) throw new Error(`silence block has ${info.frames} frames, expected ${SILENCE_BLOCK_FRAMES}`);
    await rename(tmp, path);
    return path;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Canonical silence of exactly `frames` frames (cached). */
export async function ensureSilenceFrames(frames: number, opts: SilenceOptions = {}): Promise<SilenceFile> {
  if (!Number.isInteger(frames) || frames <= 0) throw new RangeError(`silence needs a positive whole number of frames, got ${frames}`);
  const dir = cacheDirOf(opts);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `silence-${frames}f.mp3`);
  const result = { path, frames, durationMs: framesToMs(frames) };
  if (await exists(path)) return result;

  const blockPath = await ensureBlock(dir, opts);
  const block = await inspectCanonical(blockPath);
  const blockBytes = await readFile(blockPath);
  const whole = Math.floor(frames / SILENCE_BLOCK_FRAMES);
  const rest = frames % SILENCE_BLOCK_FRAMES;
  const tmp = tempName(dir, `silence-${frames}f`);
  const fh = await open(tmp, "w");
  try {
    for (let i = 0; i < whole; i++) await fh.write(blockBytes);
    if (rest > 0) await fh.write(blockBytes.subarray(0, block.offsets[rest]!));
    await fh.close();
    await rename(tmp, path);
    return result;
  } finally {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
  }
}

/** Canonical silence of (the nearest whole number of frames to) `durationMs`. */
export async function ensureSilence(durationMs: number, opts: SilenceOptions = {}): Promise<SilenceFile> {
  return ensureSilenceFrames(Math.max(1, msToFrames(durationMs)), opts);
}
