// Set-wise writes through Prisma where its per-row cost dominates (createMany costs ~0.4 ms
// of CPU a row here, the database itself ~0.01 ms): seeding large loads. The rows travel as ONE
// JSON parameter that the database unpacks (SQLite json_each, PostgreSQL json_to_recordset),
// so a statement binds one value whatever its size (SQLite's 999-parameter limit) and the
// same statement shape serves both databases. Prisma still serialises that parameter twice in
// this process: the planner's commit, which writes tens of thousands of rows per pass, goes
// past Prisma instead (server/plan-write-sqlite.ts, plan-write-pg.ts).
import { dbProvider, type Db } from "./client.ts";

export type ColumnType = "int" | "text" | "bool" | "time";
export type Columns = Record<string, ColumnType>;
type Raw = Pick<Db, "$queryRawUnsafe" | "$executeRawUnsafe">;

const PG_TYPE: Record<ColumnType, string> = { int: "integer", text: "text", bool: "boolean", time: "timestamp(3)" };

/** A row value as the JSON the database unpacks: instants as each database stores them
 *  (SQLite: the ISO text the Prisma adapter writes, so comparisons stay textual). */
function encode(sqlite: boolean, v: unknown): unknown {
  if (v instanceof Date) return sqlite ? v.toISOString().replace("Z", "+00:00") : v.toISOString();
  return v;
}

export interface Bulk {
  /** A FROM item `(rows) AS <alias>` whose columns are `columns`, bound to the statement's
   *  only parameter. */
  rows(columns: Columns, alias: string): string;
  /** The parameter for rows(): the rows as JSON. */
  param(columns: Columns, rows: readonly Record<string, unknown>[]): string;
}

export function bulkFor(db: object): Bulk {
  const sqlite = dbProvider(db) === "sqlite";
  return {
    rows(columns, alias) {
      const names = Object.keys(columns);
      if (sqlite) return `(SELECT ${names.map((n, i) => `value ->> ${i} AS "${n}"`).join(", ")} FROM json_each(?)) AS ${alias}`;
      return `json_to_recordset($1::json) AS ${alias}(${names.map((n) => `"${n}" ${PG_TYPE[columns[n]!]}`).join(", ")})`;
    },
    param(columns, rows) {
      const names = Object.keys(columns);
      // SQLite: one array a row (json_each + ->> re-reads the row for each column: arrays are
      // twice as fast as objects); PostgreSQL: objects for json_to_recordset.
      if (sqlite) return JSON.stringify(rows.map((r) => names.map((n) => encode(true, r[n] ?? null))));
      return JSON.stringify(rows.map((r) => Object.fromEntries(names.map((n) => [n, encode(false, r[n] ?? null)]))));
    },
  };
}

/** INSERT … SELECT from the JSON rows; `returning` columns come back (e.g. new ids). */
export async function insertRows<R>(tx: Raw, bulk: Bulk, table: string, columns: Columns, rows: readonly Record<string, unknown>[], returning?: string): Promise<R[]> {
  if (!rows.length) return [];
  const names = Object.keys(columns).map((n) => `"${n}"`).join(", ");
  const sql = `INSERT INTO "${table}" (${names}) SELECT ${names} FROM ${bulk.rows(columns, "v")}${returning ? ` RETURNING ${returning}` : ""}`;
  const p = bulk.param(columns, rows);
  if (returning) return tx.$queryRawUnsafe<R[]>(sql, p);
  await tx.$executeRawUnsafe(sql, p);
  return [];
}
