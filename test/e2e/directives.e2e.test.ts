// Issue #15 in Chromium against the real server, on a phone (390×844): the directive register
// (a document registered with its due date and linked item), the approval queue (approval
// switched on, an item approved from the queue) and the one-step emergency from typed text
// (spoken and on air from the dialog). Screenshots in test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { E2eServer } from "./server.ts";
import { closeSession, openSession, screenshot, signInFirstTime, type BrowserSession } from "./browser.ts";
import { CONG_VAN, docxOf } from "../helpers/documents.ts";

const PASSWORD = "Mat-khau-van-ban-2026";

describe("directives, approval and the one-step emergency on a phone", () => {
  let session: BrowserSession | undefined;
  let server: E2eServer;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openSession({ viewport: { width: 390, height: 844 }, hasTouch: true });
    ({ server, page, pageErrors } = session);
    await signInFirstTime(page, server.url, "admin", server.adminPassword, PASSWORD);
  });

  afterAll(() => closeSession(session, "e2e-directives-server.log"));

  const go = async (nav: string, pageId: string) => {
    await page.getByTestId("menu-toggle").click();
    await page.getByTestId(`nav-${nav}`).click();
    await page.getByTestId(pageId).waitFor();
  };
  const fitsPhone = async (what: string) => expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(390);
  /** The API as the signed-in page calls it (session cookie + CSRF token). */
  const api = async (method: string, url: string, data?: unknown) => {
    const me = (await (await page.request.get(`${server.url}/api/auth/me`)).json()) as { csrfToken: string };
    const r = await page.request.fetch(`${server.url}${url}`, { method, data, headers: { "x-csrf-token": me.csrfToken } });
    return { status: r.status(), json: (await r.json()) as any };
  };

  it("registers a directive document with its due date and the item that carries it", async () => {
    await go("directives", "page-directives");
    await page.getByTestId("directive-new").click();
    await page.getByTestId("directive-dialog").waitFor();
    await page.getByTestId("directive-number").fill("12-CV/ĐU");
    await page.getByTestId("directive-issuer").fill("Đảng ủy xã Kiến Minh");
    await page.getByTestId("directive-issued").fill("28/11/2026");
    await page.getByTestId("directive-received").fill("2026-11-29T08:00");
    await page.getByTestId("directive-summary").fill("Về tăng cường tuyên truyền phòng, chống bão số 3");
    await page.getByTestId("directive-days").fill("3");
    await page.locator('[data-testid^="directive-item-"]').first().check();
    await screenshot(page, "phone-van-ban-moi");
    await page.getByTestId("directive-save").click();
    await page.getByTestId("directive-dialog").waitFor({ state: "detached" });
    const card = page.locator('[data-testid^="directive-"][data-status]').first();
    await card.waitFor();
    expect(await card.textContent()).toContain("12-CV/ĐU");
    expect(await card.textContent()).toContain("Hạn: 02/12/2026");
    expect(await card.getAttribute("data-status")).toBe("pending");
    await fitsPhone("register");
    await screenshot(page, "phone-so-van-ban");
  });

  it("turns a DOCX letter into an item read aloud, without its heading and signature", async () => {
    await go("library", "page-library");
    await page.getByTestId("doc-item-open").click();
    await page.getByTestId("doc-item-dialog").waitFor();
    await page.getByTestId("doc-item-file").setInputFiles({ name: "Công văn 12.docx", mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", buffer: await docxOf(CONG_VAN) });
    await page.getByTestId("doc-item-submit").click();
    const result = page.getByTestId("doc-item-result");
    await result.waitFor();
    const text = await result.innerText();
    expect(text).toContain("Công văn 12");
    expect(text).toContain("CÔNG VĂN");
    expect(text).not.toContain("Lưu VP"); // shown only inside the closed "lines not read" list
    await fitsPhone("document item result");
    await screenshot(page, "directives-document-item");
    await page.getByTestId("doc-item-close").click();
    await page.locator('[data-title="Công văn 12"]').waitFor();
  });

  it("holds a new item for approval and lets the leader approve it from the queue", async () => {
    await go("settings", "page-settings");
    await page.getByTestId("approval-required").check();
    await expect.poll(async () => (await api("GET", "/api/settings/approval")).json.required).toBe(true);
    const item = await api("POST", "/api/items", { kind: "tts", title: "Thông báo lịch tiêm chủng", text: "Trạm y tế xã thông báo lịch tiêm chủng tháng 12." });
    expect(item.status).toBe(201);
    expect(item.json.item.approval).toBe("pending");
    await go("approvals", "page-approvals");
    const card = page.getByTestId(`approval-item-${item.json.item.id}`);
    await card.waitFor();
    await fitsPhone("approval queue");
    await screenshot(page, "phone-duyet-tin");
    await page.getByTestId(`approval-approve-${item.json.item.id}`).click();
    await card.waitFor({ state: "detached" });
    expect((await api("GET", `/api/items/${item.json.item.id}`)).json.item.approval).toBe("approved");

    // A program made while approval is on waits too; the leader approves it from the same queue.
    const program = await api("POST", "/api/programs", { name: "Bản tin y tế", itemIds: [item.json.item.id], gapMs: 1000 });
    expect(program.json.program.approval).toBe("pending");
    await page.reload();
    const pcard = page.getByTestId(`approval-program-${program.json.program.id}`);
    await pcard.waitFor();
    expect(await pcard.innerText()).toContain("Thông báo lịch tiêm chủng");
    await fitsPhone("program approval");
    await page.getByTestId(`approval-approve-program-${program.json.program.id}`).click();
    await pcard.waitFor({ state: "detached" });
    expect((await api("GET", `/api/programs/${program.json.program.id}`)).json.program.approval).toBe("approved");
  });

  it("speaks a typed emergency bulletin and puts it on air in one step", async () => {
    await go("dashboard", "page-dashboard");
    await page.getByTestId("emergency-open").click();
    await page.getByTestId("emergency-mode-text").check();
    await page.getByTestId("emergency-text").fill("Thông báo khẩn: bão số 3 đổ bộ trong đêm nay. Đề nghị bà con chằng chống nhà cửa, không ra đồng, không đánh bắt cá.");
    await screenshot(page, "phone-khan-cap-nhap-van-ban");
    await page.getByTestId("emergency-next").click();
    await page.getByTestId("emergency-confirm-text").waitFor();
    await page.getByTestId("emergency-confirm").click();
    await page.getByTestId("emergency-dialog").waitFor({ state: "detached", timeout: 60_000 });
    const list = await api("GET", "/api/emergencies");
    const e = list.json.emergencies[0];
    expect(e.item.title).toMatch(/^Khẩn cấp: Thông báo khẩn: bão số 3/);
    expect(e.unapproved).toBe(true); // approval is on: aired anyway, flagged for review
    await page.getByTestId("active-emergencies").waitFor({ timeout: 30_000 });
    await screenshot(page, "phone-khan-cap-dang-phat");
    expect(pageErrors).toEqual([]);
  });
});
