// Housekeeping: session renders are deleted a day after air, expired sign-ins go, and an
// item left "playing" by a crash is closed as interrupted.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../server/clock.ts";
import { silentLogger } from "../../server/logger.ts";
import { createPlanner } from "../../server/planner.ts";
import { createTestEnv, createUser, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
const clock = new ManualClock("2026-11-26T12:00:00.000Z");
beforeAll(async () => {
  env = await createTestEnv({ clock });
});
afterAll(async () => env?.cleanup());

describe("housekeeping", () => {
  it("removes old renders, expired sessions and stray playing rows", async () => {
    const zone = await env.db.zone.create({ data: { code: "z", name: "Z", outputKind: "file" } });
    const mkRender = async (name: string) => {
      const rel = path.join("renders", name);
      fs.mkdirSync(path.join(env.dir, "renders"), { recursive: true });
      fs.writeFileSync(path.join(env.dir, rel), "mp3");
      return env.db.audioAsset.create({ data: { kind: "render", sha256: name, path: rel, sizeBytes: 3, createdAt: new Date("2026-11-20T00:00:00Z") } });
    };
    const oldAsset = await mkRender("old.mp3");
    const nextAsset = await mkRender("next.mp3");
    const old = await env.db.airing.create({ data: { zoneId: zone.id, source: "schedule", localDate: "2026-11-24", scheduledStart: new Date("2026-11-24T00:00:00Z"), maxDurationMs: 1000, status: "aired", renderAssetId: oldAsset.id } });
    const next = await env.db.airing.create({ data: { zoneId: zone.id, source: "schedule", localDate: "2026-11-27", scheduledStart: new Date("2026-11-27T00:00:00Z"), maxDurationMs: 1000, status: "ready", renderAssetId: nextAsset.id } });
    await env.db.asRun.create({ data: { airingId: old.id, zoneId: zone.id, localDate: "2026-11-24", scheduledStart: old.scheduledStart, actualStart: old.scheduledStart, status: "playing", source: "schedule" } });
    const u = await createUser(env.db, "hk", "viewer");
    await env.db.session.create({ data: { id: "expired", userId: u.id, csrfToken: "x", expiresAt: new Date("2026-11-25T00:00:00Z") } });

    const planner = createPlanner({ db: env.db, queues: env.queues, config: env.config, clock, logger: silentLogger, events: env.events });
    const r = await planner.housekeeping();
    expect(r.rendersDeleted).toBe(1);
    expect(fs.existsSync(path.join(env.dir, "renders", "old.mp3"))).toBe(false);
    expect(fs.existsSync(path.join(env.dir, "renders", "next.mp3"))).toBe(true);
    expect((await env.db.airing.findUniqueOrThrow({ where: { id: next.id } })).renderAssetId).toBe(nextAsset.id);
    expect(await env.db.session.count({ where: { id: "expired" } })).toBe(0);
    expect((await env.db.asRun.findFirstOrThrow({ where: { airingId: old.id } })).status).toBe("interrupted");
  });
});
