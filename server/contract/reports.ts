// Request schemas of reports, the as-run log and the live status.
import { z } from "zod";
import { cursorParam } from "../db/page.ts";
import { idParam, localDate } from "./common.ts";

const monthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "month must be YYYY-MM");

export const reportQuery = z.object({
  period: z.enum(["day", "week", "month", "quarter", "year", "custom"]).default("month"),
  value: z.string().max(40).optional(),
  from: localDate.optional(),
  to: localDate.optional(),
  format: z.enum(["json", "csv", "xlsx", "pdf"]).default("json"),
});
export const logbookQuery = z.object({
  week: z.string().regex(/^\d{4}-W\d{2}$/, "week must be YYYY-Www").optional(),
  month: monthKey.optional(),
  zoneId: z.coerce.number().int().positive().optional(),
  format: z.enum(["pdf", "xlsx"]).default("pdf"),
});
export const archiveFileParam = idParam.extend({ format: z.enum(["csv", "xlsx", "pdf"]) });
export const monthlyReportBody = z.object({ month: monthKey });

export const asRunQuery = z.object({
  from: localDate.optional(),
  to: localDate.optional(),
  zoneId: z.coerce.number().int().positive().optional(),
  itemId: z.coerce.number().int().positive().optional(),
  status: z.enum(["completed", "interrupted", "failed", "skipped"]).optional(),
  source: z.enum(["schedule", "manual", "emergency", "make_good"]).optional(),
  format: z.enum(["json", "csv"]).default("json"),
  cursor: cursorParam,
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

export const statusCountsQuery = z.object({ date: localDate.optional() });

export type ReportQuery = z.input<typeof reportQuery>;
export type AsRunQuery = z.input<typeof asRunQuery>;

export const channelsMonthParam = z.object({ month: monthKey });
const count = z.number().int().min(0).max(1_000_000);
const note = z.string().trim().max(500).default("");
/** The monthly figures of the other channels, entered by the unit for its report. */
export const channelsBody = z.object({
  directiveDocs: count, directiveNote: note, fanpagePosts: count, fanpageNote: note, radioItemsSent: count, radioNote: note,
  tvItemsSent: count, tvNote: note, portalArticles: count, portalNote: note,
});
