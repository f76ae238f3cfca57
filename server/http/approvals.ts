// Content approval (server/approval.ts): the queue, a leader's decision on an item, the
// review of an emergency aired without approval, and the commune's switch. Audited.
import type { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole, type AppEnv } from "../app.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { approvalQueue, approvalRequired, decideItem, reviewEmergency } from "../approval.ts";
import type { ResourceDeps } from "./index.ts";

const decisionBody = z.object({ decision: z.enum(["approve", "reject"]), comment: z.string().trim().max(1000).optional() });
const settingBody = z.object({ required: z.boolean() });

export function approvalsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, clock } = deps;
  const leader = requireRole(...CAN.approve);

  api.get("/approvals", async (c) => c.json(await approvalQueue(db)));

  api.post("/items/:id/approval", leader, zv("param", idParam), zv("json", decisionBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await decideItem(db, id, body, currentUser(c).id, clock.now());
    // The next sessions not yet on air carry (or drop) it.
    await deps.replan?.({ itemId: id });
    c.set("audit", { action: `approval.${body.decision}`, entity: "item", entityId: id, detail: { from: r.before, to: r.after, comment: body.comment ?? "" } });
    return c.json({ item: await db.item.findUnique({ where: { id } }) });
  });

  api.post("/emergencies/:id/review", leader, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    await reviewEmergency(db, id, currentUser(c).id, clock.now());
    c.set("audit", { action: "emergency.review", entity: "emergency", entityId: id });
    return c.json({ ok: true });
  });

  api.get("/settings/approval", async (c) => c.json({ required: await approvalRequired(db) }));

  api.put("/settings/approval", requireRole(...CAN.administer), zv("json", settingBody), async (c) => {
    const { required } = c.req.valid("json");
    await db.commune.update({ where: { id: 1 }, data: { approvalRequired: required } });
    await deps.replan?.({});
    c.set("audit", { action: "settings.approval", entity: "commune", entityId: 1, detail: { required } });
    return c.json({ required });
  });
}
