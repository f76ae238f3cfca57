// The as-run log (nhật ký phát sóng): what actually aired, a page at a time or as CSV.
import type { z } from "zod";
import { csvDocument } from "../reports/csv.ts";
import { formatCell } from "../reports/tables.ts";
import { LEVEL_LABELS, SOURCE_VI, STATUS_VI } from "../reports/labels.ts";
import { reasonEn, reasonVi } from "../domain/reasons.ts";
import { cursorAfter, pageOf } from "../db/page.ts";
import { fastReader, nest, Where } from "../db/fast-read.ts";
import type { Prisma } from "../generated/prisma/client.ts";
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

type AsRunRow = Prisma.AsRunGetPayload<{ include: { zone: { select: { name: true } }; item: { select: { title: true } } } }>;
const AS_RUN_COLUMNS = { dates: ["scheduledStart", "actualStart", "actualEnd", "createdAt"], bools: ["counted", "settled"] };

/** Newest first; the cursor continues after the last row sent (actualStart, id). */
export async function asRunLog(deps: Pick<Deps, "db" | "reports">, q: z.output<typeof asRunQuery>) {
  const { db, reports } = deps;
  const limit = q.limit ?? (q.format === "csv" ? CSV_MAX : JSON_DEFAULT);
  if (q.format === "json" && limit > JSON_MAX) throw new AppError(422, "PAGE_TOO_LARGE", `Mỗi trang tối đa ${JSON_MAX} dòng.`, `A page holds at most ${JSON_MAX} rows.`);
  await reports.settle();
  const around = startsAround(q.from, q.to);
  const where = new Where()
    .cmp(`t."localDate"`, ">=", q.from).cmp(`t."localDate"`, "<=", q.to)
    .cmp(`t."actualStart"`, ">=", around.gte).cmp(`t."actualStart"`, "<", around.lt)
    .eq(`t."zoneId"`, q.zoneId).eq(`t."itemId"`, q.itemId).eq(`t."status"`, q.status).eq(`t."source"`, q.source)
    .after(`t."actualStart"`, `t."id"`, "desc", cursorAfter(q.cursor, { date: true }));
  const found = (await fastReader(db).rows(
    `SELECT t.*, z."name" AS "zone.name", i."title" AS "item.title"
     FROM "AsRun" t JOIN "Zone" z ON z."id" = t."zoneId" LEFT JOIN "Item" i ON i."id" = t."itemId"
     ${where} ORDER BY t."actualStart" DESC, t."id" DESC LIMIT ?`,
    [...where.params, limit + 1],
    AS_RUN_COLUMNS,
  )).map((r) => nest(r, { item: "itemId" }) as AsRunRow);
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
  // A page repeats a few notes many times: each text is rendered once per page. The rows
  // are this request's own objects: the notes are added to them, not to copies.
  const notes = new Map<string, [string, string]>();
  const noted = rows.map((r) => {
    const key = `${r.noteCode}\u0000${r.noteParams}`;
    let n = notes.get(key);
    if (!n) notes.set(key, (n = [reasonVi(r.noteCode, r.noteParams), reasonEn(r.noteCode, r.noteParams)]));
    return Object.assign(r, { noteVi: n[0], noteEn: n[1] });
  });
  return { kind: "page", page: { rows: noted, nextCursor } } as const;
}
