// One-step emergency from typed text (issue #15): one request speaks the text (espeak-ng +
// loudness normalisation through the real ingest worker), creates a khẩn cấp item and puts
// it on air on the chosen zones; bad input writes nothing; with approval on it airs anyway,
// flagged for review. (Confirm-to-audio time is measured by `npm run bench:emergency`.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { startSystem } from "../helpers/system.ts";

let env: TestEnv;
let sys: Awaited<ReturnType<typeof startSystem>>;
let op: Client;
let zones: number[];
const TEXT = "Thông báo khẩn: bão số 3 đổ bộ trong đêm nay. Đề nghị bà con chằng chống nhà cửa, không ra đồng, không đánh bắt cá.";

beforeAll(async () => {
  env = await createTestEnv();
  sys = await startSystem(env, { only: ["ingest"] });
  op = await signedIn(env, "operator");
  zones = [];
  for (const code of ["a", "b"]) zones.push((await env.db.zone.create({ data: { code, name: `Thôn ${code}`, outputKind: "file" } })).id);
});
afterAll(async () => {
  await sys?.stop();
  await env?.cleanup();
});

describe("one-step emergency from text", () => {
  it("speaks, normalises and airs the text on the chosen zones in one request", async () => {
    await env.db.commune.update({ where: { id: 1 }, data: { approvalRequired: true } });
    const r = await op.req("POST", "/api/emergencies/text", { text: TEXT, zoneIds: zones });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.item).toMatchObject({ kind: "tts", priority: "emergency", status: "ready", ttsText: TEXT, title: expect.stringMatching(/^Khẩn cấp: Thông báo khẩn: bão số 3/) });
    expect(r.json.item.durationMs).toBeGreaterThan(4000);
    const asset = await env.db.audioAsset.findUniqueOrThrow({ where: { id: r.json.item.canonicalAssetId } });
    expect(asset.loudnessI).not.toBeNull();
    expect(Math.abs(asset.loudnessI! - env.config.LOUDNESS_TARGET_LUFS)).toBeLessThan(2);
    const airings = await env.db.airing.findMany({ where: { emergencyId: r.json.emergency.id } });
    expect(airings.map((a) => a.zoneId).sort()).toEqual([...zones].sort());
    // Approval is on and nobody approved the new item: it airs (an emergency never waits), flagged.
    expect(r.json.emergency.unapproved).toBe(true);
    const audit = await env.db.auditLog.findFirstOrThrow({ where: { entity: "emergency", entityId: String(r.json.emergency.id) } });
    expect(JSON.parse(audit.detail)).toMatchObject({ fromText: true, chars: TEXT.length, unapproved: true });
    await op.req("POST", `/api/emergencies/${r.json.emergency.id}/cancel`);
  });

  it("refuses an unknown zone or an empty text in both languages and writes nothing", async () => {
    const items = await env.db.item.count();
    const bad = await op.req("POST", "/api/emergencies/text", { text: TEXT, zoneIds: [9999] });
    expect(bad.status).toBe(422);
    expect(bad.json.error.messageVi).toBe("Có cụm loa không tồn tại hoặc đang tắt.");
    expect((await op.req("POST", "/api/emergencies/text", { text: "  ", zoneIds: zones })).status).toBe(422);
    const viewer = await signedIn(env, "viewer");
    expect((await viewer.req("POST", "/api/emergencies/text", { text: TEXT, zoneIds: zones })).status).toBe(403);
    expect(await env.db.item.count()).toBe(items);
  });
});
