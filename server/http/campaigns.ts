// Campaigns for key content (chiến dịch tuyên truyền trọng điểm) and their compliance.
import type { Hono } from "hono";
import { requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { campaignBody, campaignStatusQuery } from "../contract/scheduling.ts";
import { campaignFeasibilityOf, campaignStatus, createCampaign, listCampaigns, updateCampaign } from "../services/campaigns.ts";
import type { ResourceDeps } from "./index.ts";

export function campaignsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const editor = requireRole(...CAN.editContent);

  api.post("/campaigns/feasibility", zv("json", campaignBody), async (c) => c.json(await campaignFeasibilityOf(deps, c.req.valid("json"))));

  api.get("/campaigns", async (c) => c.json({ campaigns: await listCampaigns(deps) }));

  api.post("/campaigns", editor, zv("json", campaignBody), async (c) => {
    const b = c.req.valid("json");
    const campaign = await createCampaign(deps, b);
    c.set("audit", { action: "campaign.create", entity: "campaign", entityId: campaign.id, detail: b });
    return c.json({ campaign }, 201);
  });

  api.put("/campaigns/:id", editor, zv("param", idParam), zv("json", campaignBody), async (c) => {
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    const campaign = await updateCampaign(deps, id, b);
    c.set("audit", { action: "campaign.update", entity: "campaign", entityId: id, detail: b });
    return c.json({ campaign });
  });

  api.get("/campaigns/:id/status", zv("param", idParam), zv("query", campaignStatusQuery), async (c) =>
    c.json(await campaignStatus(deps, c.req.valid("param").id, c.req.valid("query").days)),
  );
}
