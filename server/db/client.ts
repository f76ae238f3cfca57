// Builds the Prisma client over better-sqlite3 (the embedded default).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

export function sqlitePathFromUrl(url: string): string {
  if (!url.startsWith("file:")) throw new Error(`Only file: SQLite URLs are supported, got ${url}`);
  return url.slice("file:".length);
}

export async function createDb(databaseUrl: string): Promise<Db> {
  const adapter = new PrismaBetterSQLite3({ url: sqlitePathFromUrl(databaseUrl), timeout: 10_000 });
  const db = new PrismaClient({ adapter });
  // WAL lets report queries read while the playout worker writes the as-run log.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA busy_timeout = 10000");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  return db;
}
