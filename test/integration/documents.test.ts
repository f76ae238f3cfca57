// Documents read aloud (issue #15, item 5): a Vietnamese DOCX and PDF made by the test
// (jszip / pdfkit; the product reads them with mammoth / pdfjs) become TTS items whose
// spoken text, checked after the Vietnamese normaliser, starts with the document's body and
// leaves out the heading, the signature block and the distribution list; a long document is
// split into parts within the item limit; bad files are refused in both languages and
// leave nothing behind; the item really speaks (espeak-ng through the ingest worker).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normaliseVietnameseText } from "../../audio/textnorm-vi.ts";
import { TTS_TEXT_MAX_CHARS } from "../../server/documents/items.ts";
import { createTestEnv, signedIn, type Client, type TestEnv } from "../helpers/env.ts";
import { startSystem, waitFor } from "../helpers/system.ts";
import { CONG_VAN, docxOf, pdfOf, type AdminDoc } from "../helpers/documents.ts";

let env: TestEnv;
let editor: Client;
let viewer: Client;

beforeAll(async () => {
  env = await createTestEnv({ env: { DIRECTIVE_FILE_MAX_MB: "1" } });
  editor = await signedIn(env, "editor");
  viewer = await signedIn(env, "viewer");
});
afterAll(async () => {
  await env?.cleanup();
});

const upload = (client: Client, name: string, bytes: Uint8Array, fields: Record<string, string> = {}) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append("file", new Blob([new Uint8Array(bytes)]), name);
  return client.req("POST", "/api/items/document", fd);
};
const spoken = (text: string) => normaliseVietnameseText(text);
const [titleLine] = CONG_VAN.title;
const firstSentence = CONG_VAN.body[0]!;

function expectReadAsRuled(ttsText: string) {
  // The title, then whom it addresses, then the body; the heading block is not read.
  expect(spoken(ttsText).startsWith(spoken(`${titleLine}`))).toBe(true);
  expect(spoken(ttsText)).toContain(spoken(firstSentence));
  expect(spoken(ttsText)).toContain(spoken("Kính gửi Trung tâm Dịch vụ Sự nghiệp công xã."));
  for (const left of ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "Độc lập", "Số: 12", "ngày 12 tháng 4", "Nơi nhận", "Lưu VP", "T/M", "BÍ THƯ", "Đã ký", "Nguyễn Văn An"]) {
    expect(ttsText, left).not.toContain(left);
  }
  // The end marker "./." is dropped; the last sentence ends the text.
  expect(ttsText.endsWith("triển khai thực hiện nghiêm túc.")).toBe(true);
}

describe("a document becomes an item read aloud", () => {
  it("DOCX: heading, signature and distribution list are left out; the item is linked to its directive and speaks", async () => {
    const directive = await env.db.directive.create({
      data: { issuer: "Đảng ủy xã Kiến Minh", number: "12-CV/ĐU", issuedDate: "2026-04-12", receivedAt: new Date("2026-04-12T01:00:00Z"), receivedDate: "2026-04-12", summary: "Tăng cường tuyên truyền phòng, chống bão số 3", action: "info" },
    });
    const r = await upload(editor, "Công văn 12.docx", await docxOf(CONG_VAN), { directiveId: String(directive.id), voice: "vi" });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.parts).toBe(1);
    const item = r.json.items[0];
    expect(item).toMatchObject({ kind: "tts", title: "Tăng cường tuyên truyền phòng, chống bão số 3", sourceRef: "12-CV/ĐU", status: "queued" });
    expectReadAsRuled(item.ttsText);
    expect(r.json.skipped).toEqual(expect.arrayContaining(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "T/M ĐẢNG ỦY", "Nguyễn Văn An"]));
    expect(await env.db.directiveItem.findMany({ where: { directiveId: directive.id } })).toEqual([{ directiveId: directive.id, itemId: item.id }]);
    const audit = await env.db.auditLog.findFirstOrThrow({ where: { action: "item.from_document" }, orderBy: { id: "desc" } });
    expect(audit.entityId).toBe(String(item.id));

    // The ingest worker speaks it (espeak-ng) like any TTS item.
    const system = await startSystem(env, { only: ["ingest"] });
    try {
      const ready = await waitFor(async () => {
        const row = await env.db.item.findUniqueOrThrow({ where: { id: item.id } });
        return row.status === "ready" || row.status === "failed" ? row : null;
      }, 90_000);
      expect(ready.status, ready.statusReason).toBe("ready");
      expect(ready.durationMs).toBeGreaterThan(10_000);
    } finally {
      await system.stop();
    }
  }, 120_000);

  it("PDF: lines wrapped by the layout are joined into whole sentences, read by the same rule", async () => {
    const r = await upload(editor, "cong-van.pdf", await pdfOf(CONG_VAN), { title: "Công văn phòng, chống bão", voice: "vi-vn-x-south" });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const item = r.json.items[0];
    expect(item).toMatchObject({ title: "Công văn phòng, chống bão", ttsVoice: "vi-vn-x-south" });
    expectReadAsRuled(item.ttsText);
    // pdfkit wrapped the first sentence over four lines; it is spoken as one.
    expect(item.ttsText).toContain(firstSentence);
  });

  it("a long document becomes parts within the item limit, in order, created together", async () => {
    const paragraph = (i: number) => `Đoạn ${i}. ${"Người dân cần theo dõi thông tin dự báo thời tiết, chủ động chằng chống nhà cửa và chuẩn bị lương thực, nước uống. ".repeat(8)}`.trim();
    const long: AdminDoc = { ...CONG_VAN, body: Array.from({ length: 40 }, (_, i) => paragraph(i + 1)) };
    const r = await upload(editor, "huong-dan.docx", await docxOf(long), { title: "Hướng dẫn phòng, chống bão" });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    const items: { title: string; ttsText: string }[] = r.json.items;
    expect(items.length).toBe(r.json.parts);
    expect(items.length).toBeGreaterThanOrEqual(2);
    items.forEach((it, i) => {
      expect(it.title).toBe(`Hướng dẫn phòng, chống bão (phần ${i + 1}/${items.length})`);
      expect(it.ttsText.length).toBeLessThanOrEqual(TTS_TEXT_MAX_CHARS);
    });
    // Every paragraph once, in order, none cut: the parts end at paragraph ends.
    const all = items.map((it) => it.ttsText).join("\n\n");
    const order = [...all.matchAll(/Đoạn (\d+)\./g)].map((m) => Number(m[1]));
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const it of items) expect(it.ttsText.endsWith("nước uống.")).toBe(true);
  });

  it("refuses bad files in Vietnamese and English and leaves nothing behind; a viewer may not", async () => {
    const before = await env.db.item.count();
    const renamed = await upload(editor, "cong-van.pdf", new TextEncoder().encode("MZ this is no pdf"));
    expect(renamed.status).toBe(415);
    expect(renamed.json.error.code).toBe("NOT_A_DOCUMENT");
    const corrupt = await upload(editor, "hong.pdf", new TextEncoder().encode("%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage"));
    expect(corrupt.status).toBe(422);
    expect(corrupt.json.error.code).toBe("UNREADABLE_DOCUMENT");
    expect(corrupt.json.error.messageVi).toMatch(/^Không đọc được nội dung tệp PDF/);
    const zipNotDocx = await upload(editor, "gia.docx", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]));
    expect(zipNotDocx.status).toBe(422);
    expect(zipNotDocx.json.error.code).toBe("UNREADABLE_DOCUMENT");
    const scan = await upload(editor, "ban-quet.pdf", await pdfOf(CONG_VAN, { textless: true }));
    expect(scan.status).toBe(422);
    expect(scan.json.error.code).toBe("NO_TEXT");
    expect(scan.json.error.messageVi).toContain("bản quét");
    const onlyHeading = await upload(editor, "trong.docx", await docxOf({ ...CONG_VAN, title: [], addressee: "", body: [] }));
    expect(onlyHeading.json.error.code).toBe("NO_BODY");
    const big = await upload(editor, "lon.pdf", new Uint8Array(env.config.DIRECTIVE_FILE_MAX_MB * 1024 * 1024 + 10).fill(0x25));
    expect(big.status).toBe(413);
    const exe = await upload(editor, "../../virus.exe", await docxOf(CONG_VAN));
    expect(exe.json.error.code).toBe("UNSUPPORTED_TYPE");
    const unknownDirective = await upload(editor, "a.docx", await docxOf(CONG_VAN), { directiveId: "999999" });
    expect(unknownDirective.status).toBe(404);
    const badVoice = await upload(editor, "a.docx", await docxOf(CONG_VAN), { voice: "robot" });
    expect(badVoice.status).toBe(422);
    expect((await upload(viewer, "a.docx", await docxOf(CONG_VAN))).status).toBe(403);
    expect(await env.db.item.count()).toBe(before);
    expect(await env.db.directiveItem.count({ where: { itemId: { gt: 0 } } })).toBe(1); // only the first test's link
  });

  it("a directive's own attachment is read aloud and linked to it", async () => {
    const d = await env.db.directive.create({
      data: { issuer: "UBND xã Kiến Minh", number: "45/TB-UBND", issuedDate: "2026-04-14", receivedAt: new Date("2026-04-14T01:00:00Z"), receivedDate: "2026-04-14", summary: "Thông báo lịch sơ tán", action: "info" },
    });
    const none = await editor.req("POST", `/api/directives/${d.id}/items`, {});
    expect(none.status).toBe(422);
    expect(none.json.error.code).toBe("NO_ATTACHMENT");
    const fd = new FormData();
    fd.append("file", new Blob([new Uint8Array(await pdfOf(CONG_VAN))]), "Thông báo 45.pdf");
    expect((await editor.req("POST", `/api/directives/${d.id}/attachment`, fd)).status).toBe(201);
    const r = await editor.req("POST", `/api/directives/${d.id}/items`, { voice: "vi", priority: "priority" });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.items[0]).toMatchObject({ title: "Thông báo lịch sơ tán", sourceRef: "45/TB-UBND", priority: "priority" });
    expectReadAsRuled(r.json.items[0].ttsText);
    expect((await env.db.directiveItem.findMany({ where: { directiveId: d.id } })).map((l) => l.itemId)).toEqual([r.json.items[0].id]);
    expect((await viewer.req("POST", `/api/directives/${d.id}/items`, {})).status).toBe(403);
  });
});
