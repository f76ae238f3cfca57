// What is in a media file, via `ffprobe -print_format json`. Bad input is
// reported as AudioInputError (EMPTY_FILE, NOT_AUDIO, NO_AUDIO_STREAM,
// UNSUPPORTED_CODEC) so callers can tell it from a failed run.
import { stat } from "node:fs/promises";
import { AudioInputError } from "./errors.ts";
import { FfmpegError, fileUrl, runFfprobe, type RunOptions } from "./ffmpeg.ts";

export interface ProbeResult {
  /** Container duration (declared by headers, or estimated from bitrate). */
  durationMs: number;
  codec: string;
  sampleRate: number;
  channels: number;
  /** bit/s, 0 when unknown. */
  bitRate: number;
  formatName: string;
  hasAudio: boolean;
  /** True when ffprobe only estimated the duration from the bitrate (e.g. MP3 without Xing). */
  durationEstimated: boolean;
  /** Container codec tag, e.g. "0x1234" (helps explain an unknown codec). */
  codecTag?: string;
}

export type ProbeOptions = Pick<RunOptions, "timeoutMs" | "logger" | "signal" | "binaryPath">;

export function buildProbeArgs(path: string): string[] {
  return ["-v", "warning", "-print_format", "json", "-show_format", "-show_streams", fileUrl(path)];
}

interface FfprobeJson {
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    codec_tag?: string;
    sample_rate?: string;
    channels?: number;
    bit_rate?: string;
    duration?: string;
  }>;
  format?: { format_name?: string; duration?: string; bit_rate?: string };
}

function num(s: string | number | undefined): number {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
}

/** Turn ffprobe JSON (and its stderr warnings) into a ProbeResult. Pure. */
export function parseProbeJson(json: string, stderr = ""): ProbeResult {
  const data = JSON.parse(json) as FfprobeJson;
  const audio = data.streams?.find((s) => s.codec_type === "audio");
  const formatName = data.format?.format_name ?? "unknown";
  const durationS = num(data.format?.duration) || num(audio?.duration);
  return {
    durationMs: Math.round(durationS * 1000),
    codec: audio?.codec_name ?? "",
    sampleRate: num(audio?.sample_rate),
    channels: audio?.channels ?? 0,
    bitRate: num(audio?.bit_rate) || num(data.format?.bit_rate),
    formatName,
    hasAudio: audio !== undefined,
    durationEstimated: /Estimating duration from bitrate/i.test(stderr),
    ...(audio?.codec_tag ? { codecTag: audio.codec_tag } : {}),
  };
}

/**
 * Probe a file without throwing for "no audio": `hasAudio` is false for e.g.
 * an image. Throws AudioInputError when ffprobe cannot read it at all.
 */
export async function probe(path: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const st = await stat(path);
  if (st.size === 0) throw new AudioInputError("EMPTY_FILE");
  let stdout: string, stderr: string;
  try {
    ({ stdout, stderr } = await runFfprobe(buildProbeArgs(path), { timeoutMs: 30_000, ...opts }));
  } catch (e) {
    if (e instanceof FfmpegError && !e.timedOut && !e.aborted && e.exitCode !== null) {
      throw new AudioInputError("NOT_AUDIO", {}, { cause: e });
    }
    throw e;
  }
  return parseProbeJson(stdout, stderr);
}

/** Probe and insist on a decodable audio stream. */
export async function probeAudio(path: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const p = await probe(path, opts);
  if (!p.hasAudio) {
    throw new AudioInputError(/(image|png|jpeg|gif|bmp|webp|tiff)/.test(p.formatName) ? "NOT_AUDIO" : "NO_AUDIO_STREAM", {
      format: p.formatName,
    });
  }
  if (!p.codec || p.codec === "none" || p.codec === "unknown") {
    throw new AudioInputError("UNSUPPORTED_CODEC", {
      codec: p.codec || `unknown, tag ${p.codecTag ?? "?"}`,
    });
  }
  return p;
}
