// Backup and restore of one installation: the database (SQLite: an online copy through
// SQLite's backup API, consistent while the app runs; PostgreSQL: pg_dump custom format)
// plus the files of DATA_DIR (audio originals and canonical files, renders, reports), in
// a folder with a manifest of checksums. Restore checks the checksums, refuses to overwrite
// an installation unless --force, and refuses a backup made by a newer version (migrations
// this code does not know). The app migrates a restored older database at its next start.
//   scripts/backup.sh  [--out DIR]                       (reads DATA_DIR, DATABASE_URL like the app)
//   scripts/restore.sh BACKUP_DIR [--force]             (into DATA_DIR / DATABASE_URL of this environment)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { loadConfig } from "../server/config.ts";
import { pgConnection, providerOfUrl, redactUrl, sqlitePathFromUrl } from "../server/db/client.ts";
import { listMigrations, MIGRATIONS_DIR, PG_MIGRATIONS_DIR } from "../server/db/migrate.ts";

const FORMAT = 1;
const FILES = "files.tar.gz";
/** What is never backed up: scratch space, the private Redis (transient jobs only) and secrets of the first start. */
const EXCLUDE = ["./tmp", "./redis", "./initial-admin-password", "./*.db", "./*.db-wal", "./*.db-shm", "./*.db-journal", "./*.lock"];

interface Manifest {
  format: number;
  createdAt: string;
  provider: "sqlite" | "postgresql";
  database: { file: string; sha256: string; bytes: number; migrations: string[] };
  files: { file: string; sha256: string; bytes: number; entries: number };
}

const say = (s: string) => console.log(`[backup] ${s}`);
const sha256File = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");

/** pg_dump / pg_restore arguments for a DATABASE_URL that may carry ?schema=. */
function pgArgs(url: string): { url: string; schema?: string } {
  const c = pgConnection(url);
  return { url: c.connectionString, schema: c.schema };
}

function appliedMigrations(provider: Manifest["provider"], dbFile: string | null, url: string): string[] {
  if (provider === "sqlite") {
    const db = new Database(dbFile!, { readonly: true });
    try {
      return (db.prepare(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`).all() as { migration_name: string }[]).map((r) => r.migration_name);
    } finally {
      db.close();
    }
  }
  const { url: u, schema } = pgArgs(url);
  const table = schema ? `"${schema}"."_prisma_migrations"` : `"_prisma_migrations"`;
  const out = execFileSync("psql", [u, "-w", "-tA", "-c", `SELECT migration_name FROM ${table} WHERE finished_at IS NOT NULL ORDER BY migration_name`], { encoding: "utf8" });
  return out.split("\n").map((s) => s.trim()).filter(Boolean);
}

async function backup(env: NodeJS.ProcessEnv, outRoot: string): Promise<string> {
  const config = loadConfig(env);
  const provider = providerOfUrl(config.databaseUrl);
  const out = path.join(outRoot, `loa-xa-backup-${stamp(new Date())}`);
  fs.mkdirSync(out, { recursive: true });
  say(`installation ${config.dataDir} (${provider} ${redactUrl(config.databaseUrl)}) → ${out}`);
  let dbFile: string;
  let migrations: string[];
  if (provider === "sqlite") {
    dbFile = path.join(out, "database.sqlite");
    const src = new Database(sqlitePathFromUrl(config.databaseUrl), { readonly: true, fileMustExist: true });
    try {
      await src.backup(dbFile);
    } finally {
      src.close();
    }
    // One self-contained file (no -wal/-shm beside it), checked.
    const copy = new Database(dbFile);
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("quick_check", { simple: true });
    copy.close();
    if (check !== "ok") throw new Error(`the database copy fails quick_check: ${String(check)}`);
    migrations = appliedMigrations(provider, dbFile, config.databaseUrl);
  } else {
    dbFile = path.join(out, "database.pgdump");
    const { url, schema } = pgArgs(config.databaseUrl);
    execFileSync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", ...(schema ? ["--schema", schema] : []), "--file", dbFile, url], { stdio: ["ignore", "inherit", "inherit"] });
    migrations = appliedMigrations(provider, null, config.databaseUrl);
  }
  say(`database: ${path.basename(dbFile)}, ${fs.statSync(dbFile).size} bytes, ${migrations.length} migrations applied`);
  const archive = path.join(out, FILES);
  execFileSync("tar", ["-czf", archive, ...EXCLUDE.map((e) => `--exclude=${e}`), "-C", config.dataDir, "."]);
  const entries = execFileSync("tar", ["-tzf", archive], { encoding: "utf8", maxBuffer: 1 << 30 }).split("\n").filter((l) => l && !l.endsWith("/")).length;
  say(`files: ${FILES}, ${entries} files, ${fs.statSync(archive).size} bytes`);
  const manifest: Manifest = {
    format: FORMAT,
    createdAt: new Date().toISOString(),
    provider,
    database: { file: path.basename(dbFile), sha256: sha256File(dbFile), bytes: fs.statSync(dbFile).size, migrations },
    files: { file: FILES, sha256: sha256File(archive), bytes: fs.statSync(archive).size, entries },
  };
  fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  say(`done: ${out}`);
  return out;
}

async function restore(env: NodeJS.ProcessEnv, from: string, force: boolean): Promise<void> {
  const config = loadConfig(env);
  const provider = providerOfUrl(config.databaseUrl);
  const manifest = JSON.parse(fs.readFileSync(path.join(from, "manifest.json"), "utf8")) as Manifest;
  if (manifest.format !== FORMAT) throw new Error(`unknown backup format ${manifest.format}`);
  if (manifest.provider !== provider) throw new Error(`the backup holds a ${manifest.provider} database but DATABASE_URL is ${provider}`);
  for (const part of [manifest.database, manifest.files]) {
    const f = path.join(from, part.file);
    if (sha256File(f) !== part.sha256) throw new Error(`${part.file} does not match its checksum: the backup is damaged`);
  }
  say(`backup ${from} of ${manifest.createdAt}: checksums OK`);
  const known = new Set(listMigrations(provider === "sqlite" ? MIGRATIONS_DIR : PG_MIGRATIONS_DIR));
  const newer = manifest.database.migrations.filter((m) => !known.has(m));
  if (newer.length) throw new Error(`the backup was made by a newer version (migrations ${newer.join(", ")}); install that version first`);

  fs.mkdirSync(config.dataDir, { recursive: true });
  if (provider === "sqlite") {
    const target = sqlitePathFromUrl(config.databaseUrl);
    if (fs.existsSync(target) && !force) throw new Error(`${target} exists: stop the app and pass --force to replace that installation`);
    const tmp = `${target}.restore-${process.pid}`;
    fs.copyFileSync(path.join(from, manifest.database.file), tmp);
    for (const side of ["-wal", "-shm", "-journal"]) fs.rmSync(target + side, { force: true });
    fs.renameSync(tmp, target);
  } else {
    const { url } = pgArgs(config.databaseUrl);
    const tables = execFileSync("psql", [url, "-w", "-tA", "-c", `SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_prisma_migrations'`], { encoding: "utf8" }).trim();
    if (tables !== "0" && !force) throw new Error(`${redactUrl(config.databaseUrl)} already holds an installation: pass --force to restore over it`);
    execFileSync("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", ...(force ? ["--clean", "--if-exists"] : []), "-d", url, path.join(from, manifest.database.file)], { stdio: ["ignore", "inherit", "inherit"] });
  }
  say(`database restored (${provider} ${redactUrl(config.databaseUrl)}, ${manifest.database.migrations.length} migrations; newer ones run at the next start)`);
  execFileSync("tar", ["-xzf", path.join(from, manifest.files.file), "-C", config.dataDir]);
  say(`files restored into ${config.dataDir} (${manifest.files.entries} files)`);
}

async function main(argv: string[]) {
  // Paths on the command line are the caller's (the wrappers run from the repository).
  const caller = process.env.LOA_XA_CALLER_CWD ?? process.cwd();
  const [cmd, ...rest] = argv.map((a, i) => (i > 0 && !a.startsWith("--") ? path.resolve(caller, a) : a));
  if (process.env.DATA_DIR) process.env.DATA_DIR = path.resolve(caller, process.env.DATA_DIR);
  const flag = (n: string) => rest.includes(n);
  const value = (n: string) => {
    const i = rest.indexOf(n);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (cmd === "backup") await backup(process.env, value("--out") ?? path.join(caller, "backups"));
  else if (cmd === "restore" && rest[0] && !rest[0].startsWith("--")) await restore(process.env, rest[0], flag("--force"));
  else throw new Error("usage: backup.ts backup [--out DIR] | backup.ts restore BACKUP_DIR [--force]");
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`[backup] failed: ${err.message}`);
  process.exit(1);
});
