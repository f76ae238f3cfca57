// Programs: ordered playlists of items with optional intro/outro jingles.
import type { z } from "zod";
import { AppError, notFound } from "../errors.ts";
import type { programBody } from "../contract/scheduling.ts";
import type { Deps } from "./deps.ts";
import { programApprovalOnSave } from "../approval.ts";
import { versionOf } from "../domain/program-approval.ts";

type Db = Pick<Deps, "db">;

const include = {
  entries: { orderBy: { position: "asc" as const }, include: { item: { select: { id: true, title: true, kind: true, priority: true, status: true, durationMs: true, archived: true } } } },
  introItem: { select: { id: true, title: true, durationMs: true } },
  outroItem: { select: { id: true, title: true, durationMs: true } },
};

async function checkItems({ db }: Db, ids: number[]) {
  const found = await db.item.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, archived: true } });
  const ok = new Set(found.filter((i) => !i.archived).map((i) => i.id));
  const missing = ids.filter((id) => !ok.has(id));
  if (missing.length) throw new AppError(422, "UNKNOWN_ITEMS", `Tin bài không tồn tại hoặc đã lưu trữ: ${missing.join(", ")}.`, `Unknown or archived items: ${missing.join(", ")}.`, { missing });
}

async function mustExist({ db }: Db, id: number) {
  if (!(await db.program.findUnique({ where: { id } }))) throw notFound("program");
}

export const listPrograms = ({ db }: Db) => db.program.findMany({ where: { archived: false }, include, orderBy: { id: "desc" } });

export async function getProgram({ db }: Db, id: number) {
  const p = await db.program.findUnique({ where: { id }, include });
  if (!p) throw notFound("program");
  return p;
}

/**
 * Creates (id null) or replaces a program and its entries in one transaction. A change of
 * its arrangement while approval is on waits for a leader (server/approval.ts).
 */
async function save({ db }: Db, id: number | null, b: z.output<typeof programBody>) {
  await checkItems({ db }, [...b.itemIds, ...(b.introItemId ? [b.introItemId] : []), ...(b.outroItemId ? [b.outroItemId] : [])]);
  const before = id === null ? null : await db.program.findUnique({ where: { id }, include: { entries: true } });
  const after = versionOf({ introItemId: b.introItemId, outroItemId: b.outroItemId, entries: b.itemIds.map((itemId, position) => ({ itemId, position })) });
  const approval = await programApprovalOnSave(db, before && { approval: before.approval, approvedVersion: before.approvedVersion, version: versionOf(before) }, after);
  const data = { name: b.name, description: b.description, introItemId: b.introItemId, outroItemId: b.outroItemId, gapMs: b.gapMs, ...approval };
  const saved = await db.$transaction(async (tx) => {
    const p = id === null ? await tx.program.create({ data }) : await tx.program.update({ where: { id }, data });
    await tx.programEntry.deleteMany({ where: { programId: p.id } });
    if (b.itemIds.length) await tx.programEntry.createMany({ data: b.itemIds.map((itemId, position) => ({ programId: p.id, itemId, position })) });
    return p.id;
  });
  // Read after the commit: Prisma reads the relations of an include at the same time, which
  // on PostgreSQL inside a transaction means overlapping queries on one connection (pg 9 refuses them).
  return db.program.findUniqueOrThrow({ where: { id: saved }, include });
}

export const createProgram = (deps: Db, b: z.output<typeof programBody>) => save(deps, null, b);

export async function updateProgram(deps: Pick<Deps, "db" | "replan">, id: number, b: z.output<typeof programBody>) {
  await mustExist(deps, id);
  const p = await save(deps, id, b);
  await deps.replan?.({ programId: id });
  return p;
}

/** Archived, not deleted; refused while an enabled schedule uses it. */
export async function archiveProgram(deps: Db, id: number) {
  const { db } = deps;
  await mustExist(deps, id);
  const active = await db.schedule.count({ where: { programId: id, enabled: true } });
  if (active) throw new AppError(409, "PROGRAM_IN_USE", `Chương trình đang được dùng trong ${active} lịch phát.`, `The program is used by ${active} active schedule(s).`);
  await db.program.update({ where: { id }, data: { archived: true } });
}
