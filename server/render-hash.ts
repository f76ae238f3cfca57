// The render hash: what identifies a rendered broadcast file. The planner computes it to
// know whether an airing's render is current; the render job keys the file by it, so every
// airing (zone, day) with the same run-down shares one file.
import { createHash } from "node:crypto";

/** What the render hash reads of a line (the planner computes it in bulk from the same fields). */
export type RenderHashLine = { reason: string; item: { kind: string; durationMs: number; canonicalAsset: { sha256: string } | null } };

/** Hash of everything that shapes the rendered file; unchanged inputs reuse the file. */
export function renderHashOf(lines: readonly RenderHashLine[], gapMs: number, maxDurationMs: number): string {
  const h = createHash("sha256").update(`${gapMs}|${maxDurationMs}`);
  for (const l of lines) h.update(`|${l.reason}:${l.item.kind}:${l.item.kind === "relay" ? `${l.item.durationMs}` : l.item.canonicalAsset?.sha256 ?? "missing"}`);
  return h.digest("hex").slice(0, 16);
}
