// Shared fixtures for the player/sink tests: canonical MP3s made by the real ffmpeg and
// measurements made by decoding (not by trusting headers).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ffmpegPath, ffprobePath } from "../../audio/ffmpeg.ts";

export function tmpDir(prefix = "loaxa-player-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Canonical broadcast MP3 (44.1 kHz mono 128k CBR, no ID3, no Xing) of a sine tone. */
export function tone(dir: string, name: string, seconds: number, freq = 440, extra: string[] = []): string {
  const out = path.join(dir, name);
  execFileSync(ffmpegPath(), [
    "-hide_banner", "-v", "error", "-y",
    "-f", "lavfi", "-i", `sine=frequency=${freq}:duration=${seconds}`,
    "-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k",
    ...(extra.length ? extra : ["-write_xing", "0", "-id3v2_version", "0"]),
    "-f", "mp3", out,
  ]);
  return out;
}

/** Canonical MP3 of digital silence (a relay fallback placeholder). */
export function silence(dir: string, name: string, seconds: number): string {
  const out = path.join(dir, name);
  execFileSync(ffmpegPath(), [
    "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", `anullsrc=r=44100:cl=mono`, "-t", String(seconds),
    "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", out,
  ]);
  return out;
}

/** ffprobe's container duration in ms. */
export function probeMs(file: string): number {
  const out = execFileSync(ffprobePath(), ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file]).toString();
  return Number(out.trim()) * 1000;
}

/** Fully decodes the file and returns the decoded audio length in ms (fails if undecodable). */
export function decodedMs(file: string): number {
  const pcm = execFileSync(ffmpegPath(), ["-v", "error", "-i", file, "-f", "s16le", "-ac", "1", "-ar", "44100", "pipe:1"], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return (pcm.length / 2 / 44100) * 1000;
}

/** Mean volume (dB) of the decoded audio, via ffmpeg volumedetect. */
export function meanVolumeDb(file: string): number {
  const res = spawnSync(ffmpegPath(), ["-hide_banner", "-nostats", "-i", file, "-af", "volumedetect", "-f", "null", "-"], { encoding: "utf8" });
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(res.stderr);
  if (!m) throw new Error(`no volumedetect output for ${file}: ${res.stderr.slice(-500)}`);
  return m[1] === "-inf" ? -Infinity : Number(m[1]);
}

/** Milliseconds of non-silent audio: total minus what silencedetect reports as silence. */
export function nonSilentMs(file: string): number {
  const res = spawnSync(ffmpegPath(), ["-hide_banner", "-nostats", "-i", file, "-af", "silencedetect=noise=-50dB:d=0.2", "-f", "null", "-"], {
    encoding: "utf8",
  });
  const silent = [...res.stderr.matchAll(/silence_duration: ([\d.]+)/g)].reduce((n, m) => n + Number(m[1]) * 1000, 0);
  // A silence still open at the end of the file has no silence_duration line.
  const openStart = /silence_start: ([\d.]+)(?![\s\S]*silence_end)/.exec(res.stderr);
  const total = decodedMs(file);
  return total - silent - (openStart ? total - Number(openStart[1]) * 1000 : 0);
}
