// The commune's settings, its zones (speaker clusters) and the categories (topics).
import type { z } from "zod";
import { AppError, conflict, notFound } from "../errors.ts";
import { moveZonePlayouts, validateWorkerGroup, validateZoneOutput } from "../zones.ts";
import type { categoryBody, communeBody, zoneBody } from "../contract/admin.ts";
import type { Deps } from "./deps.ts";

type Db = Pick<Deps, "db">;
type ZoneBody = z.output<typeof zoneBody>;

export const getCommune = ({ db }: Db) => db.commune.findUnique({ where: { id: 1 } });

export const updateCommune = ({ db }: Db, body: z.output<typeof communeBody>) =>
  db.commune.upsert({ where: { id: 1 }, update: body, create: { id: 1, name: body.name ?? "", ...body } });

/** Stream passwords never leave the server; an update without one keeps the stored one. */
export function maskedOutput(cfg: string) {
  const o = JSON.parse(cfg) as Record<string, unknown>;
  if ("password" in o) o.password = "";
  return o;
}

const codeTaken = () => conflict("ZONE_CODE_TAKEN", "Mã cụm loa đã tồn tại.", "That zone code is already used.");

export const listZones = ({ db }: Db) => db.zone.findMany({ orderBy: [{ village: "asc" }, { name: "asc" }] });

export async function createZone({ db, config }: Pick<Deps, "db" | "config">, body: ZoneBody) {
  const output = validateZoneOutput(body.outputKind, body.outputConfig, config.dataDir);
  const workerGroup = validateWorkerGroup(body.outputKind, body.workerGroup);
  if (await db.zone.findUnique({ where: { code: body.code } })) throw codeTaken();
  return db.zone.create({ data: { ...body, workerGroup, outputConfig: JSON.stringify(output) } });
}

/** A zone edit; a new worker group moves the zone's queued playouts to that group's queue. */
export async function updateZone(deps: Pick<Deps, "db" | "config" | "queues" | "clock" | "logger">, id: number, body: ZoneBody) {
  const { db, config, logger } = deps;
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
  if (await db.zone.findFirst({ where: { code: body.code, NOT: { id } } })) throw codeTaken();
  const zone = await db.zone.update({ where: { id }, data: { ...body, workerGroup, outputConfig: JSON.stringify(output) } });
  if (workerGroup !== existing.workerGroup) {
    // The zone is saved; jobs that cannot move now are re-queued on the right queue by
    // reconciliation, and the claim in the database keeps any airing to one worker.
    await moveZonePlayouts(deps, id, existing.workerGroup).catch((e: Error) => logger.warn(`zone ${id}: playouts not moved to worker group ${workerGroup ?? "(any)"}: ${e.message}`));
  }
  return zone;
}

export const listCategories = ({ db }: Db) => db.category.findMany({ orderBy: [{ sortOrder: "asc" }, { id: "asc" }] });

export async function createCategory({ db }: Db, body: z.output<typeof categoryBody>) {
  if (await db.category.findUnique({ where: { code: body.code } })) throw conflict("CATEGORY_CODE_TAKEN", "Mã chủ đề đã tồn tại.", "That category code is already used.");
  return db.category.create({ data: body });
}

/** The built-in Decree 49/2024 categories stay. */
export async function deleteCategory({ db }: Db, id: number) {
  const cat = await db.category.findUnique({ where: { id } });
  if (!cat) throw notFound("category");
  if (cat.builtin) throw new AppError(422, "CATEGORY_BUILTIN", "Không thể xóa chủ đề mặc định theo Nghị định 49/2024.", "Built-in Decree 49/2024 categories cannot be deleted.");
  await db.category.delete({ where: { id } });
}

