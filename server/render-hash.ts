// The render hash: what identifies a rendered broadcast file. The planner computes it to
// know whether an airing's render is current; the render job keys the file by it, so every
// airing (zone, day) with the same run-down shares one file.
import { hash } from "node:crypto";

/** What the render hash reads of a line (the planner computes it in bulk from the same fields). */
export type RenderHashLine = { reason: string; item: { kind: string; durationMs: number; canonicalAsset: { sha256: string } | null } };

/** Hash of everything that shapes the rendered file; unchanged inputs reuse the file. */
export function renderHashOf(lines: readonly RenderHashLine[], gapMs: number, maxDurationMs: number): string {
  // One string, hashed at once: the same digest as updating line by line, at a fraction of
  // the cost (the planner hashes hundreds of run-downs per pass).
  let text = `${gapMs}|${maxDurationMs}`;
  for (const l of lines) text += `|${l.reason}:${l.item.kind}:${l.item.kind === "relay" ? `${l.item.durationMs}` : l.item.canonicalAsset?.sha256 ?? "missing"}`;
  return hash("sha256", text, "hex").slice(0, 16);
}
