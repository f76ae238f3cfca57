// The as-run log (nhật ký phát sóng): what actually aired, with filters and CSV export.
import type { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app.ts";
import { zv } from "../http/validate.ts";
import { localDate } from "./common.ts";
import type { ResourceDeps } from "./index.ts";

const query = z.object({
  from: localDate.optional(),
  to: localDate.optional(),
  zoneId: z.coerce.number().int().positive().optional(),
  itemId: z.coerce.number().int().positive().optional(),
  status: z.enum(["completed", "interrupted", "failed", "skipped"]).optional(),
  source: z.enum(["schedule", "manual", "emergency", "make_good"]).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  format: z.enum(["json", "csv"]).default("json"),
});

const csvCell = (v: unknown) => {
  let s = v instanceof Date ? v.toISOString() : v === null || v === undefined ? "" : String(v);
  // A title like "=HYPERLINK(…)" must stay text in Excel/LibreOffice (formula injection).
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function asRunRoutes(api: Hono<AppEnv>, { db }: ResourceDeps) {
  api.get("/asrun", zv("query", query), async (c) => {
    const q = c.req.valid("query");
    const rows = await db.asRun.findMany({
      where: {
        localDate: { gte: q.from, lte: q.to },
        zoneId: q.zoneId,
        itemId: q.itemId,
        status: q.status,
        source: q.source,
      },
      include: { zone: { select: { name: true } }, item: { select: { title: true } } },
      orderBy: { actualStart: "desc" },
      take: q.limit,
    });
    if (q.format === "csv") {
      const header = ["id", "ngay/date", "cum_loa/zone", "tin_bai/item", "du_kien/scheduled", "bat_dau/actual_start", "ket_thuc/actual_end", "thoi_luong_s/duration_s", "trang_thai/status", "nguon/source", "worker", "ghi_chu/note"];
      const lines = rows.map((r) => [r.id, r.localDate, r.zone.name, r.item?.title ?? "", r.scheduledStart, r.actualStart, r.actualEnd, (r.durationMs / 1000).toFixed(1), r.status, r.source, r.workerId, r.note].map(csvCell).join(","));
      return c.body("\uFEFF" + [header.join(","), ...lines].join("\r\n") + "\r\n", 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="nhat-ky-phat-song.csv"`,
      });
    }
    return c.json({ rows });
  });
}
