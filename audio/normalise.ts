// Ingest conversion: any input → one canonical broadcast file (audio/canonical.ts)
// at a target loudness (default −16 LUFS integrated, true peak ≤ −1.5 dBTP).
//
// Passes (one analysis + one encode, plus a cheap verification scan):
//  1. analysis: decode → 44.1 kHz mono → silencedetect + ebur128 (~800× realtime)
//     gives head/tail silence, integrated loudness, true peak and decoded length;
//  2. encode: same prep → atrim(head/tail) → linear gain → (alimiter when the
//     predicted peak is too hot) → libmp3lame canonical, into a temp file;
//  3. verify: ebur128 on the encoded file (what airs is what we report). If the
//     limiter or the MP3 encoder moved the result out of tolerance, re-encode
//     with a corrected gain/limit (at most `maxCorrections` times; rare).
// The temp file is renamed over `output` only on success.
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CANONICAL, canonicalEncoderArgs, ENCODER_LEVEL_LOSS_DB, inspectCanonical } from "./canonical.ts";
import { AudioInputError } from "./errors.ts";
import { defaultTimeoutFor, FfmpegError, fileUrl, runFfmpeg, type AudioOpOptions, type RunOptions } from "./ffmpeg.ts";
import { EBUR128_FILTER, measureLoudness, parseEbur128Summary, parseIntegratedLufs, type Loudness } from "./loudness.ts";
import { probeAudio, type ProbeResult } from "./probe.ts";

export interface NormaliseOptions extends AudioOpOptions {
  targetLufs?: number;
  truePeakCeilingDbtp?: number;
  trimSilence?: boolean;
  /** Level below which audio counts as silence, dBFS. Default −50. */
  silenceThresholdDb?: number;
  /** Shortest silence worth trimming. Default 300 ms. */
  silenceMinMs?: number;
  /** Silence kept before the first sound / after the last. Defaults 100 / 200 ms. */
  keepHeadMs?: number;
  keepTailMs?: number;
  /** Reject content (after trimming) shorter / longer than this. */
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Re-encode when the output misses the target by more than this. Default 0.5 LU. */
  toleranceLu?: number;
  maxCorrections?: number;
}

export interface NormaliseResult {
  durationMs: number;
  frames: number;
  /** Measured on the OUTPUT file. */
  loudness: Loudness;
  codec: string;
  sampleRate: number;
  channels: number;
  gainDb: number;
  limiterDb: number | null;
  encodePasses: number;
  input: { probe: ProbeResult; loudness: Loudness; decodedMs: number; trimStartMs: number; trimEndMs: number };
}

const DEFAULTS = {
  targetLufs: -16,
  truePeakCeilingDbtp: -1.5,
  silenceThresholdDb: -50,
  silenceMinMs: 300,
  keepHeadMs: 100,
  keepTailMs: 200,
  minDurationMs: 500,
  toleranceLu: 0.5,
  maxCorrections: 2,
};

/** MP3 encoding overshoots sample peaks; keep this much headroom before limiting. */
export const ENCODER_OVERSHOOT_DB = 1.0;
/** Limiter ceiling below the true-peak ceiling (sample-peak limiter + MP3 overshoot). */
export const LIMITER_MARGIN_DB = 1.5;

/** Decode prep shared by analysis and encode so the gain applies to what was measured. */
export const PREP_FILTER = `aresample=${CANONICAL.sampleRate},aformat=channel_layouts=mono,asetpts=N/SR/TB`;

/** Decoding stops this far past the longest allowed item: enough to tell it is too long. */
export const ANALYSIS_OVERRUN_MS = 2000;

export function buildAnalysisArgs(input: string, o: { silenceThresholdDb: number; silenceMinMs: number; maxDurationMs?: number }): string[] {
  const filter = `${PREP_FILTER},silencedetect=n=${o.silenceThresholdDb}dB:d=${o.silenceMinMs / 1000},${EBUR128_FILTER}`;
  // A file whose headers understate its length (a "bitrate liar": probes as minutes,
  // decodes as hours) is read only up to the item limit, never in full.
  const cap = o.maxDurationMs !== undefined ? ["-t", ((o.maxDurationMs + ANALYSIS_OVERRUN_MS) / 1000).toFixed(3)] : [];
  return ["-nostdin", "-hide_banner", "-v", "info", "-nostats", ...cap, "-i", fileUrl(input), "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", filter, "-f", "null", "-"];
}

export interface EncodePlan {
  startSample: number;
  endSample: number;
  gainDb: number;
  /** Sample-peak limit in dBFS, or null for no limiter. */
  limiterDb: number | null;
}

/** Gain/limiter chain applied after the shared prep. Pure. */
export function encodeFilter(plan: EncodePlan): string {
  const parts = [PREP_FILTER, `atrim=start_sample=${plan.startSample}:end_sample=${plan.endSample}`, "asetpts=N/SR/TB", `volume=${plan.gainDb.toFixed(2)}dB`];
  if (plan.limiterDb !== null) {
    const limit = Math.min(1, Math.max(0.0625, 10 ** (plan.limiterDb / 20)));
    parts.push(`alimiter=limit=${limit.toFixed(4)}:level=0:attack=5:release=50`);
  }
  return parts.join(",");
}

export function buildNormaliseArgs(input: string, output: string, plan: EncodePlan): string[] {
  return ["-nostdin", "-hide_banner", "-v", "error", "-y", "-i", fileUrl(input), "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", encodeFilter(plan), ...canonicalEncoderArgs(), fileUrl(output)];
}

/** Measure what the limiter leaves of the loudness, without encoding (~5× cheaper). */
export function buildLimiterCheckArgs(input: string, plan: EncodePlan): string[] {
  return ["-nostdin", "-hide_banner", "-v", "info", "-nostats", "-i", fileUrl(input), "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", `${encodeFilter(plan)},ebur128=framelog=verbose`, "-f", "null", "-"];
}

export interface Silence {
  startMs: number;
  endMs?: number;
}

/** silencedetect lines → silence periods (ms). Pure. */
export function parseSilencedetect(lines: readonly string[]): Silence[] {
  const out: Silence[] = [];
  for (const l of lines) {
    const s = /silence_start:\s*(-?[\d.]+)/.exec(l);
    if (s) out.push({ startMs: Math.max(0, Number(s[1]) * 1000) });
    const e = /silence_end:\s*([\d.]+)/.exec(l);
    const last = out.at(-1);
    if (e && last && last.endMs === undefined) last.endMs = Number(e[1]) * 1000;
  }
  return out;
}

/** Where content starts and ends, or null when it is silence throughout. Pure. */
export function computeTrim(
  silences: readonly Silence[],
  totalMs: number,
  o: { keepHeadMs: number; keepTailMs: number },
): { startMs: number; endMs: number } | null {
  const eps = 5;
  let startMs = 0;
  let endMs = totalMs;
  const first = silences[0];
  if (first && first.startMs <= eps) {
    if (first.endMs === undefined || first.endMs >= totalMs - eps) return null;
    startMs = Math.max(0, first.endMs - o.keepHeadMs);
  }
  const last = silences.at(-1);
  if (last && last.startMs > startMs && (last.endMs === undefined || last.endMs >= totalMs - eps)) {
    endMs = Math.min(totalMs, last.startMs + o.keepTailMs);
  }
  return endMs > startMs ? { startMs, endMs } : null;
}

/** Gain and limiter for a measurement. Pure. */
export function planGain(m: Loudness, targetLufs: number, ceilingDbtp: number): { gainDb: number; limiterDb: number | null } {
  const gainDb = targetLufs - m.integratedLufs + ENCODER_LEVEL_LOSS_DB;
  const predictedPeak = m.truePeakDbtp + gainDb;
  const limiterDb = predictedPeak > ceilingDbtp - ENCODER_OVERSHOOT_DB ? ceilingDbtp - LIMITER_MARGIN_DB : null;
  return { gainDb, limiterDb };
}

interface Analysis {
  loudness: Loudness;
  decodedMs: number;
  silences: Silence[];
}

const DECODER_MISSING = /Decoder \(codec ([^)]*)\) not found/;

async function analyse(input: string, o: typeof DEFAULTS & { maxDurationMs?: number }, run: RunOptions): Promise<Analysis> {
  const silenceLines: string[] = [];
  let decodedMs = 0;
  try {
    const { stderr } = await runFfmpeg(buildAnalysisArgs(input, o), {
      ...run,
      onStderrLine: (l) => {
        if (l.includes("silence_")) silenceLines.push(l);
      },
      onProgress: (p) => {
        decodedMs = Math.max(decodedMs, p.outTimeMs);
        run.onProgress?.(p);
      },
    });
    if (decodedMs === 0) throw new AudioInputError("CORRUPT");
    return { loudness: parseEbur128Summary(stderr), decodedMs, silences: parseSilencedetect(silenceLines) };
  } catch (e) {
    if (e instanceof FfmpegError && !e.timedOut && !e.aborted) {
      const missing = DECODER_MISSING.exec(e.stderr);
      if (missing) throw new AudioInputError("UNSUPPORTED_CODEC", { codec: missing[1]! }, { cause: e });
      if (/Invalid data found|could not find codec|Header missing/i.test(e.stderr)) throw new AudioInputError("CORRUPT", {}, { cause: e });
    }
    throw e;
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Convert `input` to the canonical format at the target loudness, written to `output`. */
export async function normaliseToCanonical(input: string, output: string, options: NormaliseOptions = {}): Promise<NormaliseResult> {
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const baseRun: RunOptions = { ...(options.logger ? { logger: options.logger } : {}), ...(options.signal ? { signal: options.signal } : {}) };

  const info = await probeAudio(input, { ...baseRun, timeoutMs: 30_000 });
  if (options.maxDurationMs !== undefined && info.durationMs > options.maxDurationMs + 1000) {
    throw new AudioInputError("TOO_LONG", { seconds: seconds(info.durationMs), max: seconds(options.maxDurationMs) });
  }
  const timeoutMs = options.timeoutMs ?? defaultTimeoutFor(info.durationMs);
  const stage = (from: number, span: number, durationMs: number): RunOptions => ({
    ...baseRun,
    timeoutMs,
    onProgress: (p) =>
      options.onProgress?.({ outTimeMs: p.outTimeMs, percent: from + span * Math.min(1, durationMs > 0 ? p.outTimeMs / durationMs : 0) }),
  });

  const a = await analyse(input, o, stage(0, 15, info.durationMs));
  // A declared length (Xing header, WAV header, container) far beyond what decodes: cut-off upload.
  if (!info.durationEstimated && info.durationMs > 0 && a.decodedMs < info.durationMs * 0.9 && info.durationMs - a.decodedMs > 500) {
    throw new AudioInputError("TRUNCATED", { decoded: seconds(a.decodedMs), declared: seconds(info.durationMs) });
  }
  const trim = o.trimSilence === false ? { startMs: 0, endMs: a.decodedMs } : computeTrim(a.silences, a.decodedMs, o);
  if (!trim || a.loudness.integratedLufs <= -69.5 || !Number.isFinite(a.loudness.truePeakDbtp)) throw new AudioInputError("SILENT");
  const contentMs = trim.endMs - trim.startMs;
  if (contentMs < o.minDurationMs) throw new AudioInputError("TOO_SHORT", { seconds: seconds(contentMs), min: seconds(o.minDurationMs) });
  if (options.maxDurationMs !== undefined && contentMs > options.maxDurationMs) {
    throw new AudioInputError("TOO_LONG", { seconds: seconds(contentMs), max: seconds(options.maxDurationMs) });
  }

  const sr = CANONICAL.sampleRate;
  let plan: EncodePlan = {
    startSample: Math.round((trim.startMs * sr) / 1000),
    endSample: Math.round((trim.endMs * sr) / 1000),
    ...planGain(a.loudness, o.targetLufs, o.truePeakCeilingDbtp),
  };
  if (plan.limiterDb !== null) plan = await tuneLimitedGain(input, plan, o.targetLufs, { ...baseRun, timeoutMs }, options);
  await mkdir(dirname(output), { recursive: true });
  const tmp = join(dirname(output), `.${basename(output)}.${process.pid}.${randomBytes(4).toString("hex")}.part`);
  try {
    let out: Loudness | undefined;
    let prev: { gainDb: number; out: Loudness } | undefined;
    let passes = 0;
    for (;;) {
      passes++;
      options.logger?.debug(`normalise ${input}: pass ${passes} gain ${plan.gainDb.toFixed(2)} dB limiter ${plan.limiterDb ?? "off"}`);
      await runFfmpeg(buildNormaliseArgs(input, tmp, plan), stage(15, 80, contentMs));
      out = await measureLoudness(tmp, { ...baseRun, timeoutMs });
      // Heavy limiting turns extra gain into almost no loudness: stop instead of looping.
      const futile = prev && Math.abs(out.integratedLufs - prev.out.integratedLufs) < 0.3 * Math.abs(plan.gainDb - prev.gainDb);
      const peakOver = out.truePeakDbtp > o.truePeakCeilingDbtp;
      const next = correctPlan(plan, out, a.loudness, o);
      if (!next || passes > o.maxCorrections || (futile && !peakOver)) {
        if (peakOver) options.logger?.warn(`normalise ${input}: true peak ${out.truePeakDbtp} dBTP above ${o.truePeakCeilingDbtp} after ${passes} passes`);
        break;
      }
      prev = { gainDb: plan.gainDb, out };
      plan = next;
    }
    const canon = await inspectCanonical(tmp);
    await rename(tmp, output);
    options.onProgress?.({ outTimeMs: canon.durationMs, percent: 100 });
    return {
      durationMs: Math.round(canon.durationMs),
      frames: canon.frames,
      loudness: out,
      codec: CANONICAL.codec,
      sampleRate: CANONICAL.sampleRate,
      channels: CANONICAL.channels,
      gainDb: plan.gainDb,
      limiterDb: plan.limiterDb,
      encodePasses: passes,
      input: { probe: info, loudness: a.loudness, decodedMs: a.decodedMs, trimStartMs: trim.startMs, trimEndMs: trim.endMs },
    };
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Limiting lowers loudness by an amount only a measurement can tell. Measure the
 * limited signal (no encode) and nudge the gain, at most twice, so the one
 * encode that follows lands on target.
 */
async function tuneLimitedGain(input: string, plan: EncodePlan, targetLufs: number, run: RunOptions, options: NormaliseOptions): Promise<EncodePlan> {
  const want = targetLufs + ENCODER_LEVEL_LOSS_DB; // pre-encode level
  let prev: { gainDb: number; lufs: number } | undefined;
  for (let i = 0; i < 2; i++) {
    const { stderr } = await runFfmpeg(buildLimiterCheckArgs(input, plan), run);
    const lufs = parseIntegratedLufs(stderr);
    const miss = want - lufs;
    options.logger?.debug(`normalise ${input}: limited gain ${plan.gainDb.toFixed(2)} dB gives ${lufs} LUFS`);
    if (Math.abs(miss) <= 0.2) break;
    if (prev && Math.abs(lufs - prev.lufs) < 0.3 * Math.abs(plan.gainDb - prev.gainDb)) break; // limiter eats the gain
    prev = { gainDb: plan.gainDb, lufs };
    plan = { ...plan, gainDb: plan.gainDb + miss };
  }
  return plan;
}

/** A corrected plan when the output misses the target, else null. Pure. */
export function correctPlan(
  plan: EncodePlan,
  out: Loudness,
  input: Loudness,
  o: { targetLufs: number; truePeakCeilingDbtp: number; toleranceLu: number },
): EncodePlan | null {
  const peakOver = out.truePeakDbtp - o.truePeakCeilingDbtp;
  const miss = o.targetLufs - out.integratedLufs;
  if (peakOver <= 0 && Math.abs(miss) <= o.toleranceLu) return null;
  const gainDb = plan.gainDb + miss;
  let limiterDb = plan.limiterDb;
  if (peakOver > 0) limiterDb = (limiterDb ?? o.truePeakCeilingDbtp - LIMITER_MARGIN_DB) - peakOver - 0.3;
  else if (limiterDb === null && input.truePeakDbtp + gainDb > o.truePeakCeilingDbtp - ENCODER_OVERSHOOT_DB) {
    limiterDb = o.truePeakCeilingDbtp - LIMITER_MARGIN_DB;
  }
  return { ...plan, gainDb, limiterDb };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
