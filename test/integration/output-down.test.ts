// An output that cannot be opened by air time + grace fails the airing with the reason and
// raises an `output_down` alert (alerts contract), with no as-run rows (nothing aired).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OffsetClock } from "../../server/clock.ts";
import { createTestEnv, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";
import { toneItem } from "../helpers/media.ts";
import { freePort } from "../helpers/icecast.ts";

let env: TestEnv;
const clock = new OffsetClock(Date.now());

beforeAll(async () => {
  // No grace: the output must be up at the scheduled second.
  env = await createTestEnv({ clock, env: { PLAYOUT_PREROLL_SECONDS: "3", LATE_GRACE_MINUTES: "0" } });
});
afterAll(async () => env?.cleanup());

describe("output down at air time", () => {
  it("fails the airing and raises output_down once the sink gave up at air time + grace", async () => {
    const sys = await startSystem(env);
    try {
      const item = await toneItem(env, "Tin", 1.5, 440);
      await waitFor(async () => (await env.db.item.findUniqueOrThrow({ where: { id: item.id } })).status === "ready", 60_000);
      const ready = await env.db.item.findUniqueOrThrow({ where: { id: item.id } });
      // An Icecast output nobody listens on.
      const port = await freePort();
      const zone = await env.db.zone.create({ data: { code: "down", name: "Thôn Mất Tiếng", outputKind: "icecast", outputConfig: JSON.stringify({ host: "127.0.0.1", port, mount: "/x.mp3", password: "hackme" }) } });
      const t = clock.now().getTime() + 5_000;
      const airing = await env.db.airing.create({
        data: { zoneId: zone.id, source: "manual", localDate: "2026-11-30", scheduledStart: new Date(t), maxDurationMs: 60_000, lines: { create: [{ position: 0, itemId: ready.id, reason: "program", durationMs: ready.durationMs }] } },
      });
      await sys.planner.enqueue(airing);
      const done = await waitFor(async () => {
        const a = await env.db.airing.findUniqueOrThrow({ where: { id: airing.id } });
        return ["aired", "failed", "interrupted", "missed"].includes(a.status) ? a : null;
      }, 60_000);
      expect(done.status).toBe("failed");
      expect(done.statusReason).not.toBe("");
      expect(clock.now().getTime()).toBeGreaterThanOrEqual(t); // it kept trying until air time
      expect(await env.db.asRun.count({ where: { airingId: airing.id } })).toBe(0);
      const alert = await waitFor(() => env.db.alert.findFirst({ where: { kind: "output_down", airingId: airing.id } }), 10_000);
      expect(alert).toMatchObject({ severity: "critical", zoneId: zone.id });
      expect(JSON.parse(alert.params).zone).toBe("Thôn Mất Tiếng");
    } finally {
      await sys.stop();
    }
  });
});
