// The busiest reads (every request's session, the first pages of the lists dashboards poll)
// as plain SQL on a read connection of their own. Through Prisma 6's query compiler each of
// these costs 2–4 ms of this process's CPU (a query plan compiled per call, statements
// prepared again, rows mapped twice), against ~0.5 ms here: under 50 dashboards that is the
// difference between answering in 0.6 s and in 0.2 s (bench:api). Writes never come here.
// SQLite: a read-only better-sqlite3 connection (WAL: it sees every committed write) with
// its statements prepared once. PostgreSQL: a small node-postgres pool. Rows come back as
// Prisma would give them (Date for DateTime, boolean for Boolean), which `decode` restores
// for SQLite, where both are stored as text and integers.
import type BetterSqlite3 from "better-sqlite3";
import type pg from "pg";
import { databaseUrlOf, dbProvider, onDisconnect, pgConnection, sqlitePathFromUrl, type Db } from "./client.ts";

export type SqlParam = string | number | boolean | Date | null;
export type Row = Record<string, unknown>;

/** How to restore a column's type: DateTime and Boolean columns of the SELECT, by output name. */
export interface Decode {
  dates?: readonly string[];
  bools?: readonly string[];
}

export interface FastReader {
  /** Rows of a SELECT written with `?` placeholders (numbered for PostgreSQL). */
  rows(sql: string, params: readonly SqlParam[], decode?: Decode): Promise<Row[]>;
  close(): Promise<void>;
}

const readers = new WeakMap<Db, FastReader>();

/** The fast reader of this client's database, opened at first use and closed with the client. */
export function fastReader(db: Db): FastReader {
  let r = readers.get(db);
  if (!r) {
    const url = databaseUrlOf(db);
    // A transaction's client (or a test's own): the same SQL through it, in its transaction.
    if (url === null) return prismaReader(db);
    const reader = dbProvider(db) === "postgresql" ? pgReader(url) : sqliteReader(sqlitePathFromUrl(url));
    readers.set(db, (r = reader));
    onDisconnect(db, () => reader.close());
  }
  return r;
}

function decodeRow(row: Row, d: Decode | undefined): Row {
  if (d?.dates) for (const k of d.dates) {
    const v = row[k];
    if (v != null && !(v instanceof Date)) row[k] = new Date(v as string);
  }
  if (d?.bools) for (const k of d.bools) {
    const v = row[k];
    if (v != null && typeof v !== "boolean") row[k] = v === 1 || v === "1" || v === "t";
  }
  return row;
}

function prismaReader(db: Db): FastReader {
  // A transaction's client is not registered by createDb; Prisma knows its provider.
  const pg = (db as { _activeProvider?: string })._activeProvider === "postgresql";
  return {
    async rows(sql, params, decode) {
      let n = 0;
      const text = pg ? sql.replace(/\?/g, () => `$${++n}`) : sql;
      const rows = await db.$queryRawUnsafe<Row[]>(text, ...params);
      return rows.map((r) => decodeRow(r, decode));
    },
    close: async () => {},
  };
}

function sqliteReader(file: string): FastReader {
  let conn: BetterSqlite3.Database | null = null;
  const statements = new Map<string, BetterSqlite3.Statement>();
  // Parameters as the Prisma adapter writes them, so comparisons with stored text hold.
  const bind = (p: SqlParam) => (p instanceof Date ? p.toISOString().replace("Z", "+00:00") : typeof p === "boolean" ? (p ? 1 : 0) : p);
  let opening: Promise<BetterSqlite3.Database> | null = null;
  const open = () =>
    (opening ??= import("better-sqlite3").then(({ default: Database }) => {
      conn = new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
      return conn;
    }));
  return {
    async rows(sql, params, decode) {
      const c = conn ?? (await open());
      let st = statements.get(sql);
      if (!st) statements.set(sql, (st = c.prepare(sql)));
      return (st.all(...params.map(bind)) as Row[]).map((r) => decodeRow(r, decode));
    },
    async close() {
      statements.clear();
      conn?.close();
      conn = null;
      opening = null;
    },
  };
}

function pgReader(url: string): FastReader {
  const { connectionString, options } = pgConnection(url);
  let pool: Promise<pg.Pool> | null = null;
  const poolOf = () =>
    (pool ??= import("pg").then(({ default: { Pool, types } }) => {
      // Prisma keeps instants in `timestamp(3)` (no zone) as UTC; node-postgres would read
      // them as local time. Counts (int8) fit a number.
      const getTypeParser = ((oid: number, format?: "text" | "binary") =>
        oid === 1114 ? (s: string) => new Date(`${s.replace(" ", "T")}Z`) : oid === 20 ? (s: string) => Number(s) : types.getTypeParser(oid, format as "text")) as typeof types.getTypeParser;
      const p = new Pool({ connectionString, options, max: 4, idleTimeoutMillis: 10_000, allowExitOnIdle: true, connectionTimeoutMillis: 10_000, types: { getTypeParser } });
      p.on("error", () => {}); // an idle connection dropped by the server: the next query opens another
      return p;
    }));
  // Named statements: each connection parses and plans one once (planning alone took
  // ~5 ms of the server's time per list page).
  const prepared = new Map<string, { name: string; text: string }>();
  const bind = (p: SqlParam) => (p instanceof Date ? p.toISOString() : p);
  return {
    async rows(sql, params, decode) {
      let st = prepared.get(sql);
      if (st === undefined) {
        let n = 0;
        prepared.set(sql, (st = { name: `loaxa_fast_${prepared.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) }));
      }
      const res = await (await poolOf()).query({ ...st, values: params.map(bind) });
      return (res.rows as Row[]).map((r) => decodeRow(r, decode));
    },
    async close() {
      const p = pool;
      pool = null;
      if (p) await (await p).end();
    },
  };
}

/** Conditions and their parameters, AND-ed; undefined values add nothing (as in Prisma). */
export class Where {
  readonly conds: string[] = [];
  readonly params: SqlParam[] = [];
  add(cond: string, ...params: SqlParam[]): this {
    this.conds.push(cond);
    this.params.push(...params);
    return this;
  }
  eq(column: string, v: SqlParam | undefined): this {
    return v === undefined ? this : this.add(`${column} = ?`, v);
  }
  cmp(column: string, op: "<" | "<=" | ">" | ">=", v: SqlParam | undefined): this {
    return v === undefined ? this : this.add(`${column} ${op} ?`, v);
  }
  /** column IN (…) with a placeholder a value (one statement per list length, not content). */
  in(column: string, values: readonly SqlParam[]): this {
    return values.length ? this.add(`${column} IN (${values.map(() => "?").join(", ")})`, ...values) : this.add("1 = 0");
  }
  /** `(key, id)` strictly after the cursor's in this direction (keyset pagination). */
  after(key: string, id: string, dir: "asc" | "desc", cursor: { key: SqlParam; id: number } | null): this {
    if (!cursor) return this;
    const op = dir === "asc" ? ">" : "<";
    if (key === id) return this.add(`${id} ${op} ?`, cursor.id);
    // The first, redundant bound lets PostgreSQL start its index walk at the cursor; without
    // it a deep page filters every row before it (SQLite finds the bound itself).
    return this.add(`${key} ${op}= ? AND (${key} ${op} ? OR (${key} = ? AND ${id} ${op} ?))`, cursor.key, cursor.key, cursor.key, cursor.id);
  }
  toString(): string {
    return this.conds.length ? `WHERE ${this.conds.join(" AND ")}` : "";
  }
}

/** Columns "rel.field" of a row become `rel: { field }`; `optional` relations are null when their key is. */
export function nest(row: Row, optional: Record<string, string> = {}): Row {
  for (const k of Object.keys(row)) {
    const dot = k.indexOf(".");
    if (dot < 0) continue;
    const rel = k.slice(0, dot);
    const v = row[k];
    delete row[k];
    if (rel in optional && row[optional[rel]!] == null) {
      row[rel] = null;
      continue;
    }
    const o = (row[rel] ??= {}) as Row;
    o[k.slice(dot + 1)] = v;
  }
  return row;
}
