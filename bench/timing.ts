// Airing start lateness: airs N short sessions through preparePlayout + startAt, each on
// its own file sink, scheduled at staggered instants (overlapping ones run concurrently,
// as zones do), and prints start lateness (actual − scheduled) as JSON on the last line.
//   npm run bench:timing [-- --n 100 --gap 150 --clip 300 --prepare 1000]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ffmpegPath } from "../audio/ffmpeg.ts";
import { preparePlayout } from "../audio/player.ts";
import { createSink } from "../audio/sinks/index.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "100" },
    gap: { type: "string", default: "150" }, // ms between scheduled starts
    clip: { type: "string", default: "300" }, // ms of audio per session
    prepare: { type: "string", default: "1000" }, // ms before air time the job picks the session up
  },
});
const n = Number(values.n);
const gapMs = Number(values.gap);
const clipMs = Number(values.clip);
const prepareMs = Number(values.prepare);

function percentile(sorted: number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (x: number) => Math.round(x * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-bench-timing-"));
try {
  const clip = path.join(dir, "clip.mp3");
  execFileSync(ffmpegPath(), [
    "-hide_banner", "-v", "error", "-f", "lavfi", "-i", `sine=frequency=440:duration=${clipMs / 1000}`,
    "-ac", "1", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", clip,
  ]);

  const base = Date.now() + prepareMs + 500;
  const runs = Array.from({ length: n }, async (_, i) => {
    const scheduled = base + i * gapMs;
    await sleep(scheduled - prepareMs - Date.now());
    const playout = await preparePlayout({
      segments: [{ kind: "file", path: clip, tag: i }],
      sink: createSink({ kind: "file", dir: path.join(dir, "aired") }, { fileName: `session-${i}.mp3` }),
    });
    const res = await playout.startAt(scheduled);
    if (res.outcome !== "completed" || res.latenessMs === null) throw new Error(`session ${i}: ${res.outcome} ${res.reason}`);
    return { lateness: res.latenessMs, bytes: res.sink?.bytesWritten ?? 0 };
  });
  const results = await Promise.all(runs);
  const lateness = results.map((r) => r.lateness).sort((a, b) => a - b);
  const concurrent = Math.ceil(clipMs / gapMs);
  console.log(
    `aired ${n} sessions of ${clipMs} ms every ${gapMs} ms (up to ${concurrent} at once), prepared ${prepareMs} ms ahead; ` +
      `min ${round(lateness[0]!)} ms, mean ${round(lateness.reduce((a, b) => a + b, 0) / n)} ms, ` +
      `${results.filter((r) => r.bytes > 0).length}/${n} sink files written`,
  );
  console.log(JSON.stringify({ n, p50_ms: round(percentile(lateness, 50)), p99_ms: round(percentile(lateness, 99)), max_ms: round(lateness.at(-1)!) }));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
