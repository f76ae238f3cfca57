// The directive register (sổ văn bản chỉ đạo): documents, their attachment, the items and
// campaigns that carry them out, and their timeliness (server/directives/*).
import type { Hono } from "hono";
import { requireRole, currentUser, type AppEnv } from "../app.ts";
import { notFound } from "../errors.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, sendFile } from "./common.ts";
import { communeTimeZone } from "../reports/archive.ts";
import {
  createDirective, directiveCreateBody, directiveListQuery, directivePatchBody, listDirectives, loadDirective, overdueDirectives, updateDirective, withTimeliness,
} from "../directives/register.ts";
import { attachmentOf, storeAttachment } from "../directives/attachment.ts";
import type { ResourceDeps } from "./index.ts";

export function directivesRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, clock, storage, config } = deps;
  const editor = requireRole(...CAN.editContent);
  const one = async (id: number) => {
    const row = await loadDirective(db, id);
    if (!row) throw notFound("directive");
    return (await withTimeliness(db, [row], clock.now()))[0]!;
  };

  api.get("/directives", zv("query", directiveListQuery), async (c) => {
    const { rows, nextCursor } = await listDirectives(db, c.req.valid("query"));
    return c.json({ directives: await withTimeliness(db, rows, clock.now()), nextCursor });
  });

  api.get("/directives/overdue", async (c) => c.json({ directives: await overdueDirectives(db, clock.now()) }));

  api.get("/directives/:id", zv("param", idParam), async (c) => c.json({ directive: await one(c.req.valid("param").id) }));

  api.post("/directives", editor, zv("json", directiveCreateBody), async (c) => {
    const body = c.req.valid("json");
    const row = await createDirective({ db, timeZone: await communeTimeZone(db) }, body, currentUser(c).id);
    c.set("audit", { action: "directive.create", entity: "directive", entityId: row.id, detail: { number: row.number, issuer: row.issuer, itemIds: body.itemIds, campaignIds: body.campaignIds } });
    return c.json({ directive: await one(row.id) }, 201);
  });

  api.patch("/directives/:id", editor, zv("param", idParam), zv("json", directivePatchBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await updateDirective({ db, timeZone: await communeTimeZone(db) }, id, body);
    c.set("audit", { action: "directive.update", entity: "directive", entityId: id, detail: body });
    return c.json({ directive: await one(id) });
  });

  // Documents are archived, never deleted: the register is a record.
  api.delete("/directives/:id", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    await updateDirective({ db, timeZone: await communeTimeZone(db) }, id, { archived: true });
    c.set("audit", { action: "directive.archive", entity: "directive", entityId: id });
    return c.json({ ok: true });
  });

  // Streamed to disk as it arrives; bodyLimits (app.ts) refuses a declared length over the limit first.
  api.post("/directives/:id/attachment", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const r = await storeAttachment({ db, storage, maxBytes: config.DIRECTIVE_FILE_MAX_MB * 1024 * 1024 }, id, c.req.raw.body, c.req.header("content-type"));
    c.set("audit", { action: "directive.attach", entity: "directive", entityId: id, detail: { file: r.directive.attachmentName, sha256: r.sha256, bytes: r.bytes } });
    return c.json({ directive: await one(id) }, 201);
  });

  api.get("/directives/:id/attachment", zv("param", idParam), async (c) => {
    const a = await attachmentOf({ db, storage }, c.req.valid("param").id);
    return sendFile(c, a.file, a.type, a.name);
  });
}
