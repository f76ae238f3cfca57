// What the unit enters for its official records: the monthly figures of the other channels
// ("Số liệu các kênh khác", printed in the report "do đơn vị nhập") and the document
// settings (issuer abbreviation, signers, "Nơi nhận", duty roster).
import type { Hono } from "hono";
import { z } from "zod";
import { currentUser, requireRole, type AppEnv } from "../app.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { docSettingsBody, loadDocSettings, saveDocSettings } from "../reports/settings.ts";
import type { ResourceDeps } from "./index.ts";

const monthParam = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "month must be YYYY-MM") });
const count = z.number().int().min(0).max(1_000_000);
const note = z.string().trim().max(500).default("");
const channelsBody = z.object({
  directiveDocs: count, directiveNote: note, fanpagePosts: count, fanpageNote: note, radioItemsSent: count, radioNote: note,
  tvItemsSent: count, tvNote: note, portalArticles: count, portalNote: note,
});

const EMPTY = { directiveDocs: 0, directiveNote: "", fanpagePosts: 0, fanpageNote: "", radioItemsSent: 0, radioNote: "", tvItemsSent: 0, tvNote: "", portalArticles: 0, portalNote: "" };

export function reportInputsRoutes(api: Hono<AppEnv>, { db }: ResourceDeps) {
  api.get("/reports/channels/:month", zv("param", monthParam), async (c) => {
    const { month } = c.req.valid("param");
    const row = await db.channelStat.findUnique({ where: { month } });
    return c.json({ month, entered: !!row, channels: row ?? { month, ...EMPTY, updatedAt: null } });
  });

  api.put("/reports/channels/:month", requireRole(...CAN.generateReports), zv("param", monthParam), zv("json", channelsBody), async (c) => {
    const { month } = c.req.valid("param");
    const b = c.req.valid("json");
    const data = { ...b, updatedById: currentUser(c).id };
    const row = await db.channelStat.upsert({ where: { month }, create: { month, ...data }, update: data });
    c.set("audit", { action: "report.channels", entity: "report", entityId: month, detail: b });
    return c.json({ month, entered: true, channels: row });
  });

  api.get("/settings/documents", async (c) => c.json({ settings: await loadDocSettings(db) }));

  api.put("/settings/documents", requireRole(...CAN.administer), zv("json", docSettingsBody), async (c) => {
    const b = c.req.valid("json");
    const settings = await saveDocSettings(db, b);
    c.set("audit", { action: "settings.documents", entity: "settings", entityId: "documents", detail: b });
    return c.json({ settings });
  });
}
