// The as-run log (nhật ký phát sóng): what actually aired, with filters and CSV export.
import type { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app.ts";
import { zv } from "../http/validate.ts";
import { localDate } from "./common.ts";
import type { ResourceDeps } from "./index.ts";
import { settlePlays } from "../settle-plays.ts";
import { csvDocument } from "../reports/csv.ts";
import { formatCell } from "../reports/tables.ts";
import { LEVEL_LABELS, SOURCE_VI, STATUS_VI } from "../reports/labels.ts";
import { reasonEn, reasonVi } from "../domain/reasons.ts";

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


export function asRunRoutes(api: Hono<AppEnv>, { db }: ResourceDeps) {
  api.get("/asrun", zv("query", query), async (c) => {
    const q = c.req.valid("query");
    await settlePlays(db);
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
      // An official record: Vietnamese, commune time, codes rendered in words, no host names.
      const tz = (await db.commune.findUniqueOrThrow({ where: { id: 1 } })).timeZone;
      const at = (d: Date | null) => (d ? formatCell(d, "datetime", tz, "csv") : "");
      const header = ["STT", "Ngày", "Cụm loa", "Tin, bài", "Giờ dự kiến", "Bắt đầu", "Kết thúc", "Thời lượng (giây)", "Trạng thái", "Nguồn", "Mức độ", "Được tính là lượt phát", "Ghi chú"];
      const lines = rows.map((r, i) => [
        String(i + 1), formatCell(r.localDate, "date", tz, "csv"), r.zone.name, r.item?.title ?? "", at(r.scheduledStart), at(r.actualStart), at(r.actualEnd),
        formatCell(r.durationMs / 1000, "decimal", tz, "csv"), STATUS_VI[r.status] ?? r.status, SOURCE_VI[r.source] ?? r.source,
        LEVEL_LABELS[r.priority]?.labelVi ?? r.priority, r.counted ? "Có" : "Không", reasonVi(r.noteCode, r.noteParams),
      ]);
      return c.body(csvDocument([header, ...lines]), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="nhat-ky-phat-song.csv"`,
      });
    }
    // Notes as codes rendered by the one catalogue, in both languages (the UI picks one).
    return c.json({ rows: rows.map((r) => ({ ...r, noteVi: reasonVi(r.noteCode, r.noteParams), noteEn: reasonEn(r.noteCode, r.noteParams) })) });
  });
}
