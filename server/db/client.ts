// Builds the Prisma client for DATABASE_URL: better-sqlite3 for file: URLs (the
// embedded default), node-postgres for postgres:// and postgresql:// (scale-out: several
// machines sharing one database). Both generated clients come from the same models
// (prisma/postgres/schema.prisma is derived from prisma/schema.prisma), so the rest of
// the code uses one Db type.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;
export type DbProvider = "sqlite" | "postgresql";

const providers = new WeakMap<object, DbProvider>();
const urls = new WeakMap<object, string>();
const closers = new WeakMap<object, (() => Promise<void>)[]>();

/** The DATABASE_URL a client built by createDb was made for (server/db/fast-read.ts opens its
 *  own connection); null for any other client, such as a transaction's. */
export function databaseUrlOf(db: object): string | null {
  return urls.get(db) ?? null;
}

/** Runs `close` when the client disconnects (connections opened beside Prisma's). */
export function onDisconnect(db: object, close: () => Promise<void>): void {
  closers.get(db)?.push(close);
}

/** Remembers how the client was made; its $disconnect also closes what was opened beside it. */
function register<T extends Db>(db: T, provider: DbProvider, url: string): T {
  providers.set(db, provider);
  urls.set(db, url);
  const list: (() => Promise<void>)[] = [];
  closers.set(db, list);
  const disconnect = db.$disconnect.bind(db);
  Object.defineProperty(db, "$disconnect", {
    value: async () => {
      await Promise.allSettled(list.splice(0).map((c) => c()));
      await disconnect();
    },
  });
  return db;
}

/** Which database a client built by createDb talks to (SQLite for anything else). */
export const dbProvider = (db: object): DbProvider => providers.get(db) ?? "sqlite";

export function providerOfUrl(url: string): DbProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got ${redactUrl(url)}`);
}

export function sqlitePathFromUrl(url: string): string {
  if (!url.startsWith("file:")) throw new Error(`Only file: SQLite URLs are supported here, got ${redactUrl(url)}`);
  return url.slice("file:".length);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

/**
 * node-postgres settings for a PostgreSQL URL. Prisma's `?schema=` is not a libpq
 * parameter: it is taken out and becomes the search_path (raw SQL and migrations) and
 * the adapter's schema (ORM queries).
 */
export function pgConnection(url: string): { connectionString: string; schema?: string; options?: string } {
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? undefined;
  u.searchParams.delete("schema");
  const connectionString = u.toString();
  if (!schema) return { connectionString };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`schema must be a plain identifier, got ${schema}`);
  return { connectionString, schema, options: `-c search_path=${schema}` };
}

export interface DbOptions {
  /** PostgreSQL: connections in this process's pool (DATABASE_POOL_SIZE); SQLite has one. */
  poolSize?: number;
}

export async function createDb(databaseUrl: string, opts: DbOptions = {}): Promise<Db> {
  return providerOfUrl(databaseUrl) === "postgresql" ? createPgDb(databaseUrl, opts) : createSqliteDb(databaseUrl);
}

/**
 * Interactive transactions of one process take turns on SQLite's single connection (and on
 * the pool's on PostgreSQL). Prisma's defaults (wait 2 s for a turn, 5 s to finish) turn a
 * busy moment (a planning pass beside an upload and a report) into an error; a turn is
 * waited for as long as a lock is (busy_timeout).
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

/** As long as a plain statement waits for a lock (busy_timeout). */
const BUSY_RETRY_MS = 10_000;
/**
 * SQLITE_BUSY_SNAPSHOT (another connection committed after this transaction read), or plain
 * SQLITE_BUSY from a transaction that read and then wants to write while another connection
 * holds the write lock: SQLite answers that at once, without the busy timeout, because a
 * reader waiting for a writer could deadlock. The adapter reports the latter as P1008.
 */
const isBusy = (err: unknown) => {
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  return /^SQLITE_BUSY/.test(code) || code === "P1008";
};

/**
 * Such a transaction rolled back whole, so it is run again (transactions here touch only the
 * database), after a short random pause, until the busy timeout's worth of time has passed.
 */
function retryBusyTransactions(db: PrismaClient): void {
  const run = db.$transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  const retrying = async (...args: unknown[]) => {
    const deadline = Date.now() + BUSY_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await run(...args);
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(100, 5 + Math.random() * 20 * attempt)));
      }
    }
  };
  Object.defineProperty(db, "$transaction", { value: retrying });
}

async function createSqliteDb(databaseUrl: string): Promise<Db> {
  const adapter = new PrismaBetterSQLite3({ url: sqlitePathFromUrl(databaseUrl), timeout: 10_000 });
  const db = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  // WAL lets report queries read while the playout worker writes the as-run log.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA busy_timeout = 10000");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  retryBusyTransactions(db);
  return register(db, "sqlite", databaseUrl);
}

async function createPgDb(databaseUrl: string, opts: DbOptions): Promise<Db> {
  // Loaded only when asked for, so an SQLite installation never loads pg.
  const [{ PrismaPg }, { PrismaClient: PgClient }] = await Promise.all([
    import("@prisma/adapter-pg"),
    import("../generated/prisma-pg/client.ts"),
  ]);
  const { connectionString, schema, options } = pgConnection(databaseUrl);
  const adapter = new PrismaPg({ connectionString, options, max: opts.poolSize ?? 10, connectionTimeoutMillis: 10_000 }, { schema });
  // The two generated clients differ only nominally (provider-specific extras such as
  // `mode: "insensitive"`); the shared code is written against the SQLite one.
  const db = new PgClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }) as unknown as Db;
  await db.$queryRawUnsafe("SELECT 1"); // fail at start-up, not at the first request
  return register(db, "postgresql", databaseUrl);
}

/** A unique constraint refused the write (Prisma P2002): usually a concurrent insert won. */
export const isUniqueViolation = (err: unknown): boolean => (err as { code?: string } | null)?.code === "P2002";
