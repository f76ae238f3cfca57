// Planned and past airings (buổi phát) with their run-down lines, and manual "air now".
import { AppError, notFound } from "../errors.ts";
import { keyset, pageOf } from "../db/page.ts";
import { byId } from "../db/related.ts";
import type { airingListQuery } from "../contract/scheduling.ts";
import type { z } from "zod";
import type { Deps } from "./deps.ts";

/** In air-time order; the cursor continues after the last airing sent (scheduledStart, id). */
export async function listAirings({ db }: Pick<Deps, "db">, q: z.output<typeof airingListQuery>) {
  const page = keyset("scheduledStart", "asc", q.cursor, { date: true });
  const found = await db.airing.findMany({
    where: { AND: [{ localDate: { gte: q.from, lte: q.to }, zoneId: q.zoneId, status: q.status }, page.where] },
    orderBy: page.orderBy,
    take: q.limit + 1,
  });
  const { rows, nextCursor } = pageOf(found, q.limit, (a) => a.scheduledStart);
  // Names of zone, program and schedule, read by id (server/db/related.ts), as an include gave them.
  const [zones, programs, schedules] = await Promise.all([
    byId(rows.map((a) => a.zoneId), (ids) => db.zone.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, code: true } })),
    byId(rows.map((a) => a.programId), (ids) => db.program.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
    byId(rows.map((a) => a.scheduleId), (ids) => db.schedule.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })),
  ]);
  const named = (m: Map<number, { name: string }>, id: number | null) => {
    const r = id == null ? undefined : m.get(id);
    return r ? { name: r.name } : null;
  };
  return {
    rows: rows.map((a) => {
      // A zone deleted meanwhile took its airings with it (cascade): no row waits for its name.
      const z = zones.get(a.zoneId) ?? { name: "", code: "" };
      return { ...a, zone: { name: z.name, code: z.code }, program: named(programs, a.programId), schedule: named(schedules, a.scheduleId) };
    }),
    nextCursor,
  };
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
