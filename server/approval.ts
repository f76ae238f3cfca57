// Content approval (biên tập → duyệt → phát). When the commune turns it on (Commune.
// approvalRequired), an item airs only once a leader approved it, and a program's
// arrangement too (a change waits; meanwhile the last approved arrangement airs and the
// entries the change adds are withheld lines, server/domain/program-approval.ts):
// - a new item is pending; an edit of what it says (text, voice, speed, relay address)
//   makes an approved item pending again (withdrawn until approved anew);
// - the planner keeps an unapproved item's line in the run-down, withheld, with the reason
//   (server/domain/rundown.ts), and the render raises an alert, so it never goes silently;
// - an emergency may air an unapproved item (operators must not wait): it is flagged and
//   shows in the review queue until a leader reviews it.
// With approval off every item is approved as it is made, and nothing is withheld.
// Every step is audited by the routes (approval.approve, approval.reject, emergency.review, …).
import type { Db } from "./db/client.ts";
import { conflict, invalid, notFound } from "./errors.ts";
import { raiseAlert, type AlertDeps } from "./alerts.ts";
import { parseVersion, sameVersion, versionOf, type ProgramVersion } from "./domain/program-approval.ts";

export type Approval = "pending" | "approved" | "rejected";

export async function approvalRequired(db: Pick<Db, "commune">): Promise<boolean> {
  return (await db.commune.findUnique({ where: { id: 1 }, select: { approvalRequired: true } }))?.approvalRequired ?? false;
}

/** The approval a new item starts with. */
export async function initialApproval(db: Pick<Db, "commune">): Promise<Approval> {
  return (await approvalRequired(db)) ? "pending" : "approved";
}

/** Fields that withdraw an edited item's approval (pending again), when approval is on. */
export async function withdrawnOnEdit(db: Pick<Db, "commune">): Promise<{ approval: Approval; approvedById: null; approvedAt: null; approvalNote: string } | Record<string, never>> {
  return (await approvalRequired(db)) ? { approval: "pending", approvedById: null, approvedAt: null, approvalNote: "" } : {};
}

/** Rows as the planner reads them → `approved` for the run-down (true whenever approval is off). */
export function withApproval<T extends { approval?: string | null }>(rows: readonly T[], required: boolean): (T & { approved: boolean })[] {
  return rows.map((r) => ({ ...r, approved: !required || r.approval === "approved" }));
}

export interface Decision {
  decision: "approve" | "reject";
  comment?: string;
}

/** The decision's comment; a rejection needs one. */
function checkComment(d: Decision): string {
  const comment = d.comment?.trim() ?? "";
  if (d.decision === "reject" && !comment) {
    throw invalid("COMMENT_REQUIRED", "Từ chối duyệt cần ghi rõ lý do.", "A rejection needs a comment saying why.", { fields: [{ field: "comment" }] });
  }
  return comment;
}

/** A leader approves or rejects an item; a rejection needs a comment. Returns the item's previous approval. */
export async function decideItem(db: Db, itemId: number, d: Decision, userId: number, now: Date): Promise<{ before: string; after: Approval }> {
  const item = await db.item.findUnique({ where: { id: itemId }, select: { approval: true, archived: true } });
  if (!item) throw notFound("item");
  if (item.archived) throw conflict("ITEM_ARCHIVED", "Tin bài đã lưu trữ, không duyệt được.", "The item is archived and cannot be approved.");
  const comment = checkComment(d);
  const after: Approval = d.decision === "approve" ? "approved" : "rejected";
  await db.item.update({ where: { id: itemId }, data: { approval: after, approvalNote: comment, approvedById: userId, approvedAt: now } });
  return { before: item.approval, after };
}

/**
 * Approval fields for a program saved with the arrangement `after` (null: a new program).
 * A change of content or order withdraws the approval; the arrangement approved before it
 * (or, for a program approved before approval was switched on, the one it had) keeps airing
 * until a leader decides (server/domain/program-approval.ts).
 */
export async function programApprovalOnSave(
  db: Pick<Db, "commune">,
  before: { approval: string; approvedVersion: string | null; version: ProgramVersion } | null,
  after: ProgramVersion,
): Promise<{ approval: Approval; approvedVersion: string | null; approvedById?: null; approvedAt?: null; approvalNote?: string } | Record<string, never>> {
  if (!(await approvalRequired(db))) return before ? {} : { approval: "approved", approvedVersion: null };
  if (!before) return { approval: "pending", approvedVersion: null };
  if (sameVersion(before.version, after)) return {};
  const approvedVersion = before.approvedVersion ?? (before.approval === "approved" ? JSON.stringify(before.version) : null);
  return { approval: "pending", approvedVersion, approvedById: null, approvedAt: null, approvalNote: "" };
}

/** A leader approves (the arrangement as it is now becomes the one that airs) or rejects a program. */
export async function decideProgram(db: Db, programId: number, d: Decision, userId: number, now: Date): Promise<{ before: string; after: Approval }> {
  const p = await db.program.findUnique({ where: { id: programId }, include: { entries: { orderBy: { position: "asc" } } } });
  if (!p) throw notFound("program");
  if (p.archived) throw conflict("PROGRAM_ARCHIVED", "Chương trình đã lưu trữ, không duyệt được.", "The program is archived and cannot be approved.");
  const comment = checkComment(d);
  const after: Approval = d.decision === "approve" ? "approved" : "rejected";
  const approvedVersion = after === "approved" ? JSON.stringify(versionOf(p)) : p.approvedVersion;
  await db.program.update({ where: { id: programId }, data: { approval: after, approvalNote: comment, approvedById: userId, approvedAt: now, approvedVersion } });
  return { before: p.approval, after };
}

/** A leader marks an emergency aired without prior approval as reviewed. */
export async function reviewEmergency(db: Db, id: number, userId: number, now: Date): Promise<void> {
  const e = await db.emergency.findUnique({ where: { id }, select: { unapproved: true, reviewedAt: true } });
  if (!e) throw notFound("emergency");
  if (!e.unapproved) throw conflict("NOTHING_TO_REVIEW", "Lần phát khẩn cấp này không cần duyệt lại.", "This emergency broadcast needs no review.");
  await db.emergency.update({ where: { id }, data: { reviewedById: userId, reviewedAt: now } });
}

/** The approval queue: items waiting for a decision (or rejected), and emergencies to review. */
export async function approvalQueue(db: Db) {
  const [required, items, emergencies, programs] = await Promise.all([
    approvalRequired(db),
    db.item.findMany({
      where: { archived: false, approval: { in: ["pending", "rejected"] } },
      select: { id: true, title: true, kind: true, priority: true, status: true, approval: true, approvalNote: true, ttsText: true, relayUrl: true, sourceRef: true, updatedAt: true, createdById: true },
      orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
      take: 500,
    }),
    db.emergency.findMany({
      where: { unapproved: true, reviewedAt: null },
      include: { item: { select: { id: true, title: true, approval: true } } },
      orderBy: { id: "asc" },
      take: 200,
    }),
    db.program.findMany({
      where: { archived: false, approval: { in: ["pending", "rejected"] } },
      select: { id: true, name: true, approval: true, approvalNote: true, approvedVersion: true, updatedAt: true, entries: { orderBy: { position: "asc" }, select: { itemId: true, position: true, item: { select: { title: true } } } } },
      orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
      take: 200,
    }),
  ]);
  // Each program with its entries marked new where the approved arrangement lacks them.
  const programRows = programs.map(({ approvedVersion, entries, ...p }) => {
    const approved = parseVersion(approvedVersion);
    const had = new Set(approved?.entries.map((e) => e.itemId) ?? []);
    return { ...p, everApproved: approved != null, entries: entries.map((e) => ({ itemId: e.itemId, title: e.item.title, added: !had.has(e.itemId) })) };
  });
  return { required, items, emergencies, programs: programRows };
}

/**
 * Says so when a session airs without content that was withheld for want of approval: one
 * alert per session (program and start, across its zones), raised when a zone's airing is
 * rendered (worker/render.ts).
 */
export async function alertWithheld(deps: AlertDeps, airingId: number): Promise<number | null> {
  const { db } = deps;
  const lines = await db.rundownLine.findMany({ where: { airingId, reason: "unapproved" }, select: { item: { select: { title: true } } }, orderBy: { position: "asc" } });
  if (!lines.length) return null;
  const a = await db.airing.findUnique({ where: { id: airingId }, select: { programId: true, scheduledStart: true, program: { select: { name: true } } } });
  if (!a) return null;
  const titles = lines.map((l) => `"${l.item.title}"`);
  return raiseAlert(deps, {
    kind: "content_withheld", severity: "warning", airingId,
    params: { at: a.scheduledStart.toISOString(), program: a.program?.name ?? "", count: lines.length, items: titles.slice(0, 5).join(", ") + (titles.length > 5 ? ", …" : "") },
    dedupeKey: `withheld:p${a.programId ?? "-"}@${a.scheduledStart.getTime()}`,
  });
}
