// The audit log (nhật ký thao tác): who changed what and when, newest first.
import type { z } from "zod";
import { cursorAfter, pageOf } from "../db/page.ts";
import { fastReader, nest, Where } from "../db/fast-read.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { auditListQuery } from "../contract/audit.ts";
import type { Deps } from "./deps.ts";

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

type AuditRow = Prisma.AuditLogGetPayload<{ include: { user: { select: { username: true; displayName: true } } } }>;

export async function auditEntries({ db }: Pick<Deps, "db">, q: z.output<typeof auditListQuery>) {
  // Ids grow with time: id order is the order of events, and the primary key serves it.
  const where = new Where().eq(`t."entity"`, q.entity).eq(`t."action"`, q.action).eq(`t."userId"`, q.userId).after(`t."id"`, `t."id"`, "desc", cursorAfter(q.cursor));
  const read = await fastReader(db).rows(
    `SELECT t.*, u."username" AS "user.username", u."displayName" AS "user.displayName"
     FROM "AuditLog" t LEFT JOIN "User" u ON u."id" = t."userId" ${where} ORDER BY t."id" DESC LIMIT ?`,
    [...where.params, q.limit + 1],
    { dates: ["createdAt"] },
  );
  const found = read.map((r) => nest(r, { user: "userId" }) as AuditRow);
  const { rows, nextCursor } = pageOf(found, q.limit);
  return { entries: rows.map((r) => ({ ...r, detail: safeJson(r.detail) })), nextCursor };
}
