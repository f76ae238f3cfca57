// Render: builds the broadcast file of a run-down from the canonical item files by stream
// copy, ahead of air time. The file is keyed by a hash of its inputs (renderHashOf), so
// every airing with the same run-down (10 zones of one session, the same program on
// another day) shares one file; housekeeping deletes it once no airing points to it.
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../server/config.ts";
import { isUniqueViolation, type Db } from "../server/db/client.ts";
import type { EventHub } from "../server/events.ts";
import type { Logger } from "../server/logger.ts";
import { sha256File, type Storage } from "../server/storage.ts";
import { renderSession, type RenderResult } from "../audio/render.ts";
import { ensureSilence } from "../audio/silence.ts";
import { alertWithheld } from "../server/approval.ts";
import type { JobHandler } from "../server/jobs/catalogue.ts";
import type { JobContext } from "./index.ts";
import { renderHashOf } from "../server/render-hash.ts";

export interface RenderDeps {
  db: Db;
  storage: Storage;
  config: Config;
  events: EventHub;
  logger: Logger;
}

const RENDERABLE = ["planned", "ready"];

type LineForRender = {
  id: number;
  position: number;
  reason: string;
  durationMs: number;
  item: { id: number; kind: string; durationMs: number; relayUrl: string | null; canonicalAsset: { sha256: string; path: string } | null };
};

export async function loadRenderInput(db: Db, airingId: number) {
  return db.airing.findUnique({
    where: { id: airingId },
    include: {
      program: { select: { gapMs: true } },
      lines: {
        where: { bumped: false },
        orderBy: { position: "asc" },
        include: { item: { select: { id: true, kind: true, durationMs: true, relayUrl: true, canonicalAsset: { select: { sha256: true, path: true } } } } },
      },
    },
  });
}

export interface RenderedLine {
  lineId: number;
  offsetMs: number;
  durationMs: number;
}

/** Renders the airing's run-down into `output`; returns per-line offsets in the file. */
export async function renderAiring(
  airing: NonNullable<Awaited<ReturnType<typeof loadRenderInput>>>,
  output: string,
  deps: RenderDeps,
  signal?: AbortSignal,
): Promise<{ result: RenderResult; lines: RenderedLine[] }> {
  const { storage } = deps;
  const silenceDir = path.join(deps.config.dataDir, "cache", "silence");
  const fileOf = async (l: LineForRender): Promise<string> => {
    if (l.item.kind === "relay") return (await ensureSilence(l.item.durationMs, { cacheDir: silenceDir, signal })).path;
    if (!l.item.canonicalAsset) throw new Error(`item ${l.item.id} has no canonical audio yet`);
    return storage.abs(l.item.canonicalAsset.path);
  };
  const intro = airing.lines.find((l) => l.reason === "intro");
  const outro = airing.lines.find((l) => l.reason === "outro");
  const body = airing.lines.filter((l) => l !== intro && l !== outro);
  const result = await renderSession(
    {
      intro: intro ? await fileOf(intro) : undefined,
      outro: outro ? await fileOf(outro) : undefined,
      items: await Promise.all(body.map(fileOf)),
      gapMs: airing.program?.gapMs ?? 1000,
      maxDurationMs: airing.maxDurationMs,
    },
    output,
    { tmpDir: storage.tmpDir, silenceDir, signal, logger: { debug: (m) => deps.logger.debug(m), warn: (m) => deps.logger.warn(m) } },
  );
  const lines: RenderedLine[] = [];
  const introSeg = result.segments.find((s) => s.kind === "intro");
  const outroSeg = result.segments.find((s) => s.kind === "outro");
  if (intro && introSeg) lines.push({ lineId: intro.id, offsetMs: introSeg.offsetMs, durationMs: introSeg.durationMs });
  body.forEach((l, i) => {
    const r = result.lines[i];
    if (r && r.status !== "dropped") lines.push({ lineId: l.id, offsetMs: r.offsetMs, durationMs: r.durationMs });
  });
  if (outro && outroSeg) lines.push({ lineId: outro.id, offsetMs: outroSeg.offsetMs, durationMs: outroSeg.durationMs });
  lines.sort((a, b) => a.offsetMs - b.offsetMs);
  return { result, lines };
}

/** Where a line of the run-down sits in a render: [index among the aired lines, offsetMs, durationMs]. */
type LayoutEntry = [number, number, number];

type AssetForLink = { id: number; path: string; layout: string };

/**
 * The render shared by every airing (zone, day) whose run-down has this hash, when its
 * file is still there; null otherwise (then the caller renders).
 */
export async function findSharedRender(deps: Pick<RenderDeps, "db" | "storage">, hash: string): Promise<AssetForLink | null> {
  const asset = await deps.db.audioAsset.findUnique({ where: { renderKey: hash }, select: { id: true, path: true, layout: true } });
  return asset && fs.existsSync(deps.storage.abs(asset.path)) ? asset : null;
}

/**
 * Points the airing at a render and writes its lines' offsets, in one transaction that
 * re-checks the airing (still renderable, same run-down). False when the airing moved on.
 */
async function linkRender(db: Db, airingId: number, hash: string, asset: AssetForLink, layout: LayoutEntry[]): Promise<boolean> {
  // The first statement writes, so on SQLite the transaction holds the write lock from its
  // start (a read first would fail "database is locked" beside another process's writer).
  return db.$transaction(async (tx) => {
    const claimed = await tx.airing.updateMany({ where: { id: airingId, status: { in: [...RENDERABLE, "airing"] } }, data: { renderHash: hash, renderAssetId: asset.id } });
    if (claimed.count !== 1) return false;
    await tx.airing.updateMany({ where: { id: airingId, status: "planned" }, data: { status: "ready" } });
    const lines = await tx.rundownLine.findMany({ where: { airingId, bumped: false }, orderBy: { position: "asc" }, select: { id: true } });
    for (const [index, offsetMs, durationMs] of layout) {
      const line = lines[index];
      if (line) await tx.rundownLine.update({ where: { id: line.id }, data: { offsetMs, durationMs } });
    }
    return true;
  });
}

/** Uses the shared render of this run-down, if there is one; true when the airing now has it. */
export async function useSharedRender(deps: Pick<RenderDeps, "db" | "storage">, airingId: number, hash: string): Promise<boolean> {
  const asset = await findSharedRender(deps, hash);
  if (!asset) return false;
  return linkRender(deps.db, airingId, hash, asset, JSON.parse(asset.layout || "[]") as LayoutEntry[]);
}

/**
 * Stores a rendered file as THE render of its run-down hash (renders/<hash>-<sha>.mp3)
 * and records it on the airing in one transaction. If another worker stored a render of
 * the same hash meanwhile, that one is kept and this file is dropped: one file per
 * run-down, shared by every zone and day that airs it.
 */
export async function saveRender(deps: RenderDeps, airingId: number, hash: string, tmpOut: string, lines: RenderedLine[], durationMs: number): Promise<boolean> {
  const { db, storage } = deps;
  const order = (await db.rundownLine.findMany({ where: { airingId, bumped: false }, orderBy: { position: "asc" }, select: { id: true } })).map((l) => l.id);
  const layout: LayoutEntry[] = lines
    .map((l): LayoutEntry => [order.indexOf(l.lineId), Math.round(l.offsetMs), Math.round(l.durationMs)])
    .filter(([i]) => i >= 0);
  const shared = await findSharedRender(deps, hash);
  if (shared) {
    fs.rmSync(tmpOut, { force: true });
    return linkRender(db, airingId, hash, shared, layout);
  }
  const sha = await sha256File(tmpOut);
  const size = fs.statSync(tmpOut).size;
  const rel = path.join("renders", `${hash}-${sha.slice(0, 12)}.mp3`);
  storage.commitFile(tmpOut, rel);
  const asset = await recordRender(db, storage, { hash, sha, rel, size, layout, durationMs });
  if (asset.path !== rel) fs.rmSync(storage.abs(rel), { force: true });
  const saved = await linkRender(db, airingId, hash, asset, layout);
  // Nobody uses a render whose airing went away meanwhile: housekeeping removes it once
  // no airing points to it (another airing may already share it).
  return saved;
}

/**
 * The asset row of a stored render: created, or (when another worker stored the same
 * run-down, or identical audio, first) the existing one. Single statements, no
 * read-then-write transaction, so concurrent workers on SQLite do not collide.
 */
async function recordRender(db: Db, storage: Storage, r: { hash: string; sha: string; rel: string; size: number; layout: LayoutEntry[]; durationMs: number }) {
  const layout = JSON.stringify(r.layout);
  for (let attempt = 0; ; attempt++) {
    const byKey = await db.audioAsset.findUnique({ where: { renderKey: r.hash } });
    if (byKey && fs.existsSync(storage.abs(byKey.path))) return byKey; // stored by another worker meanwhile
    if (byKey) return db.audioAsset.update({ where: { id: byKey.id }, data: { path: r.rel, sha256: r.sha, sizeBytes: r.size, layout } });
    // Identical audio from another run-down hash (e.g. a longer limit that cuts nothing): same file.
    const bySha = await db.audioAsset.findUnique({ where: { kind_sha256: { kind: "render", sha256: r.sha } } });
    if (bySha) return bySha;
    try {
      return await db.audioAsset.create({
        data: { kind: "render", sha256: r.sha, renderKey: r.hash, layout, path: r.rel, sizeBytes: r.size, durationMs: Math.round(r.durationMs), codec: "mp3", sampleRate: 44100, channels: 1 },
      });
    } catch (err) {
      // Created by another worker between the look-up and the insert: take that one.
      if (!isUniqueViolation(err) || attempt > 2) throw err;
    }
  }
}

export function createRenderHandler(deps: RenderDeps): JobHandler<"render", JobContext> {
  return async (data, ctx) => {
    const airing = await loadRenderInput(deps.db, data.airingId);
    if (!airing || !RENDERABLE.includes(airing.status)) return { skipped: "airing gone or no longer renderable" };
    // Content withheld for want of approval airs without it, and says so (server/approval.ts).
    await alertWithheld({ db: deps.db, events: deps.events, logger: deps.logger }, airing.id);
    if (airing.lines.length === 0) return { skipped: "empty run-down" };
    const hash = renderHashOf(airing.lines, airing.program?.gapMs ?? 1000, airing.maxDurationMs);
    if (hash !== data.hash) return { skipped: "stale render request" };
    if (airing.renderHash === hash && airing.renderAssetId) return { cached: true };
    // Another zone or day with the same run-down was rendered already: share its file.
    if (await useSharedRender(deps, airing.id, hash)) {
      deps.events.publish("airing.rendered", { airingId: airing.id, shared: true });
      return { shared: true };
    }
    const tmpOut = deps.storage.tmpPath(".mp3");
    try {
      const { result, lines } = await renderAiring(airing, tmpOut, deps, ctx.signal);
      const saved = await saveRender(deps, airing.id, hash, tmpOut, lines, result.durationMs);
      if (saved) deps.events.publish("airing.rendered", { airingId: airing.id, durationMs: result.durationMs });
      return { durationMs: result.durationMs, truncated: result.truncated };
    } finally {
      fs.rmSync(tmpOut, { force: true });
    }
  };
}
