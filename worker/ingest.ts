// Ingest: turns an uploaded file or a TTS text into the item's canonical broadcast file
// (trimmed, loudness-normalised, canonical MP3) and records duration and loudness.
import fs from "node:fs";
import path from "node:path";
import { UnrecoverableError } from "bullmq";
import type { Config } from "../server/config.ts";
import type { Db } from "../server/db/client.ts";
import type { EventHub } from "../server/events.ts";
import type { Logger } from "../server/logger.ts";
import { sha256File, type Storage } from "../server/storage.ts";
import { normaliseToCanonical } from "../audio/normalise.ts";
import { AudioInputError } from "../audio/errors.ts";
import { splitVoiceId, synthesizeWithFallback, TtsError, type TtsRegistry } from "../audio/tts.ts";
import { FfmpegError } from "../audio/ffmpeg.ts";
import type { JobHandler } from "../server/jobs/catalogue.ts";
import { ingestRevision } from "../server/jobs/ingest-revision.ts";
import type { JobContext } from "./index.ts";

export interface IngestDeps {
  db: Db;
  storage: Storage;
  config: Config;
  events: EventHub;
  logger: Logger;
  tts: TtsRegistry;
  onReady?: (itemId: number) => Promise<void>;
}

export function createIngestHandler(deps: IngestDeps): JobHandler<"ingest", JobContext> {
  const { db, storage, config, events, logger } = deps;
  return async (data, ctx) => {
    const item = await db.item.findUnique({ where: { id: data.itemId }, include: { originalAsset: true } });
    if (!item || item.archived || item.kind === "relay") return { skipped: "item gone, archived or a relay" };
    if (ingestRevision(item, item.originalAsset?.sha256 ?? null, config) !== data.revision) return { skipped: "stale revision" };

    let lastPct = -1;
    const progress = async (pct: number) => {
      const p = Math.max(0, Math.min(99, Math.round(pct)));
      if (p - lastPct < 5) return;
      lastPct = p;
      await db.item.updateMany({ where: { id: item.id }, data: { progress: p } });
      events.publish("item.progress", { itemId: item.id, progress: p });
      await ctx.progress(p);
    };
    await db.item.update({ where: { id: item.id }, data: { status: "processing", statusReason: "", progress: 1 } });
    events.publish("item.status", { itemId: item.id, status: "processing" });

    const temps: string[] = [];
    let note = "";
    try {
      let source: string;
      if (item.kind === "tts") {
        // WAV from espeak-ng, MP3 from a cloud voice: ffmpeg reads either by its content.
        source = storage.tmpPath(".speech");
        temps.push(source);
        const { provider, voice } = splitVoiceId(item.ttsVoice ?? config.TTS_DEFAULT_VOICE);
        const spoken = await synthesizeWithFallback(
          deps.tts,
          { text: item.ttsText ?? "", provider, voice, rate: item.ttsRate ? item.ttsRate / 100 : undefined },
          { outPath: source, tmpDir: storage.tmpDir, timeoutMs: 10 * 60_000, signal: ctx.signal },
          { provider: "espeak-ng", voice: splitVoiceId(config.TTS_DEFAULT_VOICE).voice },
        );
        // The item airs with the offline voice, and says why (shown in the library).
        if (spoken.fallback) note = `Đọc bằng giọng dự phòng espeak-ng vì ${spoken.fallback.messageVi} / Spoken by the espeak-ng fallback: ${spoken.fallback.messageEn}`;
        await progress(40);
      } else {
        if (!item.originalAsset) throw new UnrecoverableError("item has no original file");
        source = storage.abs(item.originalAsset.path);
      }
      const out = storage.tmpPath(".mp3");
      temps.push(out);
      const res = await normaliseToCanonical(source, out, {
        targetLufs: config.LOUDNESS_TARGET_LUFS,
        truePeakCeilingDbtp: config.TRUE_PEAK_MAX_DBTP,
        maxDurationMs: config.ITEM_MAX_MINUTES * 60_000,
        // An emergency goes on air within seconds (server/emergency-text.ts): one encode pass
        // after the gain and limiter are tuned, no correction pass (~1 s saved on 500 chars).
        ...(item.priority === "emergency" ? { maxCorrections: 0 } : {}),
        tmpDir: storage.tmpDir,
        signal: ctx.signal,
        logger: { debug: (m) => logger.debug(m), warn: (m) => logger.warn(m) },
        onProgress: (p) => void progress((item.kind === "tts" ? 40 : 0) + (p.percent ?? 0) * (item.kind === "tts" ? 0.6 : 1)),
      });
      const sha = await sha256File(out);
      const rel = path.join("canonical", sha.slice(0, 2), `${sha}.mp3`);
      const size = fs.statSync(out).size;
      if (fs.existsSync(storage.abs(rel))) fs.rmSync(out);
      else storage.commitFile(out, rel);

      const saved = await db.$transaction(async (tx) => {
        // Re-check inside the transaction: the text may have been edited meanwhile.
        const fresh = await tx.item.findUnique({ where: { id: item.id }, include: { originalAsset: true } });
        if (!fresh || ingestRevision(fresh, fresh.originalAsset?.sha256 ?? null, config) !== data.revision) return false;
        const asset = await tx.audioAsset.upsert({
          where: { kind_sha256: { kind: "canonical", sha256: sha } },
          update: {},
          create: { kind: "canonical", sha256: sha, path: rel, sizeBytes: size, durationMs: Math.round(res.durationMs), codec: res.codec, sampleRate: res.sampleRate, channels: res.channels, loudnessI: res.loudness.integratedLufs, truePeak: res.loudness.truePeakDbtp, lra: res.loudness.lraLu },
        });
        await tx.item.update({ where: { id: item.id }, data: { status: "ready", statusReason: note, progress: 100, durationMs: Math.round(res.durationMs), canonicalAssetId: asset.id } });
        return true;
      });
      if (!saved) return { skipped: "superseded while processing" };
      events.publish("item.status", { itemId: item.id, status: "ready" });
      await deps.onReady?.(item.id);
      return { durationMs: res.durationMs, loudness: res.loudness };
    } catch (err) {
      const permanent = err instanceof AudioInputError || (err instanceof TtsError && err.permanent);
      const final = permanent || ctx.job.attemptsMade + 1 >= (ctx.job.opts.attempts ?? 1);
      if (final) {
        const reason =
          err instanceof AudioInputError || err instanceof TtsError
            ? `${err.messageVi} / ${err.messageEn}`
            : `Xử lý âm thanh thất bại / Audio processing failed: ${err instanceof FfmpegError ? err.message.split("\n")[0] : (err as Error).message}`;
        await db.item.updateMany({ where: { id: item.id }, data: { status: "failed", statusReason: reason.slice(0, 1000), progress: 0 } });
        events.publish("item.status", { itemId: item.id, status: "failed", reason });
      }
      if (permanent) throw new UnrecoverableError((err as Error).message);
      throw err;
    } finally {
      for (const t of temps) fs.rmSync(t, { force: true });
    }
  };
}
