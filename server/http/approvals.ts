// Content approval (server/approval.ts): the queue, a leader's decision on an item, the
// review of an emergency aired without approval, and the commune's switch. Audited.
import type { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { decideOnItem, decideOnProgram, isApprovalRequired, pendingApprovals, reviewAiredEmergency, setApprovalRequired } from "../services/approvals.ts";
import type { ResourceDeps } from "./index.ts";

const decisionBody = z.object({ decision: z.enum(["approve", "reject"]), comment: z.string().trim().max(1000).optional() });
const settingBody = z.object({ required: z.boolean() });

export function approvalsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const leader = requireRole(...CAN.approve);

  api.get("/approvals", async (c) => c.json(await pendingApprovals(deps)));

  api.post("/items/:id/approval", leader, zv("param", idParam), zv("json", decisionBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await decideOnItem(deps, id, body, currentUser(c).id);
    c.set("audit", { action: `approval.${body.decision}`, entity: "item", entityId: id, detail: { from: r.before, to: r.after, comment: body.comment ?? "" } });
    return c.json({ item: r.item });
  });

  api.post("/programs/:id/approval", leader, zv("param", idParam), zv("json", decisionBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const r = await decideOnProgram(deps, id, body, currentUser(c).id);
    c.set("audit", { action: `approval.${body.decision}`, entity: "program", entityId: id, detail: { from: r.before, to: r.after, comment: body.comment ?? "" } });
    return c.json({ program: r.program });
  });

  api.post("/emergencies/:id/review", leader, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    await reviewAiredEmergency(deps, id, currentUser(c).id);
    c.set("audit", { action: "emergency.review", entity: "emergency", entityId: id });
    return c.json({ ok: true });
  });

  api.get("/settings/approval", async (c) => c.json({ required: await isApprovalRequired(deps) }));

  api.put("/settings/approval", requireRole(...CAN.administer), zv("json", settingBody), async (c) => {
    const { required } = c.req.valid("json");
    await setApprovalRequired(deps, required);
    c.set("audit", { action: "settings.approval", entity: "commune", entityId: 1, detail: { required } });
    return c.json({ required });
  });
}
