// The as-run log (nhật ký phát sóng): what actually aired, a page at a time or as CSV.
import type { z } from "zod";
import { csvDocument } from "../reports/csv.ts";
import { formatCell } from "../reports/tables.ts";
import { LEVEL_LABELS, SOURCE_VI, STATUS_VI } from "../reports/labels.ts";
import { reasonEn, reasonVi } from "../domain/reasons.ts";
import { keyset, pageOf } from "../db/page.ts";
import { AppError } from "../errors.ts";
import type { asRunQuery } from "../contract/reports.ts";
import { communeTimeZone } from "./commune.ts";
import type { Deps } from "./deps.ts";

// A JSON page: 100 rows unless asked, at most 1,000. The CSV export: up to 5,000 rows in one file.
const JSON_DEFAULT = 100;
const JSON_MAX = 1000;
const CSV_MAX = 5000;

/**
 * The instants a row of commune dates [from, to] can start at, whatever the time zone (UTC
 * offsets lie within ±14 h). Redundant with the localDate filter, it lets the database walk
 * the actualStart index in page order and stop after one page, instead of sorting the
 * whole period for every page (EXPLAIN: test/integration/list-indexes.test.ts).
 */
function startsAround(from?: string, to?: string) {
  const H14 = 14 * 3600_000;
  return {
    gte: from ? new Date(Date.parse(`${from}T00:00:00Z`) - H14) : undefined,
    lt: to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86400_000 + H14) : undefined,
  };
}

/** Newest first; the cursor continues after the last row sent (actualStart, id). */
export async function asRunLog(deps: Pick<Deps, "db" | "reports">, q: z.output<typeof asRunQuery>) {
  const { db, reports } = deps;
  const limit = q.limit ?? (q.format === "csv" ? CSV_MAX : JSON_DEFAULT);
  if (q.format === "json" && limit > JSON_MAX) throw new AppError(422, "PAGE_TOO_LARGE", `Mỗi trang tối đa ${JSON_MAX} dòng.`, `A page holds at most ${JSON_MAX} rows.`);
  await reports.settle();
  const page = keyset("actualStart", "desc", q.cursor, { date: true });
  const found = await db.asRun.findMany({
    where: {
      AND: [{ localDate: { gte: q.from, lte: q.to }, actualStart: startsAround(q.from, q.to), zoneId: q.zoneId, itemId: q.itemId, status: q.status, source: q.source }, page.where],
    },
    include: { zone: { select: { name: true } }, item: { select: { title: true } } },
    orderBy: page.orderBy,
    take: limit + 1,
  });
  const { rows, nextCursor } = pageOf(found, limit, (r) => r.actualStart);
  if (q.format === "csv") {
    // An official record: Vietnamese, commune time, codes rendered in words, no host names.
    const tz = await communeTimeZone(deps);
    const at = (d: Date | null) => (d ? formatCell(d, "datetime", tz, "csv") : "");
    const header = ["STT", "Ngày", "Cụm loa", "Tin, bài", "Giờ dự kiến", "Bắt đầu", "Kết thúc", "Thời lượng (giây)", "Trạng thái", "Nguồn", "Mức độ", "Được tính là lượt phát", "Ghi chú"];
    const lines = rows.map((r, i) => [
      String(i + 1), formatCell(r.localDate, "date", tz, "csv"), r.zone.name, r.item?.title ?? "", at(r.scheduledStart), at(r.actualStart), at(r.actualEnd),
      formatCell(r.durationMs / 1000, "decimal", tz, "csv"), STATUS_VI[r.status] ?? r.status, SOURCE_VI[r.source] ?? r.source,
      LEVEL_LABELS[r.priority]?.labelVi ?? r.priority, r.counted ? "Có" : "Không", reasonVi(r.noteCode, r.noteParams),
    ]);
    return { kind: "csv", csv: csvDocument([header, ...lines]) } as const;
  }
  // Notes as codes rendered by the one catalogue, in both languages (the UI picks one).
  return { kind: "page", page: { rows: rows.map((r) => ({ ...r, noteVi: reasonVi(r.noteCode, r.noteParams), noteEn: reasonEn(r.noteCode, r.noteParams) })), nextCursor } } as const;
}
