// Pieces of a multi-process installation that the process tests share: one DATA_DIR and
// queue prefix for every process (removed again, with the prefix's Redis keys), and a
// program of short canonical clips placed in that DATA_DIR as the ingest would leave them.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { Db } from "../../server/db/client.ts";
import { makeCanonicalClips } from "./air-month.ts";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A fresh DATA_DIR and queue prefix; `cleanups` gets what removes both. */
export function sharedDir(label: string, cleanups: (() => Promise<void>)[]): { dir: string; prefix: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `loaxa-${label}-`));
  const prefix = `t-${label}-${randomBytes(4).toString("hex")}`;
  cleanups.push(async () => {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir, prefix };
}

/** Ready items of tones of `seconds` in `dir` and a program of them, in that order. */
export async function clipProgram(db: Db, dir: string, seconds: number[], cleanups: (() => Promise<void>)[]): Promise<{ itemIds: number[]; programId: number }> {
  const clips = await makeCanonicalClips(seconds);
  cleanups.push(() => clips.cleanup());
  const itemIds: number[] = [];
  for (const [i, clip] of clips.clips.entries()) {
    fs.mkdirSync(path.dirname(path.join(dir, clip.rel)), { recursive: true });
    fs.copyFileSync(clip.abs, path.join(dir, clip.rel));
    const asset = await db.audioAsset.create({ data: { kind: "canonical", sha256: clip.sha256, path: clip.rel, sizeBytes: clip.sizeBytes, durationMs: clip.durationMs, codec: "mp3", sampleRate: 44100, channels: 1 } });
    itemIds.push((await db.item.create({ data: { title: `Tin ${i}`, kind: "audio", status: "ready", durationMs: clip.durationMs, canonicalAssetId: asset.id } })).id);
  }
  const program = await db.program.create({ data: { name: "Bản tin", gapMs: 200, entries: { create: itemIds.map((itemId, position) => ({ itemId, position })) } } });
  return { itemIds, programId: program.id };
}
