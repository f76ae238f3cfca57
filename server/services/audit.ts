// The audit log (nhật ký thao tác): who changed what and when, newest first.
import type { z } from "zod";
import { keyset, pageOf } from "../db/page.ts";
import type { auditListQuery } from "../contract/audit.ts";
import type { Deps } from "./deps.ts";

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export async function auditEntries({ db }: Pick<Deps, "db">, q: z.output<typeof auditListQuery>) {
  // Ids grow with time: id order is the order of events, and the primary key serves it.
  const page = keyset("id", "desc", q.cursor);
  const found = await db.auditLog.findMany({
    where: { AND: [{ entity: q.entity, action: q.action, userId: q.userId }, page.where] },
    include: { user: { select: { username: true, displayName: true } } },
    orderBy: page.orderBy,
    take: q.limit + 1,
  });
  const { rows, nextCursor } = pageOf(found, q.limit);
  return { entries: rows.map((r) => ({ ...r, detail: safeJson(r.detail) })), nextCursor };
}
