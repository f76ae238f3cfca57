// Planned and past airings (buổi phát) with their run-down lines, and manual "air now".
import { AppError, notFound } from "../errors.ts";
import { cursorAfter, pageOf } from "../db/page.ts";
import { fastReader, nest, Where } from "../db/fast-read.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { airingListQuery } from "../contract/scheduling.ts";
import type { z } from "zod";
import type { Deps } from "./deps.ts";

type AiringRow = Prisma.AiringGetPayload<{ include: { zone: { select: { name: true; code: true } }; program: { select: { name: true } }; schedule: { select: { name: true } } } }>;
const AIRING_COLUMNS = { dates: ["scheduledStart", "actualStart", "actualEnd", "createdAt", "updatedAt", "leaseUntil", "heartbeatAt"], bools: ["settled"] };

/** In air-time order; the cursor continues after the last airing sent (scheduledStart, id). */
export async function listAirings({ db }: Pick<Deps, "db">, q: z.output<typeof airingListQuery>) {
  const where = new Where()
    .cmp(`t."localDate"`, ">=", q.from).cmp(`t."localDate"`, "<=", q.to).eq(`t."zoneId"`, q.zoneId).eq(`t."status"`, q.status)
    .after(`t."scheduledStart"`, `t."id"`, "asc", cursorAfter(q.cursor, { date: true }));
  const rows = await fastReader(db).rows(
    `SELECT t.*, z."name" AS "zone.name", z."code" AS "zone.code", p."name" AS "program.name", s."name" AS "schedule.name"
     FROM "Airing" t JOIN "Zone" z ON z."id" = t."zoneId" LEFT JOIN "Program" p ON p."id" = t."programId" LEFT JOIN "Schedule" s ON s."id" = t."scheduleId"
     ${where} ORDER BY t."scheduledStart" ASC, t."id" ASC LIMIT ?`,
    [...where.params, q.limit + 1],
    AIRING_COLUMNS,
  );
  const found = rows.map((r) => nest(r, { program: "programId", schedule: "scheduleId" }) as AiringRow);
  return pageOf(found, q.limit, (a) => a.scheduledStart);
}

export async function getAiring({ db }: Pick<Deps, "db">, id: number) {
  const airing = await db.airing.findUnique({
    where: { id },
    include: {
      // Never the output configuration: it holds stream passwords.
      zone: { select: { id: true, code: true, name: true, village: true, outputKind: true } },
      program: { select: { name: true } },
      schedule: { select: { name: true } },
      lines: { orderBy: { position: "asc" }, include: { item: { select: { title: true, kind: true, priority: true } } } },
      asRuns: { orderBy: { actualStart: "asc" }, include: { item: { select: { title: true } } } },
    },
  });
  if (!airing) throw notFound("airing");
  return airing;
}

/** A program put on air now on chosen enabled zones. */
export async function airNow({ db, planner }: Pick<Deps, "db" | "planner">, body: { programId: number; zoneIds: number[] }, userId: number) {
  const program = await db.program.findUnique({ where: { id: body.programId } });
  if (!program || program.archived) throw notFound("program");
  const zones = await db.zone.findMany({ where: { id: { in: body.zoneIds }, enabled: true } });
  if (zones.length !== new Set(body.zoneIds).size) throw new AppError(422, "UNKNOWN_ZONES", "Có cụm loa không tồn tại hoặc đang tắt.", "Some zones do not exist or are disabled.");
  return planner.airNow({ programId: program.id, zoneIds: zones.map((z) => z.id), userId });
}

export const cancelAiring = ({ planner }: Pick<Deps, "planner">, id: number) => planner.cancel(id);
