// End to end through the worker: a session scheduled on a zone whose output is a real
// icecast2 mount is received by a listener process that decodes non-silent audio of the
// session's length; the as-run log records each item.
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ffmpegPath } from "../../audio/ffmpeg.ts";
import { probe } from "../../audio/probe.ts";
import { createTestEnv, signedIn, type TestEnv } from "../helpers/env.ts";
import { startIcecast, type IcecastServer } from "../helpers/icecast.ts";
import { startSystem, waitFor } from "../helpers/system.ts";
import { toneItem } from "../helpers/media.ts";
import { nonSilentMs } from "../audio/player-fixtures.ts";

let ice: IcecastServer;
let env: TestEnv;
let sys: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  ice = await startIcecast();
  env = await createTestEnv({ env: { PLAYOUT_PREROLL_SECONDS: "2" } });
  sys = await startSystem(env);
});
afterAll(async () => {
  await sys?.stop();
  await env?.cleanup();
  await ice?.stop();
});

describe("icecast output", () => {
  it("airs a session to an icecast mount that a listener receives and decodes", async () => {
    const admin = await signedIn(env, "admin");
    const mount = "/thon-dong.mp3";
    const z = await admin.req("POST", "/api/zones", { code: "thon-dong", name: "Thôn Đông", outputKind: "icecast", outputConfig: { host: "127.0.0.1", port: ice.port, mount, password: ice.sourcePassword } });
    expect(z.status).toBe(201);
    const items = [await toneItem(env, "Một", 2, 440), await toneItem(env, "Hai", 2, 660)];
    await waitFor(async () => (await env.db.item.count({ where: { status: "ready" } })) === 2, 30_000);
    const p = await admin.req("POST", "/api/programs", { name: "Icecast", itemIds: items.map((i) => i.id), gapMs: 500 });

    // A listener process waits for the mount before the session is even requested (curl
    // retries until the source connects in pre-roll), so a slow machine cannot make it join late.
    const mp3 = path.join(env.dir, "heard.mp3");
    const wav = path.join(env.dir, "heard.wav");
    const listener = spawn("sh", ["-c", 'until curl -sf -o "$1" "$2"; do sleep 0.05; done', "sh", mp3, ice.url(mount)], { stdio: "ignore" });
    const closed = new Promise((res) => listener.once("close", res));
    const r = await admin.req("POST", "/api/airings/air-now", { programId: p.json.program.id, zoneIds: [z.json.zone.id] });
    expect(r.status).toBe(201);
    const airingId = r.json.airings[0].id as number;

    const done = await waitFor(async () => {
      const a = await env.db.airing.findUnique({ where: { id: airingId } });
      return a && ["aired", "failed", "interrupted", "missed"].includes(a.status) ? a : null;
    }, 60_000).catch(async (e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(await env.db.airing.findUnique({ where: { id: airingId } }))}`);
    });
    expect(done.status).toBe("aired");
    // Icecast drops its listeners when the source leaves, which ends curl.
    const timer = setTimeout(() => listener.kill("SIGKILL"), 10_000);
    await closed;
    clearTimeout(timer);
    execFileSync(ffmpegPath(), ["-hide_banner", "-nostdin", "-v", "error", "-f", "mp3", "-i", mp3, "-f", "wav", "-y", wav]);

    const rows = await env.db.asRun.findMany({ where: { airingId }, orderBy: { actualStart: "asc" } });
    expect(rows.map((x) => [x.itemId, x.status])).toEqual(items.map((i) => [i.id, "completed"]));
    const info = await probe(wav);
    // The mount is live from the pre-roll (silence) until the session's end.
    expect(info.durationMs).toBeGreaterThan(4000);
    expect(info.durationMs).toBeLessThan(10_000);
    // Both 2 s tones were heard (the 0.5 s gap and the pre-roll are silent).
    const heard = nonSilentMs(wav);
    expect(heard).toBeGreaterThan(3500);
    expect(heard).toBeLessThan(4600);
  }, 120_000);
});
