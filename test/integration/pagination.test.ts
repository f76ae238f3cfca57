// Every list is paged by cursor: walking the pages returns each row exactly once, in the
// list's order, equal to the unpaged order; ties on the sort key are broken by id; a bad
// cursor is a 400 with a bilingual message, never a 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";

let env: TestEnv;
let admin: Client;
const T0 = Date.UTC(2026, 9, 5, 0, 0, 0);

beforeAll(async () => {
  env = await createTestEnv();
  admin = await signedIn(env, "admin");
  const zones: number[] = [];
  for (const code of ["a", "b"]) zones.push((await env.db.zone.create({ data: { code, name: `Thôn ${code}`, outputKind: "file" } })).id);
  await env.db.item.createMany({ data: Array.from({ length: 23 }, (_, i) => ({ title: `Tin ${i}`, kind: "tts", ttsText: "x", status: "ready" })) });
  // Pairs of airings and as-run rows share a start instant: the id must break the tie.
  await env.db.airing.createMany({
    data: Array.from({ length: 25 }, (_, i) => ({ zoneId: zones[i % 2]!, source: "schedule", localDate: "2026-10-05", scheduledStart: new Date(T0 + Math.floor(i / 2) * 60_000), maxDurationMs: 60_000 })),
  });
  await env.db.asRun.createMany({
    data: Array.from({ length: 27 }, (_, i) => {
      const start = new Date(T0 + Math.floor(i / 2) * 60_000);
      return { zoneId: zones[i % 2]!, localDate: "2026-10-05", scheduledStart: start, actualStart: start, actualEnd: new Date(start.getTime() + 30_000), durationMs: 30_000, status: "completed", source: "schedule", settled: true };
    }),
  });
  for (let i = 0; i < 9; i++) await env.db.auditLog.create({ data: { action: `test.${i}`, entity: "test", createdAt: new Date(T0 + i) } });
});
afterAll(async () => {
  await env?.cleanup();
});

/** Walks every page of `path` with `limit` rows → the ids in the order received. */
async function walk(path: string, field: string, limit: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let pages = 0;
  for (let cursor: string | null = null; ; ) {
    const r = await admin.req("GET", `${path}${path.includes("?") ? "&" : "?"}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(r.status).toBe(200);
    const rows = r.json[field] as { id: number }[];
    expect(rows.length).toBeLessThanOrEqual(limit);
    ids.push(...rows.map((x) => x.id));
    pages++;
    cursor = r.json.nextCursor;
    if (!cursor) return { ids, pages };
    expect(rows.length).toBe(limit);
  }
}

describe("cursor pagination", () => {
  it("as-run: newest first, (actualStart, id) descending, every row once", async () => {
    const all = await env.db.asRun.findMany({ orderBy: [{ actualStart: "desc" }, { id: "desc" }] });
    const { ids, pages } = await walk("/api/asrun?from=2026-10-05&to=2026-10-05", "rows", 4);
    expect(ids).toEqual(all.map((r) => r.id));
    expect(pages).toBe(7);
    // A filter applies to every page.
    expect((await walk("/api/asrun?zoneId=" + all[0]!.zoneId, "rows", 5)).ids).toEqual(all.filter((r) => r.zoneId === all[0]!.zoneId).map((r) => r.id));
  });

  it("airings: air-time order, (scheduledStart, id) ascending, every airing once", async () => {
    const all = await env.db.airing.findMany({ orderBy: [{ scheduledStart: "asc" }, { id: "asc" }] });
    expect((await walk("/api/airings?from=2026-10-05&to=2026-10-05", "airings", 3)).ids).toEqual(all.map((a) => a.id));
  });

  it("items: newest first, every item once; the last page says so", async () => {
    const all = await env.db.item.findMany({ where: { archived: false }, orderBy: { id: "desc" } });
    const { ids, pages } = await walk("/api/items", "items", 10);
    expect(ids).toEqual(all.map((i) => i.id));
    expect(pages).toBe(3);
    // A search with a LIKE metacharacter walks in batches and still pages exactly.
    expect((await walk(`/api/items?q=${encodeURIComponent("Tin 1_")}`, "items", 1)).ids).toEqual([]);
    expect((await walk(`/api/items?q=${encodeURIComponent("Tin 1")}`, "items", 2)).ids).toEqual(all.filter((i) => i.title.startsWith("Tin 1")).map((i) => i.id));
  });

  it("audit log: admins only, newest first", async () => {
    const all = await env.db.auditLog.findMany({ where: { entity: "test" }, orderBy: { id: "desc" } });
    expect((await walk("/api/audit?entity=test", "entries", 4)).ids).toEqual(all.map((a) => a.id));
    const viewer = await signedIn(env, "viewer");
    expect((await viewer.req("GET", "/api/audit")).status).toBe(403);
  });

  it("a forged or foreign cursor is a 400 with both languages; a page too large is refused", async () => {
    for (const cursor of ["bm90LWpzb24", Buffer.from(JSON.stringify(["x", "1"])).toString("base64url"), Buffer.from(JSON.stringify(["not a date", 1])).toString("base64url")]) {
      const r = await admin.req("GET", `/api/asrun?cursor=${cursor}`);
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe("BAD_CURSOR");
      expect(r.json.error.messageVi).toMatch(/trang/);
    }
    expect((await admin.req("GET", "/api/items?cursor=a%20b")).status).toBe(422);
    expect((await admin.req("GET", "/api/asrun?limit=2000")).status).toBe(422);
    // The CSV export is one file of up to 5,000 rows, not a page.
    expect((await admin.req("GET", "/api/asrun?format=csv&limit=5000")).status).toBe(200);
  });
});
