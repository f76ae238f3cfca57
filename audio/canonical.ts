// The canonical broadcast format of Loa Xã. Every item is converted to it once,
// at ingest; sessions are then built by joining files without re-encoding.
//
//   MPEG-1 Layer III (MP3), 44,100 Hz, mono, 128 kbit/s CBR, libmp3lame,
//   no ID3v2 / ID3v1 tag, no Xing/Info/LAME header frame, no metadata.
//
// Why:
// - MP3 is what IP/4G loudspeakers and Icecast listeners play everywhere.
// - Mono: the speaker network is mono; 128k mono is transparent for speech
//   and music beds and costs 57.6 MB per hour.
// - CBR with no header frame makes a file nothing but MP3 frames: files are
//   joined by concat stream copy (byte-identical to `cat`), cut at any frame
//   boundary, and paced frame by frame by the player. A frame is 1152 samples =
//   26.122 ms; its size is 417 or 418 bytes (padding bit keeps exactly 128k).
// - The first frame of every encoded file has main_data_begin = 0, so a file
//   never depends on the bit reservoir of whatever precedes it in a join.
// - Without a LAME header decoders do not trim the encoder delay: each file
//   starts with ENCODER_DELAY_SAMPLES (~25 ms) of priming silence, and its
//   decoded length is exactly frames × 1152 samples. All durations and offsets
//   in audio/ are computed from frame counts, hence exact.
import { open, readFile } from "node:fs/promises";
import { AudioInputError } from "./errors.ts";
import { id3v2Size, isInfoFrame, parseHeader, type Mp3FrameHeader } from "./mp3frames.ts";

export const CANONICAL = {
  codec: "mp3",
  container: "mp3",
  sampleRate: 44_100,
  channels: 1,
  bitRateKbps: 128,
  samplesPerFrame: 1152,
  extension: ".mp3",
  mimeType: "audio/mpeg",
} as const;

/** libmp3lame delay as seen by ffmpeg's decoder (encoder 576 + decoder 529). */
export const ENCODER_DELAY_SAMPLES = 1105;

/**
 * libmp3lame (3.100) at 128k CBR returns audio ~0.44 dB quieter than it was
 * given, for tones and noise alike (measured: 440 Hz, 1 kHz, pink noise).
 * Encodes pre-compensate so one pass lands on target and a re-encoded fade
 * tail matches the stream-copied audio before it; ingest still verifies.
 */
export const ENCODER_LEVEL_LOSS_DB = 0.44;

/** Exact duration of one canonical frame, in ms (26.1224…). */
export const FRAME_MS = (CANONICAL.samplesPerFrame * 1000) / CANONICAL.sampleRate;

export function framesToMs(frames: number): number {
  return (frames * CANONICAL.samplesPerFrame * 1000) / CANONICAL.sampleRate;
}

/**
 * One frame of digital silence in the canonical format (all-zero side info and main
 * data decode to silence). Used to keep a stream sink alive before air time.
 */
export function silentFrame(): Buffer {
  const f = Buffer.alloc(417); // 144 * 128000 / 44100, no padding
  f[0] = 0xff;
  f[1] = 0xfb; // MPEG-1, Layer III, no CRC
  f[2] = 0x90; // 128 kbps, 44.1 kHz, no padding
  f[3] = 0xc4; // mono, original
  return f;
}

/** Nearest whole number of frames for a duration. */
export function msToFrames(ms: number): number {
  return Math.max(0, Math.round(ms / FRAME_MS));
}

/** Output options (place after inputs/filters) that encode the canonical format. */
export function canonicalEncoderArgs(opts: { reservoir?: boolean } = {}): string[] {
  return [
    "-map_metadata", "-1",
    "-ar", String(CANONICAL.sampleRate),
    "-ac", String(CANONICAL.channels),
    "-c:a", "libmp3lame",
    "-b:a", `${CANONICAL.bitRateKbps}k`,
    ...(opts.reservoir === false ? ["-reservoir", "0"] : []),
    "-write_xing", "0",
    "-id3v2_version", "0",
    "-write_id3v1", "0",
    "-f", "mp3",
  ];
}

/** Output options for joining canonical files by stream copy. */
export function canonicalCopyArgs(): string[] {
  return ["-map_metadata", "-1", "-c", "copy", "-write_xing", "0", "-id3v2_version", "0", "-write_id3v1", "0", "-f", "mp3"];
}

export interface Mp3FrameScan {
  frames: number;
  /** Byte offset of each frame, plus the end offset (length frames + 1). */
  offsets: number[];
  sampleRate: number;
  channels: number;
  bitRateKbps: number;
  /** Frames differing from the first frame's format (bitrate/rate/mode). */
  mixedFormat: boolean;
  /** First frame is a Xing/Info/VBRI header frame. */
  hasInfoFrame: boolean;
  hasId3v2: boolean;
  hasId3v1: boolean;
  /** Bytes that are not part of any frame (junk, partial last frame). */
  junkBytes: number;
}

/**
 * Walk the MP3 Layer III frames of a buffer strictly, without the player's resync: every
 * byte that is not an ID3 tag or a whole frame counts as junk. Pure.
 */
export function scanMp3Frames(buf: Uint8Array): Mp3FrameScan {
  const hasId3v2 = buf.length >= 10 && buf[0] === 0x49 && buf[1] === 0x44 && buf[2] === 0x33;
  // A tag with a malformed size: skip its header only (the file is refused for the tag anyway).
  let pos = hasId3v2 ? id3v2Size(buf, 0) || 10 : 0;
  const hasId3v1 = buf.length >= 128 && buf[buf.length - 128] === 0x54 && buf[buf.length - 127] === 0x41 && buf[buf.length - 126] === 0x47;
  const end = hasId3v1 ? buf.length - 128 : buf.length;
  const offsets: number[] = [];
  let first: Mp3FrameHeader | null = null;
  let mixedFormat = false;
  let junkBytes = 0;
  while (pos < end) {
    const h = parseHeader(buf, pos);
    if (!h || pos + h.length > end) {
      pos++;
      junkBytes++;
      continue;
    }
    if (!first) first = h;
    else if (h.sampleRate !== first.sampleRate || h.channels !== first.channels || h.bitrateKbps !== first.bitrateKbps) mixedFormat = true;
    offsets.push(pos);
    pos += h.length;
  }
  offsets.push(pos);
  return {
    frames: offsets.length - 1,
    offsets,
    sampleRate: first?.sampleRate ?? 0,
    channels: first?.channels ?? 0,
    bitRateKbps: first?.bitrateKbps ?? 0,
    mixedFormat,
    hasInfoFrame: first !== null && isInfoFrame(buf, offsets[0]!, first),
    hasId3v2,
    hasId3v1,
    junkBytes,
  };
}

/** Why a scan is not canonical, or undefined when it is. Pure. */
export function canonicalProblem(scan: Mp3FrameScan): string | undefined {
  if (scan.frames === 0) return "no MP3 frames";
  if (scan.hasId3v2 || scan.hasId3v1) return "has an ID3 tag";
  if (scan.hasInfoFrame) return "has a Xing/Info header frame";
  if (scan.mixedFormat) return "mixed frame formats";
  if (scan.junkBytes > 0) return `${scan.junkBytes} bytes outside frames`;
  if (scan.sampleRate !== CANONICAL.sampleRate) return `sample rate ${scan.sampleRate}`;
  if (scan.channels !== CANONICAL.channels) return `${scan.channels} channels`;
  if (scan.bitRateKbps !== CANONICAL.bitRateKbps) return `bit rate ${scan.bitRateKbps}k`;
  return undefined;
}

export interface CanonicalFileInfo {
  path: string;
  frames: number;
  durationMs: number;
  bytes: number;
  offsets: number[];
}

/** Read and validate a canonical file; throws AudioInputError NOT_CANONICAL. */
export async function inspectCanonical(path: string): Promise<CanonicalFileInfo> {
  const buf = await readFile(path);
  const scan = scanMp3Frames(buf);
  const problem = canonicalProblem(scan);
  if (problem) throw new AudioInputError("NOT_CANONICAL", { detail: `${path}: ${problem}` });
  return { path, frames: scan.frames, durationMs: framesToMs(scan.frames), bytes: buf.length, offsets: scan.offsets };
}

/** Copy frames [from, to) of a canonical file into a new file (byte copy). */
export async function sliceFrames(info: CanonicalFileInfo, from: number, to: number, outPath: string): Promise<void> {
  if (from < 0 || to > info.frames || from > to) throw new RangeError(`bad frame range ${from}..${to} of ${info.frames}`);
  const start = info.offsets[from]!;
  const end = info.offsets[to]!;
  const src = await open(info.path, "r");
  try {
    const buf = Buffer.alloc(end - start);
    await src.read(buf, 0, buf.length, start);
    const dst = await open(outPath, "w");
    try {
      await dst.write(buf, 0, buf.length, 0);
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
}
