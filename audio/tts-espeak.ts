// Offline Vietnamese TTS through Debian's espeak-ng (voices vi, vi-vn-x-central,
// vi-vn-x-south). Text is normalised (numbers, dates, abbreviations → words),
// split at sentence boundaries, each chunk spoken to a 22.05 kHz mono 16-bit WAV
// by its own espeak-ng child, and the PCM joined here with short pauses between
// sentences. Output: one PCM WAV (22 050 Hz, mono, s16le) at opts.outPath;
// ingest converts it to the canonical broadcast format like any upload.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { normaliseVietnameseText } from "./textnorm-vi.ts";
import { backgroundCommand, runInBackground } from "./ffmpeg.ts";
import {
  TtsError,
  splitTextForTts,
  type TtsBreak,
  type TtsProvider,
  type TtsRequest,
  type TtsSynthesizeOptions,
  type TtsVoice,
} from "./tts.ts";

export const ESPEAK_VOICES: readonly TtsVoice[] = [
  { id: "vi", labelVi: "Giọng miền Bắc (espeak-ng)", labelEn: "Northern Vietnamese (espeak-ng)", region: "north" },
  { id: "vi-vn-x-central", labelVi: "Giọng miền Trung (espeak-ng)", labelEn: "Central Vietnamese (espeak-ng)", region: "central" },
  { id: "vi-vn-x-south", labelVi: "Giọng miền Nam (espeak-ng)", labelEn: "Southern Vietnamese (espeak-ng)", region: "south" },
];

export interface EspeakNgProviderOptions {
  /** Binary to run. Default: env.ESPEAK_NG_PATH, else "espeak-ng" on PATH. */
  binaryPath?: string;
  /** Environment to read ESPEAK_NG_PATH from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Text normaliser; default normaliseVietnameseText with the voice's region. false = none. */
  normalise?: false | ((text: string, voice: TtsVoice) => string);
  /** Longest chunk handed to one espeak-ng run (characters). Default 300. */
  maxChunkChars?: number;
  /** Longest accepted input text (characters). Default 100 000. */
  maxTextChars?: number;
  /** Pause inserted after each kind of chunk boundary (ms). */
  pausesMs?: Partial<Record<TtsBreak, number>>;
  /** espeak-ng children run at once. Default 2. */
  concurrency?: number;
  /** Default whole-request deadline when the caller gives none. Default 120 s. */
  defaultTimeoutMs?: number;
}

const DEFAULT_PAUSES: Record<TtsBreak, number> = { paragraph: 700, sentence: 400, clause: 250, word: 60 };
const BASE_WPM = 175; // espeak-ng's default speed
const BASE_PITCH = 50; // espeak-ng's default pitch (0–99)

export function createEspeakNgProvider(options: EspeakNgProviderOptions = {}): TtsProvider {
  const env = options.env ?? process.env;
  const bin = options.binaryPath ?? (env.ESPEAK_NG_PATH || "espeak-ng");
  const maxChunkChars = options.maxChunkChars ?? 300;
  const maxTextChars = options.maxTextChars ?? 100_000;
  const pauses = { ...DEFAULT_PAUSES, ...options.pausesMs };
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const normalise =
    options.normalise === false
      ? (t: string) => t
      : (options.normalise ?? ((t: string, v: TtsVoice) => normaliseVietnameseText(t, { region: v.region })));

  return {
    id: "espeak-ng",
    voices: () => ESPEAK_VOICES.map((v) => ({ ...v })),

    async available() {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(timeoutError(5000)), 5000);
      try {
        const { stdout } = await run(bin, ["--voices=vi"], ac.signal);
        if (!/\bvi\b/.test(stdout)) {
          return {
            ok: false,
            reason: `espeak-ng không có giọng tiếng Việt (cài gói espeak-ng-data) / espeak-ng has no Vietnamese voice (install espeak-ng-data)`,
          };
        }
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      } finally {
        clearTimeout(timer);
      }
    },

    async synthesize(req, opts) {
      const { voice, args } = voiceArgs(req);
      if (typeof req.text !== "string" || req.text.length > maxTextChars) {
        throw new TtsError(
          "TTS_BAD_INPUT",
          `Văn bản quá dài (tối đa ${maxTextChars} ký tự)`,
          `Text is too long (at most ${maxTextChars} characters)`,
        );
      }
      const chunks = splitTextForTts(normalise(req.text, voice), { maxChars: maxChunkChars });
      if (chunks.length === 0) {
        throw new TtsError("TTS_BAD_INPUT", "Văn bản không có nội dung để đọc", "The text has nothing to speak");
      }

      // One controller for the whole request: deadline or caller abort kills every child.
      const ac = new AbortController();
      const timeoutMs = opts.timeoutMs ?? options.defaultTimeoutMs ?? 120_000;
      const timer = setTimeout(() => ac.abort(timeoutError(timeoutMs)), timeoutMs);
      const onAbort = () => ac.abort(abortedError());
      if (opts.signal?.aborted) onAbort();
      opts.signal?.addEventListener("abort", onAbort, { once: true });

      await fs.mkdir(opts.tmpDir, { recursive: true });
      const work = await fs.mkdtemp(path.join(opts.tmpDir, "tts-espeak-"));
      try {
        const wavs = chunks.map((_, i) => path.join(work, `chunk-${String(i).padStart(5, "0")}.wav`));
        let done = 0;
        await mapLimit(chunks, concurrency, async (chunk, i) => {
          const txt = path.join(work, `chunk-${String(i).padStart(5, "0")}.txt`);
          await fs.writeFile(txt, chunk.text, "utf8");
          // -f file (not argv) so text starting with "-" is never read as an option;
          // -z drops espeak's own trailing pause, we add ours between chunks.
          await run(bin, [...args, "-z", "-b", "1", "-f", txt, "-w", wavs[i]!], ac.signal);
          opts.onProgress?.({ done: ++done, total: chunks.length });
        }, ac);
        const gaps = chunks.map((c, i) => (i === chunks.length - 1 ? 0 : pauses[c.breakAfter]));
        const durationMs = await joinWavFiles(wavs, gaps, opts.outPath);
        return { path: opts.outPath, durationMs };
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        await fs.rm(work, { recursive: true, force: true });
      }
    },
  };
}

function voiceArgs(req: TtsRequest): { voice: TtsVoice; args: string[] } {
  const voice = ESPEAK_VOICES.find((v) => v.id === (req.voice ?? "vi"));
  if (!voice) {
    throw new TtsError(
      "TTS_UNKNOWN_VOICE",
      `Không có giọng đọc "${req.voice}" (có: ${ESPEAK_VOICES.map((v) => v.id).join(", ")})`,
      `Unknown voice "${req.voice}" (available: ${ESPEAK_VOICES.map((v) => v.id).join(", ")})`,
    );
  }
  const rate = req.rate ?? 1;
  const pitch = req.pitch ?? 1;
  if (!Number.isFinite(rate) || rate < 0.5 || rate > 2) {
    throw new TtsError("TTS_BAD_INPUT", "Tốc độ đọc phải từ 0,5 đến 2", "Rate must be between 0.5 and 2");
  }
  if (!Number.isFinite(pitch) || pitch < 0.5 || pitch > 1.5) {
    throw new TtsError("TTS_BAD_INPUT", "Cao độ phải từ 0,5 đến 1,5", "Pitch must be between 0.5 and 1.5");
  }
  const wpm = Math.round(BASE_WPM * rate);
  const p = Math.min(99, Math.round(BASE_PITCH * pitch));
  return { voice, args: ["-v", voice.id, "-s", String(wpm), "-p", String(p)] };
}

const timeoutError = (ms: number) =>
  new TtsError("TTS_TIMEOUT", `Quá thời gian đọc văn bản (${ms} ms)`, `Text-to-speech timed out after ${ms} ms`);
const abortedError = () => new TtsError("TTS_ABORTED", "Đã hủy đọc văn bản", "Text-to-speech was cancelled");

/** Runs a child; on abort it SIGKILLs the child and rejects only once it has exited. */
function run(bin: string, args: string[], signal: AbortSignal): Promise<{ stdout: string; stderr: string }> {
  const command = [bin, ...args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(" ");
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const child = spawn(...backgroundCommand(bin, args), { stdio: ["ignore", "pipe", "pipe"] });
    runInBackground(child.pid);
    let stdout = "";
    let stderr = "";
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (stdout.length < 65_536) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 65_536) stderr += d;
    });
    const kill = () => child.kill("SIGKILL");
    signal.addEventListener("abort", kill, { once: true });
    child.on("error", (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.on("close", (code, sig) => {
      signal.removeEventListener("abort", kill);
      if (spawnError && ["ENOENT", "EACCES", "ENOTDIR"].includes(spawnError.code ?? "")) {
        return reject(
          new TtsError(
            "TTS_UNAVAILABLE",
            `Chưa cài đặt espeak-ng hoặc không chạy được "${bin}" (cài gói Debian espeak-ng hoặc đặt ESPEAK_NG_PATH); các chức năng khác vẫn hoạt động`,
            `espeak-ng is not installed or "${bin}" cannot be run (install the Debian espeak-ng package or set ESPEAK_NG_PATH); everything else still works`,
            { command, cause: spawnError },
          ),
        );
      }
      if (signal.aborted) return reject(signal.reason);
      if (spawnError || code !== 0) {
        return reject(
          new TtsError(
            "TTS_FAILED",
            `espeak-ng lỗi (mã ${code ?? sig}): ${stderr.trim().slice(0, 300)}`,
            `espeak-ng failed (exit ${code ?? sig}): ${stderr.trim().slice(0, 300)}`,
            { command, stderr, cause: spawnError },
          ),
        );
      }
      resolve({ stdout, stderr });
    });
  });
}

/** Runs fn over items, at most `limit` at once; the first failure aborts the rest. */
async function mapLimit<T>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<void>,
  ac: AbortController,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lane = async () => {
    while (next < items.length && failure === undefined) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (e) {
        if (failure === undefined) failure = ac.signal.aborted ? ac.signal.reason : e;
        if (!ac.signal.aborted) ac.abort(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) throw failure;
}

// ---- WAV (RIFF PCM) reading and joining ----

export interface WavInfo {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  dataOffset: number;
  dataBytes: number;
}

/** Parses a PCM WAV header. Tolerates streamed files whose sizes are placeholders. */
export function parseWav(buf: Buffer): WavInfo {
  const bad = (why: string) => new TtsError("TTS_FAILED", `Tệp WAV không hợp lệ: ${why}`, `Invalid WAV file: ${why}`);
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== "RIFF" || buf.toString("latin1", 8, 12) !== "WAVE") {
    throw bad("missing RIFF/WAVE header");
  }
  let fmt: Omit<WavInfo, "dataOffset" | "dataBytes"> | undefined;
  let pos = 12;
  while (pos + 8 <= buf.length) {
    const id = buf.toString("latin1", pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === "fmt ") {
      if (buf.readUInt16LE(body) !== 1) throw bad("not PCM");
      fmt = {
        channels: buf.readUInt16LE(body + 2),
        sampleRate: buf.readUInt32LE(body + 4),
        blockAlign: buf.readUInt16LE(body + 12),
        bitsPerSample: buf.readUInt16LE(body + 14),
      };
    } else if (id === "data") {
      if (!fmt) throw bad("data before fmt");
      const avail = buf.length - body;
      const bytes = Math.min(size, avail);
      return { ...fmt, dataOffset: body, dataBytes: bytes - (bytes % fmt.blockAlign) };
    }
    pos = body + size + (size % 2);
  }
  throw bad("no data chunk");
}

export function wavHeader(info: Omit<WavInfo, "dataOffset">): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "latin1");
  h.writeUInt32LE(36 + info.dataBytes, 4);
  h.write("WAVEfmt ", 8, "latin1");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(info.channels, 22);
  h.writeUInt32LE(info.sampleRate, 24);
  h.writeUInt32LE(info.sampleRate * info.blockAlign, 28);
  h.writeUInt16LE(info.blockAlign, 32);
  h.writeUInt16LE(info.bitsPerSample, 34);
  h.write("data", 36, "latin1");
  h.writeUInt32LE(info.dataBytes, 40);
  return h;
}

/**
 * Concatenates same-format PCM WAV files with `gapsMs[i]` of silence after file i,
 * into outPath via a temp file + rename (outPath never holds a partial file).
 * Streams one input at a time, so memory stays bounded. Returns the duration in ms.
 */
export async function joinWavFiles(inputs: string[], gapsMs: number[], outPath: string): Promise<number> {
  const partial = `${outPath}.${randomBytes(6).toString("hex")}.partial`;
  const fh = await fs.open(partial, "w");
  try {
    let format: WavInfo | undefined;
    let total = 0;
    await fh.write(Buffer.alloc(44), 0, 44, 0); // header written last, when sizes are known
    for (const [i, file] of inputs.entries()) {
      const buf = await fs.readFile(file);
      const info = parseWav(buf);
      if (!format) format = info;
      else if (
        info.sampleRate !== format.sampleRate ||
        info.channels !== format.channels ||
        info.bitsPerSample !== format.bitsPerSample
      ) {
        throw new TtsError("TTS_FAILED", "Các đoạn âm thanh khác định dạng", "Audio chunks differ in format");
      }
      await fh.write(buf, info.dataOffset, info.dataBytes, 44 + total);
      total += info.dataBytes;
      const gap = Math.round(((gapsMs[i] ?? 0) * format.sampleRate) / 1000) * format.blockAlign;
      if (gap > 0) {
        await fh.write(Buffer.alloc(gap, format.bitsPerSample === 8 ? 0x80 : 0), 0, gap, 44 + total); // 8-bit PCM silence is 0x80
        total += gap;
      }
    }
    if (!format) throw new TtsError("TTS_FAILED", "Không có âm thanh để ghép", "No audio to join");
    await fh.write(wavHeader({ ...format, dataBytes: total }), 0, 44, 0);
    await fh.close();
    await fs.rename(partial, outPath);
    return (total / (format.sampleRate * format.blockAlign)) * 1000;
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fs.rm(partial, { force: true });
    throw e;
  }
}
