// Render: builds one broadcast file per airing from the canonical item files by stream
// copy, cached by a hash of its inputs, so a session is ready long before air time.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../server/config.ts";
import type { Db } from "../server/db/client.ts";
import type { EventHub } from "../server/events.ts";
import type { Logger } from "../server/logger.ts";
import { sha256File, type Storage } from "../server/storage.ts";
import { renderSession, type RenderResult } from "../audio/render.ts";
import { ensureSilence } from "../audio/silence.ts";
import type { JobCatalogue } from "./catalogue.ts";
import type { JobContext } from "./index.ts";

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

/** Hash of everything that shapes the rendered file; unchanged inputs reuse the file. */
export function renderHashOf(lines: readonly LineForRender[], gapMs: number, maxDurationMs: number): string {
  const h = createHash("sha256").update(`${gapMs}|${maxDurationMs}`);
  for (const l of lines) h.update(`|${l.reason}:${l.item.kind}:${l.item.kind === "relay" ? `${l.item.durationMs}` : l.item.canonicalAsset?.sha256 ?? "missing"}`);
  return h.digest("hex").slice(0, 16);
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

/** Writes a rendered file into place and records it on the airing in one transaction. */
export async function saveRender(deps: RenderDeps, airingId: number, hash: string, tmpOut: string, lines: RenderedLine[], durationMs: number): Promise<boolean> {
  const { db, storage } = deps;
  const rel = path.join("renders", `airing-${airingId}-${hash}.mp3`);
  const sha = await sha256File(tmpOut);
  const size = fs.statSync(tmpOut).size;
  storage.commitFile(tmpOut, rel);
  const saved = await db.$transaction(async (tx) => {
    const fresh = await tx.airing.findUnique({ where: { id: airingId } });
    if (!fresh || !RENDERABLE.includes(fresh.status) && fresh.status !== "airing") return false;
    const asset = await tx.audioAsset.upsert({
      where: { kind_sha256: { kind: "render", sha256: sha } },
      update: { path: rel },
      create: { kind: "render", sha256: sha, path: rel, sizeBytes: size, durationMs: Math.round(durationMs), codec: "mp3", sampleRate: 44100, channels: 1 },
    });
    for (const l of lines) await tx.rundownLine.update({ where: { id: l.lineId }, data: { offsetMs: Math.round(l.offsetMs), durationMs: Math.round(l.durationMs) } });
    await tx.airing.update({ where: { id: airingId }, data: { renderHash: hash, renderAssetId: asset.id, status: fresh.status === "planned" ? "ready" : fresh.status } });
    return true;
  });
  // Nobody will use a render whose airing went away meanwhile.
  if (!saved) fs.rmSync(storage.abs(rel), { force: true });
  return saved;
}

export function createRenderHandler(deps: RenderDeps) {
  return async (data: JobCatalogue["render"], ctx: JobContext) => {
    const airing = await loadRenderInput(deps.db, data.airingId);
    if (!airing || !RENDERABLE.includes(airing.status)) return { skipped: "airing gone or no longer renderable" };
    if (airing.lines.length === 0) return { skipped: "empty run-down" };
    const hash = renderHashOf(airing.lines, airing.program?.gapMs ?? 1000, airing.maxDurationMs);
    if (hash !== data.hash) return { skipped: "stale render request" };
    if (airing.renderHash === hash && airing.renderAssetId) return { cached: true };
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
