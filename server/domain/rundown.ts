// A session's run-down: intro, priority-level entries (Circular 39: played first, stable
// by program position), key-content insertions from the frequency engine, normal entries,
// outro. Lines are separated by the program's gap. When the lines exceed the session's
// maximum length, entries are bumped (kept in the run-down for the explanation, not
// aired) in this order, later entries first within each group:
//   normal non-key → priority non-key → normal key → priority key → outro → intro → insertions.
// "Key" entries are program entries whose item belongs to an active campaign for the zone.
// Items not approved while approval is on (ItemInfo.approved false) are WITHHELD: their lines
// stay in the run-down, last, with reason "unapproved" and the cause, and never air. So do
// the entries of a program whose arrangement waits for approval (ProgramSpec.held).
import { bumpedText, programWithheldText, withheldText, introText, keyProgramText, outroText, priorityText, programText, type Bilingual } from "./explain.ts";

export type ItemPriority = "normal" | "priority" | "emergency";

/** Structurally the Prisma Item row; only these fields are read. */
export interface ItemInfo {
  id: number;
  title?: string;
  durationMs: number;
  priority: string; // normal | priority | emergency
  validFrom?: string | null;
  validTo?: string | null;
  archived?: boolean;
  /** When given, only "ready" items are planned (the render needs the canonical file). */
  status?: string;
  /** False: not approved while approval is on (server/approval.ts withApproval): withheld. */
  approved?: boolean;
  approval?: string;
}

/** Structurally the Prisma Program row with `include: { entries: true }`. */
export interface ProgramSpec {
  id: number;
  name?: string;
  introItemId?: number | null;
  outroItemId?: number | null;
  gapMs: number;
  entries: readonly { itemId: number; position: number }[];
  /**
   * Content of the program itself that waits for a leader's approval (server/approval.ts
   * programAsAired): listed as withheld lines, never aired. `why` is the program's approval.
   */
  held?: { why: "pending" | "rejected"; itemIds: readonly number[] };
}

export type LineReason = "intro" | "program" | "priority" | "outro" | "campaign" | "make_good" | "bumped" | "unapproved";

/** Maps 1:1 onto RundownLine (minus airingId/id). Bumped lines come after the aired ones. */
export interface RundownLinePlan {
  position: number;
  itemId: number;
  reason: LineReason;
  reasonVi: string;
  reasonEn: string;
  campaignId: number | null;
  durationMs: number;
  offsetMs: number;
  bumped: boolean;
}

export interface KeyCampaignRef {
  id: number;
  name: string;
}

export interface BaseEntry {
  itemId: number;
  durationMs: number;
  /** Program position; -1 for intro, +∞-like for outro. */
  position: number;
  /** The campaign that makes this entry key content, if any. */
  key: KeyCampaignRef | null;
  /** Withheld because the program's arrangement is not approved (not the item). */
  programHeld?: "pending" | "rejected";
}

export interface BaseRundown {
  intro: BaseEntry | null;
  priority: BaseEntry[];
  normal: BaseEntry[];
  outro: BaseEntry | null;
  gapMs: number;
  /** Playable entries withheld for want of approval (listed, never aired). */
  withheld?: BaseEntry[];
}

export interface Insertion {
  itemId: number;
  durationMs: number;
  campaignId: number;
  reason: "campaign" | "make_good";
  reasonVi: string;
  reasonEn: string;
}

export function isItemPlayable(item: ItemInfo | undefined, localDate: string): item is ItemInfo {
  if (!item || item.archived) return false;
  if (item.status !== undefined && item.status !== "ready") return false;
  if (!(item.durationMs > 0)) return false;
  if (item.validFrom && localDate < item.validFrom) return false;
  if (item.validTo && localDate > item.validTo) return false;
  return true;
}

/** Playable and not withheld for want of approval: what the frequency engine may insert. */
export const isItemAirable = (item: ItemInfo | undefined, localDate: string): item is ItemInfo => isItemPlayable(item, localDate) && item.approved !== false;

export const isPriorityLevel = (p: string) => p === "priority" || p === "emergency";

export interface BaseOptions {
  /** Overrides the program's gap between lines. */
  gapMs?: number;
  /** Which campaign (if any) makes an item key content in this session. */
  keyCampaignOf?: (itemId: number) => KeyCampaignRef | undefined;
}

/** Splits a program into its run-down groups; unplayable items are left out. */
export function baseRundown(
  program: ProgramSpec,
  items: ReadonlyMap<number, ItemInfo>,
  localDate: string,
  opts: BaseOptions = {},
): BaseRundown {
  const withheld: BaseEntry[] = [];
  const entry = (itemId: number | null | undefined, position: number): BaseEntry | null => {
    if (itemId == null) return null;
    const item = items.get(itemId);
    if (!isItemPlayable(item, localDate)) return null;
    const e = { itemId, durationMs: item.durationMs, position, key: opts.keyCampaignOf?.(itemId) ?? null };
    if (item.approved === false) {
      withheld.push(e);
      return null;
    }
    return e;
  };
  const base: BaseRundown = {
    intro: entry(program.introItemId, -1),
    priority: [],
    normal: [],
    outro: entry(program.outroItemId, Number.MAX_SAFE_INTEGER),
    gapMs: Math.max(0, opts.gapMs ?? program.gapMs),
    withheld,
  };
  // Programs usually come in position order (the planner reads them so): no copy to sort then.
  const sorted = inPositionOrder(program.entries) ? program.entries : [...program.entries].sort((a, b) => a.position - b.position);
  for (const e of sorted) {
    const be = entry(e.itemId, e.position);
    if (!be) continue;
    (isPriorityLevel(items.get(e.itemId)!.priority) ? base.priority : base.normal).push(be);
  }
  for (const [i, itemId] of (program.held?.itemIds ?? []).entries()) {
    const item = items.get(itemId);
    // An item unapproved itself says so (the more specific cause); else the program's change.
    if (isItemPlayable(item, localDate)) withheld.push({ itemId, durationMs: item.durationMs, position: sorted.length + i, key: null, programHeld: item.approved === false ? undefined : program.held!.why });
  }
  return base;
}

function inPositionOrder(entries: readonly { position: number }[]): boolean {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1]!.position > entries[i]!.position) return false;
  return true;
}

/** Sum of durations plus one gap between consecutive lines. */
export function rundownLengthMs(sumMs: number, lines: number, gapMs: number): number {
  return lines === 0 ? 0 : sumMs + gapMs * (lines - 1);
}

/**
 * A program's nominal length, as the render produces it: its lines (intro, entries,
 * outro) with one gap between consecutive lines. The API and the web editor both use it.
 */
export function programLengthMs(lineDurationsMs: readonly number[], gapMs: number): number {
  return rundownLengthMs(lineDurationsMs.reduce((a, b) => a + b, 0), lineDurationsMs.length, gapMs);
}

/** The lines that are never bumped for campaign insertions: intro, outro and key entries. */
export function fixedLoad(base: BaseRundown): { ms: number; lines: number } {
  let ms = 0, lines = 0;
  for (const e of [base.intro, base.outro, ...base.priority.filter((x) => x.key), ...base.normal.filter((x) => x.key)]) {
    if (e) {
      ms += e.durationMs;
      lines++;
    }
  }
  return { ms, lines };
}

// Few distinct session lengths: their bumped texts are built once (see keyText).
const bumpedTexts = new Map<string, Bilingual>();
function bumpedTextOf(why: "key_content" | "too_long", maxDurationMs: number): Bilingual {
  const k = `${why}|${maxDurationMs}`;
  let t = bumpedTexts.get(k);
  if (!t) {
    if (bumpedTexts.size >= 256) bumpedTexts.clear();
    bumpedTexts.set(k, (t = bumpedText(why, maxDurationMs)));
  }
  return t;
}

type Kind = "intro" | "priority" | "insertion" | "normal" | "outro";
interface Slot {
  kind: Kind;
  itemId: number;
  durationMs: number;
  key: KeyCampaignRef | null;
  insertion: Insertion | null;
  bumped: boolean;
}

// The texts of key entries, once per campaign reference (the frequency engine hands out one
// per campaign): a plan repeats them on thousands of lines, and the plan hash then digests
// the same string objects instead of equal copies.
const keyTexts = new WeakMap<KeyCampaignRef, { name: string; priority: Bilingual; normal: Bilingual }>();
function keyText(key: KeyCampaignRef, priority: boolean): Bilingual {
  let t = keyTexts.get(key);
  if (t?.name !== key.name) keyTexts.set(key, (t = { name: key.name, priority: keyProgramText(key.name, true), normal: keyProgramText(key.name, false) }));
  return priority ? t!.priority : t!.normal;
}

function slotText(s: Slot): Bilingual {
  switch (s.kind) {
    case "intro": return introText();
    case "outro": return outroText();
    case "priority": return s.key ? keyText(s.key, true) : priorityText();
    case "normal": return s.key ? keyText(s.key, false) : programText();
    case "insertion": return { vi: s.insertion!.reasonVi, en: s.insertion!.reasonEn };
  }
}

const REASON: Record<Exclude<Kind, "insertion">, LineReason> = {
  intro: "intro",
  priority: "priority",
  normal: "program",
  outro: "outro",
};

/** Orders, bumps to fit `maxDurationMs`, and computes offsets. */
export function assembleRundown(
  base: BaseRundown,
  insertions: readonly Insertion[],
  maxDurationMs: number,
  items?: ReadonlyMap<number, ItemInfo>,
): { lines: RundownLinePlan[]; totalMs: number } {
  const slot = (kind: Kind, e: BaseEntry): Slot => ({ kind, itemId: e.itemId, durationMs: e.durationMs, key: e.key, insertion: null, bumped: false });
  const slots: Slot[] = [];
  if (base.intro) slots.push(slot("intro", base.intro));
  for (const e of base.priority) slots.push(slot("priority", e));
  for (const ins of insertions) {
    slots.push({ kind: "insertion", itemId: ins.itemId, durationMs: ins.durationMs, key: null, insertion: ins, bumped: false });
  }
  for (const e of base.normal) slots.push(slot("normal", e));
  if (base.outro) slots.push(slot("outro", base.outro));

  const gap = base.gapMs;
  let sum = 0;
  for (const s of slots) sum += s.durationMs;
  let count = slots.length;
  const programSum = sum - insertions.reduce((a, i) => a + i.durationMs, 0);
  const programFits = rundownLengthMs(programSum, count - insertions.length, gap) <= maxDurationMs;

  if (rundownLengthMs(sum, count, gap) > maxDurationMs) {
    const rev = (pred: (s: Slot) => boolean) => slots.filter(pred).reverse();
    const order = [
      ...rev((s) => s.kind === "normal" && !s.key),
      ...rev((s) => s.kind === "priority" && !s.key),
      ...rev((s) => s.kind === "normal" && !!s.key),
      ...rev((s) => s.kind === "priority" && !!s.key),
      ...rev((s) => s.kind === "outro"),
      ...rev((s) => s.kind === "intro"),
      ...rev((s) => s.kind === "insertion"),
    ];
    for (const s of order) {
      if (rundownLengthMs(sum, count, gap) <= maxDurationMs) break;
      s.bumped = true;
      sum -= s.durationMs;
      count--;
    }
  }

  const lines: RundownLinePlan[] = [];
  let offset = 0;
  for (const s of slots) {
    if (s.bumped) continue;
    if (lines.length > 0) offset += gap;
    const t = slotText(s);
    lines.push({
      position: lines.length,
      itemId: s.itemId,
      reason: s.insertion ? s.insertion.reason : REASON[s.kind as Exclude<Kind, "insertion">],
      reasonVi: t.vi,
      reasonEn: t.en,
      campaignId: s.insertion ? s.insertion.campaignId : null,
      durationMs: s.durationMs,
      offsetMs: offset,
      bumped: false,
    });
    offset += s.durationMs;
  }
  const totalMs = offset;
  let why: Bilingual | null = null;
  for (const s of slots) {
    if (!s.bumped) continue;
    why ??= bumpedTextOf(programFits ? "key_content" : "too_long", maxDurationMs);
    lines.push({
      position: lines.length,
      itemId: s.itemId,
      reason: "bumped",
      reasonVi: why.vi,
      reasonEn: why.en,
      campaignId: s.insertion ? s.insertion.campaignId : null,
      durationMs: s.durationMs,
      offsetMs: totalMs,
      bumped: true,
    });
  }
  for (const e of base.withheld ?? []) {
    const why = e.programHeld ? programWithheldText(e.programHeld) : withheldText(items?.get(e.itemId)?.approval);
    lines.push({ position: lines.length, itemId: e.itemId, reason: "unapproved", reasonVi: why.vi, reasonEn: why.en, campaignId: null, durationMs: e.durationMs, offsetMs: totalMs, bumped: true });
  }
  return { lines, totalMs };
}

/** A run-down without campaign insertions (the program alone). */
export function buildRundown(
  program: ProgramSpec,
  items: ReadonlyMap<number, ItemInfo>,
  localDate: string,
  maxDurationMs: number,
  opts: BaseOptions = {},
): { lines: RundownLinePlan[]; totalMs: number } {
  return assembleRundown(baseRundown(program, items, localDate, opts), [], maxDurationMs, items);
}
