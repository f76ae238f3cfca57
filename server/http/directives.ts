// The directive register (sổ văn bản chỉ đạo): documents, their attachment, the items and
// campaigns that carry them out, and their timeliness (server/services/directives.ts).
import type { Hono } from "hono";
import { requireRole, currentUser, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, sendFile } from "./common.ts";
import { directiveCreateBody, directiveListQuery, directivePatchBody } from "../directives/register.ts";
import { archiveDirective, attachFile, attachmentFile, directive, directivePage, editDirective, overdue, registerDirective } from "../services/directives.ts";
import type { ResourceDeps } from "./index.ts";

export function directivesRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const editor = requireRole(...CAN.editContent);

  api.get("/directives", zv("query", directiveListQuery), async (c) => c.json(await directivePage(deps, c.req.valid("query"))));

  api.get("/directives/overdue", async (c) => c.json({ directives: await overdue(deps) }));

  api.get("/directives/:id", zv("param", idParam), async (c) => c.json({ directive: await directive(deps, c.req.valid("param").id) }));

  api.post("/directives", editor, zv("json", directiveCreateBody), async (c) => {
    const body = c.req.valid("json");
    const { row, directive: d } = await registerDirective(deps, body, currentUser(c).id);
    c.set("audit", { action: "directive.create", entity: "directive", entityId: row.id, detail: { number: row.number, issuer: row.issuer, itemIds: body.itemIds, campaignIds: body.campaignIds } });
    return c.json({ directive: d }, 201);
  });

  api.patch("/directives/:id", editor, zv("param", idParam), zv("json", directivePatchBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const d = await editDirective(deps, id, body);
    c.set("audit", { action: "directive.update", entity: "directive", entityId: id, detail: body });
    return c.json({ directive: d });
  });

  api.delete("/directives/:id", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    await archiveDirective(deps, id);
    c.set("audit", { action: "directive.archive", entity: "directive", entityId: id });
    return c.json({ ok: true });
  });

  // bodyLimits (app.ts) refuses a declared length over the limit first.
  api.post("/directives/:id/attachment", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const { stored, directive: d } = await attachFile(deps, id, c.req.raw.body, c.req.header("content-type"));
    c.set("audit", { action: "directive.attach", entity: "directive", entityId: id, detail: { file: stored.directive.attachmentName, sha256: stored.sha256, bytes: stored.bytes } });
    return c.json({ directive: d }, 201);
  });

  api.get("/directives/:id/attachment", zv("param", idParam), async (c) => {
    const a = await attachmentFile(deps, c.req.valid("param").id);
    return sendFile(c, a.file, a.type, a.name);
  });
}
