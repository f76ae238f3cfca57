// What an airing still has to air, and the timeline of segments that airs it.
//
// RESUME RULE (crash, kill, shutdown or an emergency cutting a session mid-way): the session
// goes on from the START of the item that was cut — commune practice: a news item is re-read
// whole, never picked up mid-sentence. The one exception follows the definition of a play
// (server/domain/plays.ts): an item cut after PARTIAL_PLAY_FRACTION of it had aired already
// counts as a play, so it is not aired again and the session goes on with the next item.
// Either way an item counts once: the cut row (less than the fraction) is not a play, its
// re-air is.
//
// TIMELINE: each item's segment is exactly its audio [offset, offset + duration] in the
// session render, so its as-run row ends when its audio ends; the gap before the next item
// airs as its own segment that is not logged.
import { isPlay } from "../server/domain/plays.ts";

export interface LineLike {
  id: number;
  offsetMs: number;
  durationMs: number;
}

export interface AsRunLike {
  rundownLineId: number | null;
  status: string;
  durationMs: number;
  plannedMs: number;
}

/** Lines not yet aired, in air order (see the rule above). */
export function linesToAir<L extends LineLike>(lines: readonly L[], asRuns: readonly AsRunLike[]): L[] {
  const done = new Set<number>();
  for (const r of asRuns) {
    if (r.rundownLineId == null) continue;
    const cut = r.status === "interrupted" || r.status === "playing";
    // completed, skipped (a refused relay) and failed lines went out or were tried once.
    if (!cut || isPlay({ status: "interrupted", durationMs: r.durationMs, plannedMs: r.plannedMs })) done.add(r.rundownLineId);
  }
  return placed(lines).filter((l) => !done.has(l.id));
}

const placed = <L extends LineLike>(lines: readonly L[]) => lines.filter((l) => l.durationMs > 0).sort((a, b) => a.offsetMs - b.offsetMs);

export interface TimelineStep<L> {
  /** null: the gap after an item (airs, not logged). */
  line: L | null;
  startMs: number;
  endMs: number;
}

/**
 * The segments that air `toAir` from the session render: each item's audio, then the gap
 * the program puts after it (taken from the full run-down) when another item follows.
 */
export function timeline<L extends LineLike>(all: readonly L[], toAir: readonly L[]): TimelineStep<L>[] {
  const order = placed(all);
  const steps: TimelineStep<L>[] = [];
  for (const [i, l] of toAir.entries()) {
    const end = l.offsetMs + l.durationMs;
    steps.push({ line: l, startMs: l.offsetMs, endMs: end });
    if (i === toAir.length - 1) break;
    const next = order[order.indexOf(l) + 1];
    if (next && next.offsetMs > end) steps.push({ line: null, startMs: end, endMs: next.offsetMs });
  }
  return steps;
}
