// Issue 17 item 5: renders are keyed by the run-down's content hash. Ten zones airing the
// same run-down (on two days) leave ONE render file, rendered by the production render
// jobs on a real BullMQ worker; housekeeping deletes it only once no airing points to it.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner, type Planner } from "../../server/planner.ts";
import { createStorage } from "../../server/storage.ts";
import { loadRenderInput } from "../../worker/render.ts";
import { renderHashOf } from "../../server/render-hash.ts";
import { jobId } from "../../server/jobs/catalogue.ts";
import { makeCanonicalClips, type CanonicalClip } from "../helpers/air-month.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";

let env: TestEnv;
let planner: Planner;
let clips: { clips: CanonicalClip[]; cleanup(): Promise<void> };
const clock = new ManualClock("2026-11-30T00:00:00.000Z"); // Mon 07:00 in Hà Nội

beforeAll(async () => {
  clips = await makeCanonicalClips([3, 2]);
  env = await createTestEnv({ clock, env: { PLAN_HORIZON_HOURS: "48" } });
  planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
});
afterAll(async () => {
  await env?.cleanup();
  await clips?.cleanup();
});

function folderBytes(dir: string): { files: number; bytes: number } {
  if (!fs.existsSync(dir)) return { files: 0, bytes: 0 };
  const names = fs.readdirSync(dir);
  return { files: names.length, bytes: names.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0) };
}

describe("shared renders", () => {
  it("10 zones airing the same run-down on two days → one render file; deleted only when unreferenced", async () => {
    const storage = createStorage(env.config.dataDir);
    const itemIds: number[] = [];
    for (const [i, clip] of clips.clips.entries()) {
      fs.mkdirSync(path.dirname(storage.abs(clip.rel)), { recursive: true });
      fs.copyFileSync(clip.abs, storage.abs(clip.rel));
      const asset = await env.db.audioAsset.create({ data: { kind: "canonical", sha256: clip.sha256, path: clip.rel, sizeBytes: clip.sizeBytes, durationMs: clip.durationMs, codec: "mp3", sampleRate: 44100, channels: 1 } });
      itemIds.push((await env.db.item.create({ data: { title: `Tin ${i}`, kind: "audio", status: "ready", durationMs: clip.durationMs, canonicalAssetId: asset.id } })).id);
    }
    const zones = [];
    for (let i = 0; i < 10; i++) zones.push(await env.db.zone.create({ data: { code: `thon-${i}`, name: `Thôn ${i}`, outputKind: "file", outputConfig: JSON.stringify({ dir: `thon-${i}` }) } }));
    const program = await env.db.program.create({ data: { name: "Bản tin", gapMs: 500, entries: { create: itemIds.map((itemId, position) => ({ itemId, position })) } } });
    await env.db.schedule.create({ data: { name: "Sáng", programId: program.id, kind: "recurring", daysOfWeek: "1,2,3,4,5,6,7", startTime: "05:30", maxDurationSec: 600, zones: { create: zones.map((z) => ({ zoneId: z.id })) } } });
    await planner.planHorizon();
    const airings = await env.db.airing.findMany({ orderBy: [{ scheduledStart: "asc" }, { zoneId: "asc" }] });
    expect(airings).toHaveLength(20); // Tue and Wed 05:30, 10 zones each

    const rendersDir = storage.abs("renders");
    const before = folderBytes(rendersDir);
    const system = await startSystem(env, { only: ["render"] });
    try {
      // The planner queued each airing's render for RENDER_LEAD_MINUTES before air: due now.
      const delayed = await env.queues.byName.render.getJobs(["delayed"]);
      expect(delayed.map((j) => j.id).sort()).toEqual((await Promise.all(airings.map(async (a) => {
        const input = (await loadRenderInput(env.db, a.id))!;
        return jobId({ name: "render", data: { airingId: a.id, hash: renderHashOf(input.lines, input.program?.gapMs ?? 1000, input.maxDurationMs) } });
      }))).sort());
      for (const j of delayed) await j.promote();
      await waitFor(async () => (await env.db.airing.count({ where: { status: "ready", renderAssetId: { not: null } } })) === 20, 120_000, 200).catch(async (e) => {
        const jobs = await env.queues.byName.render.getJobs(["failed", "waiting", "delayed", "completed", "active"]);
        console.log(`airings: ${JSON.stringify(await env.db.airing.findMany({ select: { id: true, status: true, renderAssetId: true } }))}\njobs: ${jobs.map((j) => `${j.id} ${j.failedReason ?? ""} ${JSON.stringify(j.returnvalue)}`).join("; ")}`);
        throw e;
      });
    } finally {
      await system.stop();
    }
    const after = folderBytes(rendersDir);
    const rendered = await env.db.airing.findMany({ include: { lines: { orderBy: { position: "asc" } } } });
    const assetIds = new Set(rendered.map((a) => a.renderAssetId));
    console.log(`render folder before: ${before.files} files, ${before.bytes} bytes; after 20 airings (10 zones × 2 days): ${after.files} file(s), ${after.bytes} bytes (one file per airing would be ${20 * after.bytes} bytes)`);
    expect(after.files).toBe(1);
    expect(assetIds.size).toBe(1);
    expect(await env.db.audioAsset.count({ where: { kind: "render" } })).toBe(1);
    // Every airing knows where its lines sit in the shared file, as if it had rendered it.
    const layouts = new Set(rendered.map((a) => JSON.stringify(a.lines.map((l) => [l.offsetMs, l.durationMs]))));
    expect(layouts.size).toBe(1);
    expect(rendered[0]!.lines.some((l) => l.offsetMs > 0)).toBe(true);

    // Housekeeping by reference: the file stays while one airing still points to it.
    const [keep, ...rest] = rendered;
    await env.db.airing.updateMany({ where: { id: { in: rest.map((a) => a.id) } }, data: { status: "aired" } });
    clock.set("2026-12-04T00:00:00.000Z");
    expect((await planner.housekeeping()).rendersDeleted).toBe(0);
    expect(folderBytes(rendersDir).files).toBe(1);
    expect(await env.db.airing.count({ where: { renderAssetId: { not: null } } })).toBe(1);
    await env.db.airing.update({ where: { id: keep!.id }, data: { status: "aired" } });
    expect((await planner.housekeeping()).rendersDeleted).toBe(1);
    const end = folderBytes(rendersDir);
    console.log(`render folder after housekeeping with no airing left on it: ${end.files} files, ${end.bytes} bytes`);
    expect(end.files).toBe(0);
  }, 240_000);
});
