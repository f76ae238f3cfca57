// What the unit enters for its official records: the monthly figures of the other channels
// and the document settings (issuer abbreviation, signers, "Nơi nhận", duty roster).
import type { Hono } from "hono";
import { currentUser, requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { docSettingsBody } from "../reports/settings.ts";
import { channelsBody, channelsMonthParam } from "../contract/reports.ts";
import { channelFigures, documentSettings, saveChannelFigures, saveDocumentSettings } from "../services/report-inputs.ts";
import type { ResourceDeps } from "./index.ts";

export function reportInputsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  api.get("/reports/channels/:month", zv("param", channelsMonthParam), async (c) => c.json(await channelFigures(deps, c.req.valid("param").month)));

  api.put("/reports/channels/:month", requireRole(...CAN.generateReports), zv("param", channelsMonthParam), zv("json", channelsBody), async (c) => {
    const { month } = c.req.valid("param");
    const b = c.req.valid("json");
    const r = await saveChannelFigures(deps, month, b, currentUser(c).id);
    c.set("audit", { action: "report.channels", entity: "report", entityId: month, detail: b });
    return c.json(r);
  });

  api.get("/settings/documents", async (c) => c.json({ settings: await documentSettings(deps) }));

  api.put("/settings/documents", requireRole(...CAN.administer), zv("json", docSettingsBody), async (c) => {
    const b = c.req.valid("json");
    const settings = await saveDocumentSettings(deps, b);
    c.set("audit", { action: "settings.documents", entity: "settings", entityId: "documents", detail: b });
    return c.json({ settings });
  });
}
