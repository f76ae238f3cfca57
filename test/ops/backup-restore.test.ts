// Deployment guide (docs/deploy.md): scripts/backup.sh takes a backup of a running-style
// installation (database + audio files), scripts/restore.sh puts it into a fresh data
// folder, and the app started there is healthy, signs the same admin in and serves the
// same audio bytes. A damaged backup and a restore over an installation are refused.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../../server/db/client.ts";
import { loadConfig } from "../../server/config.ts";
import { clipProgram } from "../helpers/shared-install.ts";
import { health, login, prepareInstall, startMain, waitFor } from "../supervise/processes.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch((e) => console.warn(`cleanup: ${(e as Error).message}`));
});
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("backup and restore (scripts/backup.sh, scripts/restore.sh)", () => {
  it("restores a backup into a fresh data folder, and the app starts healthy on it", async () => {
    const install = await prepareInstall({ env: { REDIS_AUTOSTART: "0" } });
    cleanups.push(() => install.cleanup());
    const db = await createDb(loadConfig(install.env).databaseUrl);
    const { itemIds } = await clipProgram(db, install.dataDir, [1], cleanups);
    await db.zone.create({ data: { code: "a", name: "Thôn A", outputKind: "file" } });
    const original = await db.item.findUniqueOrThrow({ where: { id: itemIds[0]! }, include: { canonicalAsset: true } });
    const audio = fs.readFileSync(path.join(install.dataDir, original.canonicalAsset!.path));
    await db.$disconnect();

    const work = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-backup-"));
    cleanups.push(async () => fs.rmSync(work, { recursive: true, force: true }));
    const env = { ...process.env, ...install.env };
    const b = await run(path.join(ROOT, "scripts/backup.sh"), ["--out", path.join(work, "backups")], { env });
    console.log(b.stdout);
    const [folder] = fs.readdirSync(path.join(work, "backups"));
    const backupDir = path.join(work, "backups", folder!);
    expect(fs.readdirSync(backupDir).sort()).toEqual(["database.sqlite", "files.tar.gz", "manifest.json"]);

    // A damaged copy is refused before anything is written.
    const damaged = path.join(work, "damaged");
    fs.cpSync(backupDir, damaged, { recursive: true });
    fs.appendFileSync(path.join(damaged, "files.tar.gz"), "x");
    const bad = await run(path.join(ROOT, "scripts/restore.sh"), [damaged], { env: { ...env, DATA_DIR: path.join(work, "never") } }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain("does not match its checksum");
    expect(fs.existsSync(path.join(work, "never", "loa-xa.db"))).toBe(false);

    const fresh = path.join(work, "restored");
    const r = await run(path.join(ROOT, "scripts/restore.sh"), [backupDir], { env: { ...env, DATA_DIR: fresh } });
    console.log(r.stdout);
    expect(r.stdout).toContain("checksums OK");
    // Restoring over an installation needs --force.
    const again = await run(path.join(ROOT, "scripts/restore.sh"), [backupDir], { env: { ...env, DATA_DIR: fresh } }).catch((e: { stderr: string }) => e);
    expect((again as { stderr: string }).stderr).toContain("pass --force");

    const app = await startMain({ ...install, dataDir: fresh, env: { ...install.env, DATA_DIR: fresh } }, []);
    cleanups.push(() => app.stop());
    const auth = await login(app.url);
    const h = await waitFor("health ok", async () => {
      const x = await health(app.url, auth);
      return x.status === 200 && x.body.status === "ok" ? x : null;
    }, 120_000, 500);
    console.log(`[restore] app on the restored folder: /api/health ${h.status} ${h.body.status}`);
    const items = await (await fetch(`${app.url}/api/items`, { headers: { cookie: auth.cookie } })).json() as { items: { id: number; title: string }[] };
    expect(items.items.map((i) => i.title)).toEqual([original.title]);
    const served = Buffer.from(await (await fetch(`${app.url}/api/items/${original.id}/audio?variant=canonical`, { headers: { cookie: auth.cookie } })).arrayBuffer());
    expect(sha(served)).toBe(sha(audio));
  }, 300_000);
});
