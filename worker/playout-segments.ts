// What a playout attempt airs: the airing's render (made now if the ahead-of-time render is
// missing or stale), cut into the player's segments for what is left to air (worker/resume.ts).
// Each item is a slice of the render, each gap its own unlogged slice; a relay item streams
// its source with a silence file of its length as fallback, or is skipped (with the reason)
// when its host is not public any more.
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../server/config.ts";
import { assertPublicHost } from "../server/relay-url.ts";
import { renderHashOf } from "../server/render-hash.ts";
import type { PlayoutSegment } from "../audio/player.ts";
import { ensureSilence } from "../audio/silence.ts";
import { loadRenderInput, renderAiring, saveRender, type RenderDeps } from "./render.ts";
import { linesToAir, timeline, type TimelineStep } from "./resume.ts";
import type { Tag } from "./asrun.ts";

type RenderInput = NonNullable<Awaited<ReturnType<typeof loadRenderInput>>>;
/** What a segment reads of a run-down line. */
export type SegmentLine = { id: number; offsetMs: number; durationMs: number; campaignId: number | null; reason: string; item: { id: number; kind: string; relayUrl: string | null } };
/** What the as-run log snapshots of an item. */
export type ItemInfo = { categoryId: number | null; priority: string };

/** Renders if needed and builds the segments of what is left to air; null if nothing is. */
export async function preparedSegments(deps: RenderDeps, airingId: number, signal: AbortSignal): Promise<PlayoutSegment<Tag>[] | null> {
  const { db, config } = deps;
  const airing = await currentRender(deps, airingId, signal);
  if (signal.aborted) throw signal.reason;
  const render = await db.audioAsset.findUniqueOrThrow({ where: { id: airing.renderAssetId! } });
  const aired = await db.asRun.findMany({ where: { airingId }, select: { rundownLineId: true, status: true, durationMs: true, plannedMs: true } });
  const toAir = linesToAir(airing.lines, aired);
  if (!toAir.length) return null;
  const items = await db.item.findMany({ where: { id: { in: toAir.map((l) => l.item.id) } }, select: { id: true, categoryId: true, priority: true, kind: true } });
  const silenceDir = path.join(config.dataDir, "cache", "silence");
  return segmentsOf(timeline(airing.lines, toAir), {
    renderPath: deps.storage.abs(render.path),
    itemInfo: new Map(items.map((i) => [i.id, i])),
    relay: (line, tag) => relaySegment(config, silenceDir, line, tag),
  });
}

/** The airing's render input once its render is current: rendered now (stream copy: fast) if
 *  the ahead-of-time render did not happen or is stale. */
async function currentRender(deps: RenderDeps, airingId: number, signal: AbortSignal): Promise<RenderInput> {
  const airing = (await loadRenderInput(deps.db, airingId))!;
  const hash = renderHashOf(airing.lines, airing.program?.gapMs ?? 1000, airing.maxDurationMs);
  if (airing.renderHash === hash && airing.renderAssetId) return airing;
  const tmp = deps.storage.tmpPath(".mp3");
  try {
    const { result, lines } = await renderAiring(airing, tmp, deps, signal);
    await saveRender(deps, airing.id, hash, tmp, lines, result.durationMs);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return (await loadRenderInput(deps.db, airingId))!;
}

/**
 * The player's segments for a timeline: an item is its slice of the render, tagged for the
 * as-run log; a gap airs with the tag of the item before it (lineId -1: not logged); a
 * relay item is whatever `relay` makes of it.
 */
export async function segmentsOf<L extends SegmentLine>(
  steps: readonly TimelineStep<L>[],
  o: { renderPath: string; itemInfo: ReadonlyMap<number, ItemInfo>; relay(line: L, tag: Tag): Promise<PlayoutSegment<Tag>> },
): Promise<PlayoutSegment<Tag>[]> {
  const segments: PlayoutSegment<Tag>[] = [];
  let gapTag: Tag | null = null;
  for (const step of steps) {
    const l = step.line;
    if (!l) {
      segments.push({ kind: "file", path: o.renderPath, startMs: step.startMs, endMs: step.endMs, tag: gapTag! });
      continue;
    }
    const info = o.itemInfo.get(l.item.id);
    const tag: Tag = { lineId: l.id, itemId: l.item.id, campaignId: l.campaignId, reason: l.reason, categoryId: info?.categoryId ?? null, priority: info?.priority ?? "normal", kind: l.item.kind, offsetMs: l.offsetMs, durationMs: l.durationMs };
    gapTag = { ...tag, lineId: -1 };
    if (l.item.kind === "relay" && l.item.relayUrl) segments.push(await o.relay(l, tag));
    else segments.push({ kind: "file", path: o.renderPath, startMs: step.startMs, endMs: step.endMs, tag });
  }
  return segments;
}

/** A relay item: its stream, silence of its length as fallback; skipped if its host is refused now. */
async function relaySegment(config: Config, silenceDir: string, l: SegmentLine, tag: Tag): Promise<PlayoutSegment<Tag>> {
  const placeholder = (await ensureSilence(l.durationMs, { cacheDir: silenceDir })).path;
  // The host is checked again now: DNS may point somewhere else than when it was saved.
  const refused = await assertPublicHost(new URL(l.item.relayUrl!), config.RELAY_ALLOW_PRIVATE).then(
    () => null,
    (e: Error) => e.message,
  );
  if (refused) return { kind: "file", path: placeholder, tag: { ...tag, skip: refused } };
  return { kind: "relay", url: l.item.relayUrl!, durationMs: l.durationMs, fallbackPath: placeholder, tag };
}
