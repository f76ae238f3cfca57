// Reports from the as-run log for any period, as JSON or CSV/XLSX/PDF, and the archive of
// generated monthly reports.
import type { Context, Hono } from "hono";
import { requireRole, type AppEnv } from "./context.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { jsonOnce, sendFile } from "./common.ts";
import { archiveFileParam, logbookQuery, monthlyReportBody, reportQuery } from "../contract/reports.ts";
import { archivedReportFile, archivedReports, logbook, periodReport, queueMonthlyReport, type ReportFile } from "../services/reports.ts";
import type { ResourceDeps } from "./index.ts";

const download = (c: Context, f: ReportFile) => c.body(f.bytes, 200, { "content-type": f.contentType, "content-disposition": `attachment; filename="${f.name}"` });

export function reportsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  api.get("/reports", zv("query", reportQuery), async (c) => {
    const { report, file } = await periodReport(deps, c.req.valid("query"));
    return file ? download(c, file) : jsonOnce(c, "report", report);
  });

  api.get("/reports/logbook", zv("query", logbookQuery), async (c) => download(c, await logbook(deps, c.req.valid("query"))));

  api.get("/reports/archive", async (c) => c.json({ reports: await archivedReports(deps) }));

  api.get("/reports/archive/:id/:format", zv("param", archiveFileParam), async (c) => {
    const { id, format } = c.req.valid("param");
    const { file, contentType, name } = await archivedReportFile(deps, id, format);
    return sendFile(c, file, contentType, name);
  });

  api.post("/reports/monthly", requireRole(...CAN.generateReports), zv("json", monthlyReportBody), async (c) => {
    const { month } = c.req.valid("json");
    await queueMonthlyReport(deps, month);
    c.set("audit", { action: "report.generate", entity: "report", entityId: month });
    return c.json({ queued: month }, 202);
  });
}
