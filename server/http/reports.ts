// Reports from the as-run log for any period, as JSON or CSV/XLSX/PDF, and the archive of
// generated monthly reports.
import fs from "node:fs";
import path from "node:path";
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, type AppEnv } from "../app.ts";
import { AppError, notFound } from "../errors.ts";
import { zv } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, localDate, sendFile } from "./common.ts";
import { resolvePeriod, type PeriodSpec } from "../reports/period.ts";
import { isoWeekKey } from "../domain/time.ts";
import { reportToCsvBuffer } from "../reports/csv.ts";
import { reportToXlsx } from "../reports/xlsx.ts";
import { reportToPdf } from "../reports/pdf.ts";
import { writeLogbookPdf, writeLogbookXlsx } from "../reports/logbook.ts";
import { loadDocSettings } from "../reports/settings.ts";
import type { ResourceDeps } from "./index.ts";

const query = z.object({
  period: z.enum(["day", "week", "month", "quarter", "year", "custom"]).default("month"),
  value: z.string().max(40).optional(),
  from: localDate.optional(),
  to: localDate.optional(),
  format: z.enum(["json", "csv", "xlsx", "pdf"]).default("json"),
});

const TYPES = { csv: "text/csv; charset=utf-8", xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", pdf: "application/pdf" } as const;

export function reportsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, clock, queues } = deps;

  api.get("/reports", zv("query", query), async (c) => {
    const q = c.req.valid("query");
    const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
    let spec: PeriodSpec;
    if (q.period === "custom") {
      if (!q.from || !q.to) throw new AppError(422, "PERIOD_RANGE_REQUIRED", "Cần chọn từ ngày và đến ngày.", "A custom period needs from and to dates.");
      spec = { kind: "custom", from: q.from, to: q.to };
    } else {
      const today = new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(clock.now());
      spec = { kind: q.period, value: q.value ?? defaultValue(q.period, today) };
    }
    let period;
    try {
      period = resolvePeriod(spec, tz);
    } catch (err) {
      throw new AppError(422, "BAD_PERIOD", "Kỳ báo cáo không hợp lệ.", `Invalid report period: ${(err as Error).message}`);
    }
    if (period.days > 3700) throw new AppError(422, "PERIOD_TOO_LONG", "Kỳ báo cáo quá dài (tối đa 10 năm).", "The report period is too long (10 years at most).");
    const report = await deps.reports.report({ from: period.from, to: period.to, key: period.key, labelVi: period.labelVi, labelEn: period.labelEn }, { now: clock.now() });
    if (q.format === "json") return c.json({ report });
    const body = q.format === "csv" ? reportToCsvBuffer(report) : q.format === "xlsx" ? await reportToXlsx(report) : await reportToPdf(report, await loadDocSettings(db));
    const name = `bao-cao-${period.key}.${q.format}`;
    return c.body(new Uint8Array(body), 200, { "content-type": TYPES[q.format], "content-disposition": `attachment; filename="${name}"` });
  });

  // The weekly broadcast log book (sổ nhật ký chương trình phát thanh) that inspections check.
  api.get(
    "/reports/logbook",
    zv("query", z.object({ week: z.string().regex(/^\d{4}-W\d{2}$/, "week must be YYYY-Www").optional(), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "month must be YYYY-MM").optional(), zoneId: z.coerce.number().int().positive().optional(), format: z.enum(["pdf", "xlsx"]).default("pdf") })),
    async (c) => {
      const q = c.req.valid("query");
      const commune = await db.commune.findUniqueOrThrow({ where: { id: 1 } });
      const tz = commune.timeZone;
      let period;
      try {
        period = q.month
          ? resolvePeriod({ kind: "month", value: q.month }, tz)
          : resolvePeriod({ kind: "week", value: q.week ?? isoWeekKey(new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(clock.now())) }, tz);
      } catch (err) {
        throw new AppError(422, "BAD_PERIOD", "Tuần không hợp lệ.", `Invalid week: ${(err as Error).message}`);
      }
      const zone = q.zoneId ? await db.zone.findUnique({ where: { id: q.zoneId } }) : null;
      if (q.zoneId && !zone) throw notFound("zone");
      const tmp = deps.storage.tmpPath(`.${q.format}`);
      try {
        const range = { from: period.from, to: period.to, labelVi: period.labelVi };
        if (q.format === "pdf") await writeLogbookPdf(db, range, tmp, { timeZone: tz, commune, zoneId: q.zoneId, zoneLabel: zone?.name, settings: await loadDocSettings(db) });
        else await writeLogbookXlsx(db, range, tmp, { timeZone: tz, zoneId: q.zoneId });
        const body = fs.readFileSync(tmp);
        return c.body(new Uint8Array(body), 200, { "content-type": TYPES[q.format], "content-disposition": `attachment; filename="so-nhat-ky-${period.key}.${q.format}"` });
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    },
  );

  api.get("/reports/archive", async (c) => c.json({ reports: await db.report.findMany({ orderBy: [{ periodKey: "desc" }, { kind: "asc" }] }) }));

  api.get("/reports/archive/:id/:format", zv("param", idParam.extend({ format: z.enum(["csv", "xlsx", "pdf"]) })), async (c) => {
    const { id, format } = c.req.valid("param");
    const r = await db.report.findUnique({ where: { id } });
    const files = r ? (JSON.parse(r.files) as Record<string, string>) : {};
    const rel = files[format];
    if (!r || !rel) throw notFound("report");
    const file = path.resolve(deps.config.dataDir, rel);
    if (!file.startsWith(path.resolve(deps.config.dataDir) + path.sep) || !fs.existsSync(file)) throw notFound("report");
    return sendFile(c, file, TYPES[format], `bao-cao-${r.periodKey}.${format}`);
  });

  api.post("/reports/monthly", requireRole(...CAN.generateReports), zv("json", z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "month must be YYYY-MM") })), async (c) => {
    const { month } = c.req.valid("json");
    // Fresh: a finished job with this id would swallow the new request.
    await queues.addFresh({ name: "report", data: { month } });
    c.set("audit", { action: "report.generate", entity: "report", entityId: month });
    return c.json({ queued: month }, 202);
  });
}

function defaultValue(kind: "day" | "week" | "month" | "quarter" | "year", today: string): string {
  const [y, m] = today.split("-").map(Number) as [number, number];
  if (kind === "day") return today;
  if (kind === "week") return isoWeekKey(today);
  if (kind === "month") return today.slice(0, 7);
  if (kind === "quarter") return `${y}-Q${Math.ceil(m / 3)}`;
  return String(y);
}
