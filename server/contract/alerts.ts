// Request schemas of alerts and their webhook (/api/alerts).
import { z } from "zod";

export const alertListQuery = z.object({
  state: z.enum(["open", "all"]).default("open"),
  severity: z.enum(["warning", "critical"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.coerce.number().int().positive().optional(),
});
export const alertSettingsBody = z.object({ webhookUrl: z.string().trim().max(2000).default("") });
export const webhookTestBody = z.object({ webhookUrl: z.string().trim().min(1).max(2000).optional() });
