// Programs: ordered playlists of items with optional intro/outro jingles.
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AppEnv } from "../app.ts";
import { AppError, notFound } from "../errors.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { programLengthMs } from "../domain/rundown.ts";
import type { ResourceDeps } from "./index.ts";

const body = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).default(""),
  introItemId: z.number().int().positive().nullable().default(null),
  outroItemId: z.number().int().positive().nullable().default(null),
  gapMs: z.number().int().min(0).max(30_000).default(1000),
  itemIds: z.array(z.number().int().positive()).max(500),
});

const include = {
  entries: { orderBy: { position: "asc" as const }, include: { item: { select: { id: true, title: true, kind: true, priority: true, status: true, durationMs: true, archived: true } } } },
  introItem: { select: { id: true, title: true, durationMs: true } },
  outroItem: { select: { id: true, title: true, durationMs: true } },
};

type ProgramWithEntries = { gapMs: number; entries: { item: { durationMs: number } }[]; introItem: { durationMs: number } | null; outroItem: { durationMs: number } | null };

/** Nominal length: intro + items + gaps + outro (what the render will produce). */
export function programDurationMs(p: ProgramWithEntries): number {
  const lines = [p.introItem?.durationMs, ...p.entries.map((e) => e.item.durationMs), p.outroItem?.durationMs].filter((d): d is number => d !== undefined);
  return programLengthMs(lines, p.gapMs);
}

export function programsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db } = deps;
  const editor = requireRole(...CAN.editContent);

  const checkItems = async (ids: number[]) => {
    const found = await db.item.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, archived: true } });
    const ok = new Set(found.filter((i) => !i.archived).map((i) => i.id));
    const missing = ids.filter((id) => !ok.has(id));
    if (missing.length) throw new AppError(422, "UNKNOWN_ITEMS", `Tin bài không tồn tại hoặc đã lưu trữ: ${missing.join(", ")}.`, `Unknown or archived items: ${missing.join(", ")}.`, { missing });
  };

  api.get("/programs", async (c) => {
    const programs = await db.program.findMany({ where: { archived: false }, include, orderBy: { id: "desc" } });
    return c.json({ programs: programs.map((p) => ({ ...p, durationMs: programDurationMs(p) })) });
  });

  api.get("/programs/:id", zv("param", idParam), async (c) => {
    const p = await db.program.findUnique({ where: { id: c.req.valid("param").id }, include });
    if (!p) throw notFound("program");
    return c.json({ program: { ...p, durationMs: programDurationMs(p) } });
  });

  const save = async (id: number | null, b: z.infer<typeof body>) => {
    await checkItems([...b.itemIds, ...(b.introItemId ? [b.introItemId] : []), ...(b.outroItemId ? [b.outroItemId] : [])]);
    const data = { name: b.name, description: b.description, introItemId: b.introItemId, outroItemId: b.outroItemId, gapMs: b.gapMs };
    return db.$transaction(async (tx) => {
      const p = id === null ? await tx.program.create({ data }) : await tx.program.update({ where: { id }, data });
      await tx.programEntry.deleteMany({ where: { programId: p.id } });
      if (b.itemIds.length) await tx.programEntry.createMany({ data: b.itemIds.map((itemId, position) => ({ programId: p.id, itemId, position })) });
      return tx.program.findUniqueOrThrow({ where: { id: p.id }, include });
    });
  };

  api.post("/programs", editor, zv("json", body), async (c) => {
    const p = await save(null, c.req.valid("json"));
    c.set("audit", { action: "program.create", entity: "program", entityId: p.id, detail: c.req.valid("json") });
    return c.json({ program: { ...p, durationMs: programDurationMs(p) } }, 201);
  });

  api.put("/programs/:id", editor, zv("param", idParam), zv("json", body), async (c) => {
    const { id } = c.req.valid("param");
    if (!(await db.program.findUnique({ where: { id } }))) throw notFound("program");
    const p = await save(id, c.req.valid("json"));
    await deps.replan?.({ programId: id });
    c.set("audit", { action: "program.update", entity: "program", entityId: id, detail: c.req.valid("json") });
    return c.json({ program: { ...p, durationMs: programDurationMs(p) } });
  });

  api.delete("/programs/:id", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    if (!(await db.program.findUnique({ where: { id } }))) throw notFound("program");
    const active = await db.schedule.count({ where: { programId: id, enabled: true } });
    if (active) throw new AppError(409, "PROGRAM_IN_USE", `Chương trình đang được dùng trong ${active} lịch phát.`, `The program is used by ${active} active schedule(s).`);
    await db.program.update({ where: { id }, data: { archived: true } });
    c.set("audit", { action: "program.archive", entity: "program", entityId: id });
    return c.json({ ok: true });
  });
}
