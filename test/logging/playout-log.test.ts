// Every line logged while an airing is handled names the airing and its zone, whichever
// component writes it (the playout handler, the as-run writer, the sink, the player).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../server/logger.ts";
import { createTestEnv, signedIn, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";
import { toneItem } from "../helpers/media.ts";

const lines: Record<string, any>[] = [];
const logger = createLogger("debug", "test", { format: "json", destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
let env: TestEnv;
let sys: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  env = await createTestEnv();
  sys = await startSystem(env, { logger });
});

afterAll(async () => {
  await sys?.stop();
  await env?.cleanup();
});

describe("playout log lines", () => {
  it("carry the airing id and the zone", async () => {
    const zone = await env.db.zone.create({ data: { code: "thon-log", name: "Thôn Nhật Ký", outputKind: "file", outputConfig: JSON.stringify({ dir: "thon-log" }) } });
    const tone = await toneItem(env, "Tin ngắn", 1, 440);
    await waitFor(async () => (await env.db.item.findUnique({ where: { id: tone.id } }))?.status === "ready", 30_000);
    const admin = await signedIn(env, "admin");
    const prog = await admin.req("POST", "/api/programs", { name: "Một tin", itemIds: [tone.id], gapMs: 0 });
    const now = await admin.req("POST", "/api/airings/air-now", { programId: prog.json.program.id, zoneIds: [zone.id] });
    expect(now.status).toBe(201);
    const airing = await waitFor(() => env.db.airing.findFirst({ where: { zoneId: zone.id, status: "aired" } }), 30_000);
    const result = await waitFor(async () => lines.find((l) => typeof l.msg === "string" && l.msg.startsWith(`airing ${airing.id} on thon-log: `)), 5000);
    expect(result).toMatchObject({ airingId: airing.id, zoneId: zone.id, zone: "thon-log" });
    // No line about this airing lacks its fields.
    const about = lines.filter((l) => typeof l.msg === "string" && l.msg.includes(`airing ${airing.id}`));
    expect(about.length).toBeGreaterThan(0);
    for (const l of about) expect(l).toMatchObject({ airingId: airing.id, zone: "thon-log" });
  });
});
