// Content approval for the HTTP layer: a leader's decision on an item and the commune's
// switch. The rules themselves live in server/approval.ts (shared with the planner).
import { approvalQueue, approvalRequired, decideItem, decideProgram, reviewEmergency, type Decision } from "../approval.ts";
import type { Deps } from "./deps.ts";

type Edit = Pick<Deps, "db" | "clock" | "replan">;

export const pendingApprovals = ({ db }: Pick<Deps, "db">) => approvalQueue(db);

/** A decision on an item; the next sessions not yet on air carry (or drop) it. */
export async function decideOnItem(deps: Edit, id: number, decision: Decision, userId: number) {
  const { db, clock } = deps;
  const change = await decideItem(db, id, decision, userId, clock.now());
  await deps.replan?.({ itemId: id });
  return { ...change, item: await db.item.findUnique({ where: { id } }) };
}

/** A decision on a program's arrangement; the next sessions not yet on air follow it. */
export async function decideOnProgram(deps: Edit, id: number, decision: Decision, userId: number) {
  const { db, clock } = deps;
  const change = await decideProgram(db, id, decision, userId, clock.now());
  await deps.replan?.({ programId: id });
  return { ...change, program: await db.program.findUnique({ where: { id } }) };
}

export const reviewAiredEmergency = ({ db, clock }: Pick<Deps, "db" | "clock">, id: number, userId: number) => reviewEmergency(db, id, userId, clock.now());

export const isApprovalRequired = ({ db }: Pick<Deps, "db">) => approvalRequired(db);

export async function setApprovalRequired(deps: Pick<Deps, "db" | "replan">, required: boolean) {
  await deps.db.commune.update({ where: { id: 1 }, data: { approvalRequired: required } });
  await deps.replan?.({});
}
