// Commune settings, zones (speaker clusters) and categories (topics).
import type { Hono } from "hono";
import { requireRole, type AppEnv } from "./context.ts";
import type { AppDeps } from "../app.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { categoryBody, communeBody, zoneBody } from "../contract/admin.ts";
import { createCategory, createZone, deleteCategory, getCommune, listCategories, listZones, maskedOutput, updateCommune, updateZone } from "../services/settings.ts";

export function settingsRoutes(api: Hono<AppEnv>, deps: AppDeps) {
  const admin = requireRole(...CAN.administer);
  const shown = <Z extends { outputConfig: string }>(z: Z) => ({ ...z, outputConfig: maskedOutput(z.outputConfig) });

  api.get("/commune", async (c) => c.json({ commune: await getCommune(deps) }));
  api.put("/commune", admin, zv("json", communeBody), async (c) => {
    const body = c.req.valid("json");
    const commune = await updateCommune(deps, body);
    c.set("audit", { action: "commune.update", entity: "commune", entityId: 1, detail: body });
    return c.json({ commune });
  });

  api.get("/zones", async (c) => c.json({ zones: (await listZones(deps)).map(shown) }));

  api.post("/zones", admin, zv("json", zoneBody), async (c) => {
    const body = c.req.valid("json");
    const zone = await createZone(deps, body);
    c.set("audit", { action: "zone.create", entity: "zone", entityId: zone.id, detail: { ...body, outputConfig: maskedOutput(JSON.stringify(body.outputConfig)) } });
    return c.json({ zone: shown(zone) }, 201);
  });

  api.put("/zones/:id", admin, zv("param", idParam), zv("json", zoneBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const zone = await updateZone(deps, id, body);
    c.set("audit", { action: "zone.update", entity: "zone", entityId: id, detail: { ...body, outputConfig: maskedOutput(JSON.stringify(body.outputConfig)) } });
    return c.json({ zone: shown(zone) });
  });

  api.get("/categories", async (c) => c.json({ categories: await listCategories(deps) }));

  api.post("/categories", requireRole(...CAN.editContent), zv("json", categoryBody), async (c) => {
    const body = c.req.valid("json");
    const category = await createCategory(deps, body);
    c.set("audit", { action: "category.create", entity: "category", entityId: category.id, detail: body });
    return c.json({ category }, 201);
  });

  api.delete("/categories/:id", admin, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    await deleteCategory(deps, id);
    c.set("audit", { action: "category.delete", entity: "category", entityId: id });
    return c.json({ ok: true });
  });
}
