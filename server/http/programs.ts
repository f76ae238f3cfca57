// Programs: ordered playlists of items with optional intro/outro jingles.
import type { Hono } from "hono";
import { requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { programBody } from "../contract/scheduling.ts";
import { archiveProgram, createProgram, getProgram, listPrograms, updateProgram } from "../services/programs.ts";
import { programLengthMs } from "../domain/rundown.ts";
import type { ResourceDeps } from "./index.ts";

type ProgramWithEntries = { gapMs: number; entries: { item: { durationMs: number } }[]; introItem: { durationMs: number } | null; outroItem: { durationMs: number } | null };

/** Nominal length: intro + items + gaps + outro (what the render will produce). */
export function programDurationMs(p: ProgramWithEntries): number {
  const lines = [p.introItem?.durationMs, ...p.entries.map((e) => e.item.durationMs), p.outroItem?.durationMs].filter((d): d is number => d !== undefined);
  return programLengthMs(lines, p.gapMs);
}

const withDuration = <P extends ProgramWithEntries>(p: P) => ({ ...p, durationMs: programDurationMs(p) });

export function programsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const editor = requireRole(...CAN.editContent);

  api.get("/programs", async (c) => c.json({ programs: (await listPrograms(deps)).map(withDuration) }));

  api.get("/programs/:id", zv("param", idParam), async (c) => c.json({ program: withDuration(await getProgram(deps, c.req.valid("param").id)) }));

  api.post("/programs", editor, zv("json", programBody), async (c) => {
    const p = await createProgram(deps, c.req.valid("json"));
    c.set("audit", { action: "program.create", entity: "program", entityId: p.id, detail: c.req.valid("json") });
    return c.json({ program: withDuration(p) }, 201);
  });

  api.put("/programs/:id", editor, zv("param", idParam), zv("json", programBody), async (c) => {
    const { id } = c.req.valid("param");
    const p = await updateProgram(deps, id, c.req.valid("json"));
    c.set("audit", { action: "program.update", entity: "program", entityId: id, detail: c.req.valid("json") });
    return c.json({ program: withDuration(p) });
  });

  api.delete("/programs/:id", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    await archiveProgram(deps, id);
    c.set("audit", { action: "program.archive", entity: "program", entityId: id });
    return c.json({ ok: true });
  });
}
