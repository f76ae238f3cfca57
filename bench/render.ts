// bench:render — a 30-minute session of 20 items rendered two ways in one run:
//  (a) the pipeline: items ingested once to canonical MP3, the session joined by
//      concat-demuxer stream copy (audio/render.ts);
//  (b) naive: one ffmpeg command over the same sources (concat filter +
//      loudnorm + MP3 encode), as a system without an ingest step would do.
// Also reports ingest throughput (× realtime per core). The LAST line printed is
// the JSON result. Sources are generated once with ffmpeg and cached in
// <tmp>/loaxa-bench-sources-v2 (delete it to regenerate).
//
// Run: npx tsx bench/render.ts   (npm script suggestion: "bench:render")
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { runFfmpeg } from "../audio/ffmpeg.ts";
import { measureLoudness } from "../audio/loudness.ts";
import { normaliseToCanonical, type NormaliseResult } from "../audio/normalise.ts";
import { probe } from "../audio/probe.ts";
import { renderSession } from "../audio/render.ts";
import { ensureSilence } from "../audio/silence.ts";

const ITEMS = 20;
const ITEM_SECONDS = 90;
const GAP_MS = 1000;
const SESSION_MS = 1_800_000;

interface SourceKind {
  ext: string;
  /** lavfi source at a given gain (dB). */
  graph: (seconds: number, gainDb: number, seed: number) => string;
  args: string[];
}

// Speech-like: pink noise with a syllable-rate envelope; music-like: tones over noise.
const speech = (rate: number, layout: string) => (s: number, g: number, seed: number) =>
  `anoisesrc=d=${s}:c=pink:a=0.5:r=${rate}:seed=${seed},volume='0.15+0.85*abs(sin(2*PI*2.3*t))*(0.6+0.4*sin(2*PI*0.21*t))':eval=frame,volume=${g}dB,aformat=channel_layouts=${layout}`;
const music = (rate: number) => (s: number, g: number, seed: number) =>
  `sine=f=220:r=${rate}:d=${s}[a];sine=f=330:r=${rate}:d=${s}[b];anoisesrc=d=${s}:c=pink:a=0.1:r=${rate}:seed=${seed}[c];` +
  `[a][b][c]amix=inputs=3,volume=${g}dB,aformat=channel_layouts=stereo`;

const KINDS: SourceKind[] = [
  { ext: "wav", graph: speech(44100, "mono"), args: ["-c:a", "pcm_s16le"] }, // recorder WAV
  { ext: "mp3", graph: music(48000), args: ["-c:a", "libmp3lame", "-b:a", "192k"] }, // stereo MP3 with ID3/Xing
  { ext: "wav", graph: speech(22050, "mono"), args: ["-c:a", "pcm_s16le"] }, // TTS-like
  { ext: "flac", graph: speech(48000, "stereo"), args: ["-c:a", "flac"] },
  { ext: "m4a", graph: speech(44100, "stereo"), args: ["-c:a", "aac", "-b:a", "128k"] }, // phone recording
];

function sourcesDir(): string {
  const dir = join(tmpdir(), "loaxa-bench-sources-v2");
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function pool<T, R>(items: T[], size: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

async function makeSources(cores: number): Promise<string[]> {
  const dir = sourcesDir();
  return pool(Array.from({ length: ITEMS }, (_, i) => i), cores, async (i) => {
    const kind = KINDS[i % KINDS.length]!;
    const path = join(dir, `item-${String(i).padStart(2, "0")}.${kind.ext}`);
    if (existsSync(path)) return path;
    const gainDb = -6 + ((i * 7) % 25); // spread from about −34 to −8 LUFS
    const tmp = `${path}.part.${kind.ext}`;
    await runFfmpeg(["-nostdin", "-v", "error", "-y", "-filter_complex", kind.graph(ITEM_SECONDS, gainDb, i + 1), ...kind.args, tmp], { timeoutMs: 300_000 });
    renameSync(tmp, path);
    return path;
  });
}

function naiveArgs(sources: string[], output: string): string[] {
  const inputs: string[] = [];
  const labels: string[] = [];
  const chains: string[] = [];
  sources.forEach((s, i) => {
    inputs.push("-i", s);
    chains.push(`[${i}:a]aresample=44100,aformat=sample_fmts=fltp:channel_layouts=mono[s${i}]`);
    labels.push(`[s${i}]`);
    if (i < sources.length - 1) labels.push(`[g${i}]`);
  });
  sources.slice(1).forEach((_, i) => {
    inputs.push("-f", "lavfi", "-t", String(GAP_MS / 1000), "-i", "anullsrc=r=44100:cl=mono");
    chains.push(`[${sources.length + i}:a]aformat=sample_fmts=fltp:channel_layouts=mono[g${i}]`);
  });
  const graph = `${chains.join(";")};${labels.join("")}concat=n=${labels.length}:v=0:a=1,loudnorm=I=-16:TP=-1.5:LRA=11,aresample=44100[out]`;
  return [
    "-nostdin", "-hide_banner", "-v", "error", "-y", ...inputs, "-filter_complex", graph, "-map", "[out]",
    "-ac", "1", "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3", output,
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const cores = availableParallelism();
  const work = mkdtempSync(join(tmpdir(), "loaxa-bench-render-"));
  try {
    let t = performance.now();
    const sources = await makeSources(cores);
    console.log(`sources ready in ${Math.round(performance.now() - t)} ms: ${sources.length} × ${ITEM_SECONDS} s (${KINDS.map((k) => k.ext).join("/")})`);

    // Ingest with one job per core, as the worker pool would.
    const canonDir = join(work, "canonical");
    mkdirSync(canonDir);
    t = performance.now();
    const ingested: NormaliseResult[] = await pool(sources, cores, (s, i) => normaliseToCanonical(s, join(canonDir, `item-${i}.mp3`), { tmpDir: work }));
    const ingestMs = performance.now() - t;
    const sourceMs = ingested.reduce((n, r) => n + r.input.decodedMs, 0);
    const ingestX = sourceMs / ingestMs / cores;
    for (const [i, r] of ingested.entries()) {
      console.log(
        `ingest item ${i}: ${r.input.probe.codec} ${r.input.probe.sampleRate} Hz ${r.input.probe.channels} ch ` +
          `${r.input.loudness.integratedLufs.toFixed(1)} → ${r.loudness.integratedLufs.toFixed(1)} LUFS, TP ${r.loudness.truePeakDbtp.toFixed(1)} dBTP, passes ${r.encodePasses}`,
      );
    }
    console.log(`ingest: ${Math.round(ingestMs)} ms for ${(sourceMs / 60000).toFixed(1)} min on ${cores} cores = ${ingestX.toFixed(1)}× realtime per core`);

    // (a) pipeline. The gap silence is a one-off cache fill, not part of a render.
    const silenceDir = join(work, "silence");
    await ensureSilence(GAP_MS, { cacheDir: silenceDir });
    const items = ingested.map((_, i) => join(canonDir, `item-${i}.mp3`));
    const runs: number[] = [];
    let rendered = { durationMs: 0, path: "" };
    for (let k = 0; k < 5; k++) {
      const out = join(work, `session-${k}.mp3`);
      t = performance.now();
      rendered = await renderSession({ items, gapMs: GAP_MS }, out, { silenceDir, tmpDir: work });
      runs.push(performance.now() - t);
    }
    const pipelineMs = median(runs);
    const p = await probe(rendered.path);
    console.log(`pipeline render runs (ms): ${runs.map((r) => r.toFixed(1)).join(", ")}; median ${pipelineMs.toFixed(1)} ms; output ${(p.durationMs / 60000).toFixed(2)} min ${p.codec} ${p.sampleRate} Hz ${p.channels} ch`);

    // For reference: the same render joined in-process (byte-identical output).
    const bytesRuns: number[] = [];
    for (let k = 0; k < 5; k++) {
      t = performance.now();
      await renderSession({ items, gapMs: GAP_MS }, join(work, `session-bytes-${k}.mp3`), { silenceDir, tmpDir: work, join: "bytes" });
      bytesRuns.push(performance.now() - t);
    }
    console.log(`pipeline render with join "bytes" (ms): ${bytesRuns.map((r) => r.toFixed(1)).join(", ")}; median ${median(bytesRuns).toFixed(1)} ms`);

    // (b) naive single command over the same sources.
    const naiveOut = join(work, "naive.mp3");
    t = performance.now();
    await runFfmpeg(naiveArgs(sources, naiveOut), { timeoutMs: 30 * 60_000 });
    const naiveMs = performance.now() - t;
    const [ln, lp] = await Promise.all([measureLoudness(naiveOut), measureLoudness(rendered.path)]);
    console.log(`naive render: ${Math.round(naiveMs)} ms; output ${((await probe(naiveOut)).durationMs / 60000).toFixed(2)} min, ${ln.integratedLufs} LUFS (pipeline output ${lp.integratedLufs} LUFS)`);

    const result = {
      pipeline_ms: Number(pipelineMs.toFixed(1)),
      naive_ms: Math.round(naiveMs),
      ratio: Number((naiveMs / pipelineMs).toFixed(1)),
      realtime_x: Math.round(SESSION_MS / pipelineMs),
      ingest_realtime_x_per_core: Number(ingestX.toFixed(1)),
    };
    console.log(JSON.stringify(result));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
