// Cursor pagination for every list: a page is `limit` rows in a stable order (a sort key
// plus the id as tie-breaker) and `nextCursor`, an opaque token naming the last row sent,
// or null on the last page. Keyset, not OFFSET: page 50 costs what page 1 costs, and a row
// inserted meanwhile never shifts a row into the next page twice.
import { z } from "zod";
import { AppError } from "../errors.ts";

/** The cursor's values: the sort key (a date as ISO text, a string or a number) then the id. */
export type CursorKey = [key: string | number, id: number];

const badCursor = () => new AppError(400, "BAD_CURSOR", "Vị trí trang không hợp lệ, hãy tải lại danh sách.", "Invalid page cursor; reload the list.");

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(token: string): CursorKey {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(v) || v.length !== 2 || !["string", "number"].includes(typeof v[0]) || !Number.isSafeInteger(v[1])) throw badCursor();
  return v as CursorKey;
}

export const cursorParam = z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "cursor is opaque base64url").optional();

/** Query fields of a paged list: `cursor` from the previous page, `limit` rows (default, max). */
export function pageQuery(defaultLimit: number, maxLimit: number) {
  return { cursor: cursorParam, limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit) };
}

type Dir = "asc" | "desc";

/**
 * The Prisma `where` fragment for "after the cursor" in order (field dir, id dir), and the
 * matching orderBy. A date field takes the cursor's ISO text back as a Date.
 */
export function keyset(field: string, dir: Dir, cursor: string | undefined, opts: { date?: boolean } = {}) {
  const orderBy = field === "id" ? [{ id: dir }] : [{ [field]: dir }, { id: dir }];
  const after = cursorAfter(cursor, opts);
  if (!after) return { where: {}, orderBy };
  const { key, id } = after;
  const op = dir === "asc" ? "gt" : "lt";
  if (field === "id") return { where: { id: { [op]: id } }, orderBy };
  return { where: { OR: [{ [field]: { [op]: key } }, { [field]: key, id: { [op]: id } }] }, orderBy };
}

/** The cursor's (sort key, id) for SQL keyset conditions (server/db/fast-read.ts `Where.after`). */
export function cursorAfter(cursor: string | undefined, opts: { date?: boolean } = {}): { key: string | number | Date; id: number } | null {
  if (!cursor) return null;
  const [rawKey, id] = decodeCursor(cursor);
  const key = opts.date ? new Date(String(rawKey)) : rawKey;
  if (key instanceof Date && Number.isNaN(key.getTime())) throw badCursor();
  return { key, id };
}

/** Rows fetched with `take: limit + 1` → the page and the cursor of its last row. */
export function pageOf<T extends { id: number }>(rows: T[], limit: number, keyOf: (row: T) => string | number | Date = (r) => r.id) {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  const key = last ? keyOf(last) : 0;
  return { rows: page, nextCursor: more && last ? encodeCursor([key instanceof Date ? key.toISOString() : key, last.id]) : null };
}
