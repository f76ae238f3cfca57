// PostgreSQL for tests: PG_TEST_URL, or else a server on 127.0.0.1:5432 with trust auth
// (user postgres, database `test`) when one answers. Each test file gets its own
// throw-away database, dropped afterwards. No server → the PostgreSQL tests are skipped,
// except in CI (CI=true), where a missing PostgreSQL is an error: CI must test it.
import net from "node:net";
import { randomBytes } from "node:crypto";
import pg from "pg";

const DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test";

function answers(host: string, port: number, ms = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(ms, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

/** The admin URL tests create their databases through, or null when there is no PostgreSQL. */
export async function pgTestUrl(): Promise<string | null> {
  if (process.env.PG_TEST_URL) return process.env.PG_TEST_URL;
  const url = await localPgUrl();
  if (!url && (process.env.CI === "true" || process.env.CI === "1")) throw new Error("CI is set but no PostgreSQL answers (set PG_TEST_URL or start a trust-auth server on 127.0.0.1:5432)");
  return url;
}

async function localPgUrl(): Promise<string | null> {
  if (!(await answers("127.0.0.1", 5432))) return null;
  const c = new pg.Client({ connectionString: DEFAULT_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return DEFAULT_URL;
  } catch {
    return null; // something answers on 5432 but not as trust-auth postgres/test
  } finally {
    await c.end().catch(() => {});
  }
}

export interface PgDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the server of `adminUrl`. */
export async function createPgDatabase(adminUrl: string, label = "t"): Promise<PgDatabase> {
  const name = `loaxa_${label}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A throw-away database for something that was asked to run on PostgreSQL (`--db pg`, E2E_DB=pg): none is an error. */
export async function requirePgDatabase(label: string, why = "--db pg"): Promise<PgDatabase> {
  const admin = await pgTestUrl();
  if (!admin) throw new Error(`${why}: no PostgreSQL answers (set PG_TEST_URL or start a trust-auth server on 127.0.0.1:5432)`);
  return createPgDatabase(admin, label);
}

