// Airs a whole month through the production code on an injected clock, fast: the real
// planner materialises each day, and each airing is played by the real playout handler
// (worker/playout.ts: render, file sink at FILE_SINK_SPEED, as-run writes), called directly
// instead of through BullMQ so no test waits for real air times. The clock (OffsetClock)
// jumps to just before each session; faults are made the way they happen in production:
// a late start (missed), an operator's cancel, a broken output, an emergency that pre-empts
// a session, an operator stopping an emergency on air.
import fs from "node:fs";
import path from "node:path";
import type { Job } from "bullmq";
import { OffsetClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner, type Planner } from "../../server/planner.ts";
import { createEmergencies, type Emergencies } from "../../server/emergencies.ts";
import { createStorage, sha256File } from "../../server/storage.ts";
import { airDir } from "../../server/zones.ts";
import { createPlayoutChannels } from "../../worker/channels.ts";
import type { PlayoutChannels } from "../../server/playout-channels.ts";
import { createPlayoutHandler } from "../../worker/playout.ts";
import { createRenderHandler, loadRenderInput, saveRender } from "../../worker/render.ts";
import { renderHashOf } from "../../server/render-hash.ts";
import { createIngestHandler } from "../../worker/ingest.ts";
import { ingestJob } from "../../server/jobs/ingest-revision.ts";
import { createTtsRegistry } from "../../audio/tts.ts";
import { createEspeakNgProvider } from "../../audio/tts-espeak.ts";
import type { JobContext } from "../../worker/index.ts";
import { createTestEnv, type TestEnv } from "./env.ts";
import { makeTone } from "./media.ts";

export interface CanonicalClip {
  rel: string; // path relative to DATA_DIR
  abs: string;
  sha256: string;
  sizeBytes: number;
  durationMs: number;
}

/** Canonical broadcast files made once by the production ingest (tone → normalised MP3). */
export async function makeCanonicalClips(seconds: number[]): Promise<{ clips: CanonicalClip[]; cleanup(): Promise<void> }> {
  const env = await createTestEnv({ withRoutes: false });
  const storage = createStorage(env.config.dataDir);
  const ingest = createIngestHandler({ db: env.db, storage, config: env.config, events: env.events, logger: silentLogger, tts: createTtsRegistry([createEspeakNgProvider()]) });
  const clips: CanonicalClip[] = [];
  for (const [i, s] of seconds.entries()) {
    const tmp = await makeTone(storage.tmpPath(".wav"), s, 330 + i * 110);
    const sha = await sha256File(tmp);
    const rel = storage.commitOriginal(tmp, sha, ".wav");
    const asset = await env.db.audioAsset.create({ data: { kind: "original", sha256: sha, path: rel, sizeBytes: fs.statSync(storage.abs(rel)).size } });
    const item = await env.db.item.create({ data: { title: `clip ${s}`, kind: "audio", originalAssetId: asset.id } });
    await ingest(ingestJob(item, sha, env.config).data, ctx());
    const done = await env.db.item.findUniqueOrThrow({ where: { id: item.id }, include: { canonicalAsset: true } });
    if (done.status !== "ready" || !done.canonicalAsset) throw new Error(`ingest of a ${s} s tone failed: ${done.statusReason}`);
    const a = done.canonicalAsset;
    clips.push({ rel: a.path, abs: storage.abs(a.path), sha256: a.sha256, sizeBytes: a.sizeBytes, durationMs: done.durationMs });
  }
  return { clips, cleanup: () => env.cleanup() };
}

function ctx(signal = new AbortController().signal): JobContext {
  return { job: { id: "test" } as unknown as Job, signal, workerId: "month-test", progress: async () => {} };
}

export interface MonthHarness {
  env: TestEnv;
  clock: OffsetClock;
  planner: Planner;
  emergencies: Emergencies;
  channels: PlayoutChannels;
  /** An audio item backed by a canonical clip (a copy of the file, its own asset row). */
  item(title: string, clip: CanonicalClip, extra?: { priority?: string; categoryId?: number | null; sourceRef?: string }): Promise<number>;
  /** Plays airings through the production playout handler, concurrently (one zone each). */
  play(airingIds: number[], opts?: { slow?: boolean; during?: (airingId: number) => Promise<void> }): Promise<void>;
  /**
   * Renders ahead, as the render job does: the first airing through the production render
   * handler, the others with the same run-down saved from a copy of its file (saveRender),
   * so every session with one run-down costs one ffmpeg run. Returns how many were rendered.
   */
  prerender(airingIds: number[]): Promise<number>;
  /** Breaks (or repairs) a zone's output: its directory becomes a path under a regular file. */
  breakOutput(zoneId: number, broken: boolean): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createMonthHarness(start: string | Date | number, opts: { env?: Record<string, string>; replanAfterAiring?: boolean } = {}): Promise<MonthHarness> {
  const clock = new OffsetClock(start);
  const env = await createTestEnv({ clock, env: { PLAN_HORIZON_HOURS: "30", PLAYOUT_PREROLL_SECONDS: "2", RENDER_LEAD_MINUTES: "1", LATE_GRACE_MINUTES: "10", FILE_SINK_SPEED: "1000", SESSION_TTL_HOURS: "2160", ...opts.env } });
  const storage = createStorage(env.config.dataDir);
  const channels = createPlayoutChannels({ db: env.db, config: env.config, events: env.events, logger: silentLogger, workerId: "month-test", clock, channel: `${env.config.QUEUE_PREFIX}-control` });
  const planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
  const emergencies = createEmergencies({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events, planner, channels });
  const base = { db: env.db, storage, events: env.events, logger: silentLogger, clock, channels, workerId: "month-test" };
  // As in worker/handlers.ts: when an airing ends the horizon is re-planned (make-goods).
  const onAiringEnded = opts.replanAfterAiring === false ? undefined : async () => void (await planner.replan());
  const fast = createPlayoutHandler({ ...base, config: env.config, onAiringEnded });
  // Sessions an emergency or an operator will cut need to last long enough to be cut.
  const slow = createPlayoutHandler({ ...base, config: { ...env.config, FILE_SINK_SPEED: 4 }, onAiringEnded });
  // One render per distinct run-down for the whole run, as a day's repeat of a session would.
  const rendered = new Map<string, { file: string; lines: Map<number, number>; durationMs: number }>();
  const brokenDir = path.join(airDir(env.config.dataDir), "broken");
  fs.mkdirSync(path.dirname(brokenDir), { recursive: true });
  fs.writeFileSync(brokenDir, "a file where the output directory should be");

  return {
    env, clock, planner, emergencies, channels,
    async item(title, clip, extra = {}) {
      fs.mkdirSync(path.dirname(storage.abs(clip.rel)), { recursive: true });
      if (!fs.existsSync(storage.abs(clip.rel))) fs.copyFileSync(clip.abs, storage.abs(clip.rel));
      const asset = await env.db.audioAsset.upsert({
        where: { kind_sha256: { kind: "canonical", sha256: clip.sha256 } }, update: {},
        create: { kind: "canonical", sha256: clip.sha256, path: clip.rel, sizeBytes: clip.sizeBytes, durationMs: clip.durationMs, codec: "mp3", sampleRate: 44100, channels: 1 },
      });
      const it = await env.db.item.create({ data: { title, kind: "audio", status: "ready", durationMs: clip.durationMs, canonicalAssetId: asset.id, priority: extra.priority ?? "normal", categoryId: extra.categoryId ?? null, sourceRef: extra.sourceRef ?? "" } });
      return it.id;
    },
    async play(ids, o = {}) {
      const handler = o.slow ? slow : fast;
      await Promise.all(ids.map(async (id) => {
        const run = handler({ airingId: id }, ctx());
        if (o.during) await o.during(id);
        await run.catch(() => undefined); // a failed output is recorded by the handler itself
      }));
    },
    async prerender(ids) {
      const render = createRenderHandler({ db: env.db, storage, config: env.config, events: env.events, logger: silentLogger });
      let n = 0;
      for (const id of ids) {
        const input = await loadRenderInput(env.db, id);
        if (!input) continue;
        const hash = renderHashOf(input.lines, input.program?.gapMs ?? 1000, input.maxDurationMs);
        let first = rendered.get(hash);
        if (!first || !fs.existsSync(first.file)) {
          await render({ airingId: id, hash }, ctx());
          const done = await env.db.airing.findUniqueOrThrow({ where: { id }, include: { renderAsset: true, lines: { orderBy: { position: "asc" } } } });
          if (!done.renderAsset) continue;
          first = { file: storage.abs(done.renderAsset.path), lines: new Map(done.lines.map((l) => [l.position, l.offsetMs])), durationMs: done.renderAsset.durationMs };
          rendered.set(hash, first);
        } else {
          const tmp = storage.tmpPath(".mp3");
          fs.copyFileSync(first.file, tmp);
          const lines = input.lines.map((l) => ({ lineId: l.id, offsetMs: first!.lines.get(l.position) ?? l.offsetMs, durationMs: l.durationMs }));
          await saveRender({ db: env.db, storage, config: env.config, events: env.events, logger: silentLogger }, id, hash, tmp, lines, first.durationMs);
        }
        n++;
      }
      return n;
    },
    async breakOutput(zoneId, broken) {
      await env.db.zone.update({ where: { id: zoneId }, data: { outputConfig: JSON.stringify({ dir: broken ? "broken/zone" : `zone-${zoneId}` }) } });
    },
    async cleanup() {
      await channels.close();
      await env.cleanup();
    },
  };
}

/** Waits until the airing has put its first item on air (its first as-run row exists). */
export async function onAir(env: TestEnv, airingId: number, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await env.db.asRun.count({ where: { airingId } })) return;
    const a = await env.db.airing.findUnique({ where: { id: airingId }, select: { status: true } });
    if (a && !["planned", "ready", "airing"].includes(a.status)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`airing ${airingId} never went on air`);
}
