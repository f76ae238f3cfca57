// A program's arrangement under content approval. While a change waits for a leader (or was
// rejected), sessions air the last approved arrangement, and the entries the change adds
// are listed as withheld lines with the reason; a program never approved airs none of its
// own entries (campaign insertions, approved on their own, still air). So a session that can
// still air does, and nothing a leader has not seen goes out. Pure.
import type { ProgramSpec } from "./rundown.ts";

/**
 * What a leader approves: the content and its order, stored as JSON in
 * Program.approvedVersion. The gap between lines is timing, not content: not part of it.
 */
export interface ProgramVersion {
  introItemId: number | null;
  outroItemId: number | null;
  entries: { itemId: number; position: number }[];
}

export function versionOf(p: { introItemId?: number | null; outroItemId?: number | null; entries: readonly { itemId: number; position: number }[] }): ProgramVersion {
  return {
    introItemId: p.introItemId ?? null,
    outroItemId: p.outroItemId ?? null,
    entries: [...p.entries].sort((a, b) => a.position - b.position).map((e) => ({ itemId: e.itemId, position: e.position })),
  };
}

/** Same arrangement: a save that changes nothing of it needs no new approval. */
export const sameVersion = (a: ProgramVersion, b: ProgramVersion) => JSON.stringify(a) === JSON.stringify(b);

export function parseVersion(json: string | null | undefined): ProgramVersion | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as ProgramVersion;
    return Array.isArray(v.entries) ? v : null;
  } catch {
    return null;
  }
}

/**
 * The program as a session airs it. `approval` and `approvedVersion` are the program row's;
 * `required` is whether the commune uses approval.
 */
export function programAsAired(p: ProgramSpec & { approval?: string | null; approvedVersion?: string | null }, required: boolean): ProgramSpec {
  const { approval, approvedVersion, ...spec } = p;
  if (!required || !approval || approval === "approved") return spec;
  const why = approval === "rejected" ? "rejected" : "pending";
  const current = versionOf(spec);
  const approved = parseVersion(approvedVersion);
  const currentIds = [current.introItemId, ...current.entries.map((e) => e.itemId), current.outroItemId].filter((x): x is number => x != null);
  if (!approved) return { ...spec, introItemId: null, outroItemId: null, entries: [], held: { why, itemIds: currentIds } };
  const approvedIds = new Set([approved.introItemId, ...approved.entries.map((e) => e.itemId), approved.outroItemId]);
  return { ...spec, ...approved, held: { why, itemIds: currentIds.filter((id) => !approvedIds.has(id)) } };
}
