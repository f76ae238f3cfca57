// Commune settings, zones (speaker clusters) and categories (topics).
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AppDeps, type AppEnv } from "../app.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { moveZonePlayouts, validateWorkerGroup, validateZoneOutput } from "../zones.ts";
import { timeZoneSchema } from "../config.ts";

const idParam = z.object({ id: z.coerce.number().int().positive() });

const communeBody = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  unitName: z.string().trim().max(200).optional(),
  place: z.string().trim().max(120).optional(),
  timeZone: timeZoneSchema.optional(),
});

const zoneBody = z.object({
  code: z.string().trim().min(1).max(40).regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only"),
  name: z.string().trim().min(1).max(120),
  village: z.string().trim().max(120).default(""),
  outputKind: z.enum(["file", "icecast", "alsa"]),
  outputConfig: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
  // Zone affinity (server/zones.ts validateWorkerGroup): required for alsa outputs.
  workerGroup: z.string().trim().max(40).nullable().optional(),
});

const categoryBody = z.object({
  code: z.string().trim().min(1).max(40).regex(/^[a-z0-9_-]+$/, "lowercase letters, digits, _ and - only"),
  nameVi: z.string().trim().min(1).max(120),
  nameEn: z.string().trim().min(1).max(120),
  sortOrder: z.number().int().default(100),
});

export function settingsRoutes(api: Hono<AppEnv>, { db, config, queues, clock, logger }: AppDeps) {
  const admin = requireRole(...CAN.administer);

  api.get("/commune", async (c) => c.json({ commune: await db.commune.findUnique({ where: { id: 1 } }) }));
  api.put("/commune", admin, zv("json", communeBody), async (c) => {
    const body = c.req.valid("json");
    const commune = await db.commune.upsert({ where: { id: 1 }, update: body, create: { id: 1, name: body.name ?? "", ...body } });
    c.set("audit", { action: "commune.update", entity: "commune", entityId: 1, detail: body });
    return c.json({ commune });
  });

  // Stream passwords never leave the server; an update without one keeps the stored one.
  const masked = (cfg: string) => {
    const o = JSON.parse(cfg) as Record<string, unknown>;
    if ("password" in o) o.password = "";
    return o;
  };

  api.get("/zones", async (c) => {
    const zones = await db.zone.findMany({ orderBy: [{ village: "asc" }, { name: "asc" }] });
    return c.json({ zones: zones.map((z) => ({ ...z, outputConfig: masked(z.outputConfig) })) });
  });

  api.post("/zones", admin, zv("json", zoneBody), async (c) => {
    const body = c.req.valid("json");
    const output = validateZoneOutput(body.outputKind, body.outputConfig, config.dataDir);
    const workerGroup = validateWorkerGroup(body.outputKind, body.workerGroup);
    if (await db.zone.findUnique({ where: { code: body.code } })) throw conflict("ZONE_CODE_TAKEN", "Mã cụm loa đã tồn tại.", "That zone code is already used.");
    const zone = await db.zone.create({ data: { ...body, workerGroup, outputConfig: JSON.stringify(output) } });
    c.set("audit", { action: "zone.create", entity: "zone", entityId: zone.id, detail: { ...body, outputConfig: masked(JSON.stringify(body.outputConfig)) } });
    return c.json({ zone: { ...zone, outputConfig: masked(zone.outputConfig) } }, 201);
  });

  api.put("/zones/:id", admin, zv("param", idParam), zv("json", zoneBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const existing = await db.zone.findUnique({ where: { id } });
    if (!existing) throw notFound("zone");
    const stored = JSON.parse(existing.outputConfig) as Record<string, unknown>;
    if (body.outputKind === "icecast" && !body.outputConfig.password && stored.password) {
      // The stored password goes only to the server it was entered for: a new host or port
      // (or dropping TLS) needs it typed again, or an admin's typo would send it elsewhere.
      const sameServer = existing.outputKind === "icecast" && String(body.outputConfig.host ?? "").toLowerCase() === String(stored.host ?? "").toLowerCase() && Number(body.outputConfig.port) === Number(stored.port) && !(stored.tls === true && body.outputConfig.tls !== true);
      if (!sameServer) {
        throw new AppError(422, "ICECAST_PASSWORD_REQUIRED", "Đã đổi máy chủ Icecast: hãy nhập lại mật khẩu nguồn cho máy chủ mới.", "The Icecast server changed: enter the source password for the new server.", { fields: [{ field: "outputConfig.password", message: "required when the host or port changes" }] });
      }
      body.outputConfig.password = stored.password;
    }
    const output = validateZoneOutput(body.outputKind, body.outputConfig, config.dataDir);
    // Left out of the body: the zone keeps its group (a client unaware of the field changes nothing).
    const workerGroup = validateWorkerGroup(body.outputKind, body.workerGroup === undefined ? existing.workerGroup : body.workerGroup);
    const clash = await db.zone.findFirst({ where: { code: body.code, NOT: { id } } });
    if (clash) throw conflict("ZONE_CODE_TAKEN", "Mã cụm loa đã tồn tại.", "That zone code is already used.");
    const zone = await db.zone.update({ where: { id }, data: { ...body, workerGroup, outputConfig: JSON.stringify(output) } });
    if (workerGroup !== existing.workerGroup) {
      // The zone is saved; jobs that cannot move now are re-queued on the right queue by
      // reconciliation, and the claim in the database keeps any airing to one worker.
      await moveZonePlayouts({ db, queues, config, clock }, id, existing.workerGroup).catch((e: Error) => logger.warn(`zone ${id}: playouts not moved to worker group ${workerGroup ?? "(any)"}: ${e.message}`));
    }
    c.set("audit", { action: "zone.update", entity: "zone", entityId: id, detail: { ...body, outputConfig: masked(JSON.stringify(body.outputConfig)) } });
    return c.json({ zone: { ...zone, outputConfig: masked(zone.outputConfig) } });
  });

  api.get("/categories", async (c) => c.json({ categories: await db.category.findMany({ orderBy: [{ sortOrder: "asc" }, { id: "asc" }] }) }));

  api.post("/categories", requireRole(...CAN.editContent), zv("json", categoryBody), async (c) => {
    const body = c.req.valid("json");
    if (await db.category.findUnique({ where: { code: body.code } })) throw conflict("CATEGORY_CODE_TAKEN", "Mã chủ đề đã tồn tại.", "That category code is already used.");
    const category = await db.category.create({ data: body });
    c.set("audit", { action: "category.create", entity: "category", entityId: category.id, detail: body });
    return c.json({ category }, 201);
  });

  api.delete("/categories/:id", admin, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const cat = await db.category.findUnique({ where: { id } });
    if (!cat) throw notFound("category");
    if (cat.builtin) throw new AppError(422, "CATEGORY_BUILTIN", "Không thể xóa chủ đề mặc định theo Nghị định 49/2024.", "Built-in Decree 49/2024 categories cannot be deleted.");
    await db.category.delete({ where: { id } });
    c.set("audit", { action: "category.delete", entity: "category", entityId: id });
    return c.json({ ok: true });
  });
}
