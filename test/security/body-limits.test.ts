// Bounded inputs, measured on a real API process: what the kernel says it read and how
// much resident memory it took, not what our code believes it did.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../server/db/client.ts";
import { bytesRead, login, peakRssGrowth, startApiProcess, type ApiProcess } from "./api-process.ts";
import { multipart, push, toneChunk, wavHeader } from "./http-push.ts";

const MB = 1024 * 1024;
let api: ApiProcess;
let db: Db;
let auth: { cookie: string; csrf: string };

beforeAll(async () => {
  api = await startApiProcess(); // UPLOAD_MAX_MB stays at its default, 200
  db = await createDb(`file:${path.join(api.dataDir, "loa-xa.db")}`);
  auth = await login(api);
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await api?.stop();
});

const tmpFiles = () => fs.readdirSync(path.join(api.dataDir, "tmp"));

describe("sign-in body", () => {
  for (const chunked of [false, true]) {
    it(`a 400 MB login body (${chunked ? "chunked" : "declared length"}) gets 413 and raises RSS by < 32 MB`, async () => {
      const { result: r, growth } = await peakRssGrowth(api.pid, () =>
        push(`${api.url}/api/auth/login`, { headers: { "content-type": "application/json" }, prefix: Buffer.from('{"username":"admin","password":"'), bodyBytes: 400 * MB, chunked }),
      );
      expect(r.status).toBe(413);
      console.log(`400 MB login (${chunked ? "chunked" : "declared"}): RSS +${(growth / MB).toFixed(1)} MB, client sent ${(r.sent / MB).toFixed(1)} MB before the answer`);
      const body = JSON.parse(r.body);
      expect(body.error.code).toBe("BODY_TOO_LARGE");
      expect(body.error.messageVi).toBe("Dữ liệu gửi lên quá lớn (tối đa 8 KB).");
      expect(body.error.messageEn).toBe("The request body is too large (at most 8 KB).");
      // The client was stopped long before 400 MB (the server refused, it did not drain).
      expect(r.sent).toBeLessThan(64 * MB);
      expect(growth).toBeLessThan(32 * MB);
    });
  }
});

describe("JSON bodies", () => {
  it("JSON nested 100,000 deep gets 400 JSON_TOO_DEEP, bilingual, and the API stays up", async () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const r = await fetch(`${api.url}/api/categories`, { method: "POST", headers: { "content-type": "application/json", cookie: auth.cookie, "x-csrf-token": auth.csrf }, body: deep });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { code: string; messageVi: string; messageEn: string } };
    expect(body.error.code).toBe("JSON_TOO_DEEP");
    expect(body.error.messageVi).toContain("lồng nhau quá sâu");
    expect(body.error.messageEn).toContain("nested too deeply");
    // The same depth anonymously, to the public sign-in route: 400 too, not 500.
    const anon = await fetch(`${api.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "[".repeat(3000) + "]".repeat(3000) });
    expect(anon.status).toBe(400);
    expect((await fetch(`${api.url}/api/health`)).status).toBe(200);
  });

  it("a 50 MB JSON body from a signed-in editor gets 413 (limit 1 MB), and nothing is created", async () => {
    const before = await db.category.count();
    const r = await push(`${api.url}/api/categories`, {
      headers: { "content-type": "application/json", cookie: auth.cookie, "x-csrf-token": auth.csrf },
      prefix: Buffer.from('{"code":"x","nameVi":"x","nameEn":"'),
      suffix: Buffer.from('"}'),
      bodyBytes: 50 * MB,
      chunked: true,
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.messageEn).toBe("The request body is too large (at most 1 MB).");
    expect(await db.category.count()).toBe(before);
  });
});

describe("uploads stream to disk", () => {
  const chunk = toneChunk();
  /** Streams a WAV of `dataBytes` as a multipart upload, declared or chunked. */
  const uploadWav = (name: string, dataBytes: number, chunked: boolean, fields: Record<string, string> = {}) => {
    const { contentType, prefix, suffix } = multipart(name, fields);
    return push(`${api.url}/api/items/upload`, {
      headers: { "content-type": contentType, cookie: auth.cookie, "x-csrf-token": auth.csrf },
      prefix: Buffer.concat([prefix, wavHeader(dataBytes)]),
      suffix,
      bodyBytes: dataBytes,
      chunked,
      chunk,
    });
  };

  it("a chunked 300 MB upload is refused with 413 after at most the limit + 1 MB read, leaving no file or row", async () => {
    const items = await db.item.count();
    const read0 = bytesRead(api.pid);
    const r = await uploadWav("bai-lon.wav", 300 * MB, true, { title: "Quá lớn" });
    // What the kernel counted as read by the API process (sockets and files alike), at
    // the answer and again once the connection is gone (nothing drained afterwards).
    const read = bytesRead(api.pid) - read0;
    await new Promise((res) => setTimeout(res, 2500));
    const readLater = bytesRead(api.pid) - read0;
    console.log(`chunked 300 MB upload: ${(read / MB).toFixed(2)} MB read at the 413, ${(readLater / MB).toFixed(2)} MB after close; client sent ${(r.sent / MB).toFixed(1)} MB`);
    expect(r.status).toBe(413);
    const body = JSON.parse(r.body);
    expect(body.error.code).toBe("FILE_TOO_LARGE");
    expect(body.error.messageVi).toBe("Tệp quá lớn (tối đa 200 MB).");
    expect(read).toBeGreaterThan(200 * MB);
    expect(read).toBeLessThanOrEqual(201 * MB);
    expect(readLater).toBeLessThanOrEqual(201 * MB);
    expect(tmpFiles()).toEqual([]);
    expect(await db.item.count()).toBe(items);
    expect(await db.audioAsset.count()).toBe(0);
  });

  it("a declared 300 MB upload is refused before a byte of it is read", async () => {
    const read0 = bytesRead(api.pid);
    const r = await uploadWav("bai-lon.wav", 300 * MB, false);
    expect(r.status).toBe(413);
    expect(bytesRead(api.pid) - read0).toBeLessThan(2 * MB);
    expect(tmpFiles()).toEqual([]);
  });

  it("a 199 MB upload is stored whole, hashed on the way in, and raises RSS by < 64 MB", async () => {
    const dataBytes = 199 * MB - 44;
    const { result: r, growth, before, peak } = await peakRssGrowth(api.pid, () => uploadWav("ban-tin-dai.wav", dataBytes, false, { title: "Bản tin dài" }));
    expect(r.status, r.body).toBe(201);
    const item = JSON.parse(r.body).item;
    expect(item.title).toBe("Bản tin dài");
    expect(Math.round(item.durationMs / 1000)).toBe(Math.round(dataBytes / 88200));
    const asset = await db.audioAsset.findUniqueOrThrow({ where: { id: item.originalAssetId } });
    expect(asset.sizeBytes).toBe(199 * MB);
    expect(fs.statSync(path.join(api.dataDir, asset.path)).size).toBe(199 * MB);
    expect(tmpFiles()).toEqual([]);
    console.log(`199 MB upload: RSS ${Math.round(before / MB)} MB → peak ${Math.round(peak / MB)} MB (+${(growth / MB).toFixed(1)} MB)`);
    expect(growth).toBeLessThan(64 * MB);
  });
});
