// The one MPEG-1/2/2.5 Layer III frame parser. The player cuts and paces audio on frame
// boundaries, so it needs each frame's byte range and start time without decoding; the
// canonical-format check (canonical.ts) walks files with the same header parser.
import { open as openFile, readFile, type FileHandle } from "node:fs/promises";

export interface Mp3FrameHeader {
  version: 1 | 2 | 2.5;
  bitrateKbps: number;
  sampleRate: number;
  padding: boolean;
  channels: 1 | 2;
  hasCrc: boolean;
  /** Whole frame length in bytes, header included. */
  length: number;
  samples: number;
  durationMs: number;
}

export interface Mp3Frame {
  offset: number;
  length: number;
  startMs: number;
  durationMs: number;
}

export interface Mp3FrameIndex {
  path: string;
  frames: Mp3Frame[];
  durationMs: number;
  /** Bytes of audio frames (ID3 tags, Xing/Info frames and junk excluded). */
  audioBytes: number;
  sampleRate: number;
  channels: 1 | 2;
  bitrateKbps: number;
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const RATES_V1 = [44100, 48000, 32000];

/** Parses the 4-byte header at `off`; null when it is not a usable Layer III header. */
export function parseHeader(buf: Uint8Array, off: number): Mp3FrameHeader | null {
  if (off + 4 > buf.length) return null;
  const b1 = buf[off + 1]!;
  const b2 = buf[off + 2]!;
  const b3 = buf[off + 3]!;
  if (buf[off] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const vbits = (b1 >> 3) & 3;
  if (vbits === 1) return null; // reserved
  if (((b1 >> 1) & 3) !== 1) return null; // Layer III only
  const brIndex = b2 >> 4;
  const srIndex = (b2 >> 2) & 3;
  if (brIndex === 0 || brIndex === 15 || srIndex === 3) return null; // free format unsupported
  const version = vbits === 3 ? 1 : vbits === 2 ? 2 : 2.5;
  const bitrateKbps = (version === 1 ? BITRATES_V1 : BITRATES_V2)[brIndex]!;
  const sampleRate = RATES_V1[srIndex]! / (version === 1 ? 1 : version === 2 ? 2 : 4);
  const padding = ((b2 >> 1) & 1) === 1;
  const samples = version === 1 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);
  return {
    version,
    bitrateKbps,
    sampleRate,
    padding,
    channels: b3 >> 6 === 3 ? 1 : 2,
    hasCrc: (b1 & 1) === 0,
    length,
    samples,
    durationMs: (samples / sampleRate) * 1000,
  };
}

/** Size of an ID3v2 tag starting at `off`, or 0. */
export function id3v2Size(buf: Uint8Array, off: number): number {
  if (off + 10 > buf.length) return 0;
  if (buf[off] !== 0x49 || buf[off + 1] !== 0x44 || buf[off + 2] !== 0x33) return 0; // "ID3"
  const s = [buf[off + 6]!, buf[off + 7]!, buf[off + 8]!, buf[off + 9]!];
  if (s.some((x) => x & 0x80)) return 0;
  const size = (s[0]! << 21) | (s[1]! << 14) | (s[2]! << 7) | s[3]!;
  const footer = (buf[off + 5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** True when the frame at `off` is a Xing/Info/VBRI metadata frame rather than audio. */
export function isInfoFrame(buf: Uint8Array, off: number, h: Mp3FrameHeader): boolean {
  const side = h.version === 1 ? (h.channels === 1 ? 17 : 32) : h.channels === 1 ? 9 : 17;
  const at = (p: number, tag: string) =>
    p + 4 <= buf.length && tag.split("").every((c, i) => buf[p + i] === c.charCodeAt(0));
  const xing = off + 4 + (h.hasCrc ? 2 : 0) + side;
  return at(xing, "Xing") || at(xing, "Info") || at(off + 36, "VBRI");
}

/** Header at `off` whose successor (frame or ID3 tag) is also in place. */
function confirmedAt(buf: Uint8Array, off: number, final: boolean): "yes" | "no" | "need-more" {
  const h = parseHeader(buf, off);
  if (!h) return "no";
  const next = off + h.length;
  if (next > buf.length) return final ? "no" : "need-more";
  if (next === buf.length) return final ? "yes" : "need-more";
  if (next + 4 > buf.length && !final) return "need-more";
  return parseHeader(buf, next) || id3v2Size(buf, next) > 0 ? "yes" : "no";
}

interface ScanStep {
  kind: "frame" | "skip" | "need-more";
  length: number;
  header?: Mp3FrameHeader;
}

/**
 * One parser step at `off`. `final` says no more bytes will come (whole file). While in
 * sync (the previous frame ended here) a valid header is enough; after junk a frame is
 * only trusted when its successor is in place too, so stray 0xFF bytes are not taken.
 */
function scanStep(buf: Uint8Array, off: number, final: boolean, inSync: boolean): ScanStep {
  const id3 = id3v2Size(buf, off);
  if (id3 > 0) {
    if (off + id3 > buf.length && !final) return { kind: "need-more", length: 0 };
    return { kind: "skip", length: Math.min(id3, buf.length - off) };
  }
  if (off + 4 > buf.length && !final) return { kind: "need-more", length: 0 };
  const h = parseHeader(buf, off);
  if (h) {
    const fits = off + h.length <= buf.length;
    if (!fits && !final) return { kind: "need-more", length: 0 };
    if (fits && inSync) return { kind: "frame", length: h.length, header: h };
    const c = confirmedAt(buf, off, final);
    if (c === "yes") return { kind: "frame", length: h.length, header: h };
    if (c === "need-more") return { kind: "need-more", length: 0 };
  }
  // Lost sync: skip to the next position that may start a confirmed frame or an ID3 tag.
  for (let p = off + 1; p < buf.length; p++) {
    if (!final && p + 4 > buf.length) return { kind: "skip", length: p - off };
    if (buf[p] === 0x49 && id3v2Size(buf, p) > 0) return { kind: "skip", length: p - off };
    if (buf[p] === 0xff && confirmedAt(buf, p, final) !== "no") return { kind: "skip", length: p - off };
  }
  return { kind: "skip", length: buf.length - off };
}

/** All audio frames of a whole MP3 buffer, with ID3v2 tags, Xing/Info frames and junk skipped. */
export function readFrames(buf: Uint8Array): Mp3Frame[] {
  const frames: Mp3Frame[] = [];
  let off = 0;
  let t = 0;
  let inSync = false;
  while (off < buf.length) {
    const step = scanStep(buf, off, true, inSync);
    inSync = step.kind === "frame";
    if (step.kind === "frame" && step.header) {
      if (!isInfoFrame(buf, off, step.header)) {
        frames.push({ offset: off, length: step.length, startMs: t, durationMs: step.header.durationMs });
        t += step.header.durationMs;
      }
      off += step.length;
    } else {
      off += Math.max(1, step.length);
    }
  }
  return frames;
}

/** Reads and indexes an MP3 file. Throws when it holds no Layer III frames. */
export async function frameIndex(path: string): Promise<Mp3FrameIndex> {
  const buf = await readFile(path);
  const frames = readFrames(buf);
  const first = frames[0];
  if (!first) {
    throw new Error(`Tệp không chứa khung MP3 hợp lệ / File has no valid MP3 frames: ${path}`);
  }
  const h = parseHeader(buf, first.offset)!;
  const last = frames[frames.length - 1]!;
  return {
    path,
    frames,
    durationMs: last.startMs + last.durationMs,
    audioBytes: frames.reduce((n, f) => n + f.length, 0),
    sampleRate: h.sampleRate,
    channels: h.channels,
    bitrateKbps: h.bitrateKbps,
  };
}

function nearestBoundary(frames: Mp3Frame[], ms: number): number {
  // Boundary i is the start of frame i; boundary frames.length is the end of the last frame.
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid]!.startMs < ms) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  const prev = frames[lo - 1]!;
  const at = lo < frames.length ? frames[lo]!.startMs : prev.startMs + prev.durationMs;
  return ms - prev.startMs < at - ms ? lo - 1 : lo;
}

/**
 * Frame range [first, end) covering startMs..endMs, both rounded to the nearest frame
 * boundary. Missing bounds mean the file's start/end.
 */
export function frameRange(frames: Mp3Frame[], startMs?: number, endMs?: number): { first: number; end: number } {
  const first = startMs === undefined ? 0 : nearestBoundary(frames, startMs);
  const end = endMs === undefined ? frames.length : nearestBoundary(frames, endMs);
  return { first, end: Math.max(first, end) };
}

/** Incremental parser for a live MP3 byte stream (e.g. ffmpeg stdout). */
export class Mp3StreamParser {
  private pending: Buffer = Buffer.alloc(0);
  private inSync = false;

  /** Feeds bytes; returns complete audio frames in order. */
  push(chunk: Buffer): { data: Buffer; durationMs: number }[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: { data: Buffer; durationMs: number }[] = [];
    let off = 0;
    while (off < buf.length) {
      const step = scanStep(buf, off, false, this.inSync);
      if (step.kind === "need-more") break;
      this.inSync = step.kind === "frame";
      if (step.kind === "frame" && step.header) {
        if (!isInfoFrame(buf, off, step.header)) {
          out.push({ data: Buffer.from(buf.subarray(off, off + step.length)), durationMs: step.header.durationMs });
        }
        off += step.length;
      } else {
        off += Math.max(1, step.length);
      }
    }
    this.pending = Buffer.from(buf.subarray(off));
    return out;
  }

  /** Flushes at end of stream: a last complete frame without a successor is accepted. */
  end(): { data: Buffer; durationMs: number }[] {
    const buf = this.pending;
    this.pending = Buffer.alloc(0);
    return readFrames(buf).map((f) => ({ data: Buffer.from(buf.subarray(f.offset, f.offset + f.length)), durationMs: f.durationMs }));
  }
}

/**
 * Reads indexed frames [first, end) of a file in blocks, so a long session file is never
 * held in memory whole and the next frames are already in memory when they are due.
 */
export class Mp3FileReader {
  private cursor: number;
  private readonly ready: { data: Buffer; durationMs: number }[] = [];

  private constructor(
    private readonly fh: FileHandle,
    private readonly frames: Mp3Frame[],
    first: number,
    private readonly end: number,
    private readonly blockFrames: number,
  ) {
    this.cursor = first;
  }

  static async open(path: string, frames: Mp3Frame[], first = 0, end = frames.length, blockFrames = 64): Promise<Mp3FileReader> {
    const fh = await openFile(path, "r");
    return new Mp3FileReader(fh, frames, first, end, blockFrames);
  }

  /** Loads the next block now (e.g. before air time). */
  async prefetch(): Promise<void> {
    if (!this.ready.length) await this.fill();
  }

  /** Up to `maxMs` of audio (at least one frame); null at the end of the range. */
  async read(maxMs: number): Promise<{ data: Buffer; durationMs: number } | null> {
    if (!this.ready.length) await this.fill();
    if (!this.ready.length) return null;
    const parts: Buffer[] = [];
    let ms = 0;
    while (this.ready.length && (parts.length === 0 || ms + this.ready[0]!.durationMs <= maxMs)) {
      const f = this.ready.shift()!;
      parts.push(f.data);
      ms += f.durationMs;
    }
    return { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), durationMs: ms };
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  private async fill(): Promise<void> {
    if (this.cursor >= this.end) return;
    const last = Math.min(this.end, this.cursor + this.blockFrames);
    const from = this.frames[this.cursor]!.offset;
    const lastFrame = this.frames[last - 1]!;
    const buf = Buffer.alloc(lastFrame.offset + lastFrame.length - from);
    const { bytesRead } = await this.fh.read(buf, 0, buf.length, from);
    if (bytesRead < buf.length) {
      throw new Error(`Tệp bị cắt ngắn khi đang phát / File shrank during playout (${bytesRead}/${buf.length} bytes)`);
    }
    for (let i = this.cursor; i < last; i++) {
      const f = this.frames[i]!;
      this.ready.push({ data: buf.subarray(f.offset - from, f.offset - from + f.length), durationMs: f.durationMs });
    }
    this.cursor = last;
  }
}
