// The operator app on a phone (390×844) and a desktop (1366×768), in Chromium against the
// real server: every page and dialog fits the screen (no sideways page scroll, close
// buttons on screen), axe-core finds no serious or critical problem, no English word of
// the app's catalogue shows in Vietnamese, live updates never overwrite each other, the
// settings form starts from what is saved, and next week's calendar comes from the rules.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { E2eServer } from "./server.ts";
import { closeSession, openSession, screenshot, until, type BrowserSession } from "./browser.ts";
import { en } from "../../web/src/i18n/en.ts";
import { vi } from "../../web/src/i18n/vi.ts";

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TZ = "Asia/Ho_Chi_Minh";
const PASSWORD = "Mat-khau-dien-thoai-2026";
const SIZES = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1366, height: 768 },
] as const;

/**
 * English words the app itself could show: every word of the English catalogue that the
 * Vietnamese catalogue does not also use (brand and technical names such as Icecast, JSON).
 */
function englishWords(): Set<string> {
  const words = (s: string) => s.match(/[A-Za-z]{3,}/g) ?? [];
  const shared = new Set(Object.values(vi).flatMap(words).map((w) => w.toLowerCase()));
  // Placeholders ({name}) are not shown text.
  const shown = Object.values(en).map((s) => s.replace(/\{\w+\}/g, " "));
  return new Set(shown.flatMap(words).map((w) => w.toLowerCase()).filter((w) => !shared.has(w)));
}
const ENGLISH = englishWords();

function englishIn(text: string): string[] {
  return [...new Set((text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => ENGLISH.has(w.toLowerCase())))];
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

async function axe(page: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol, so a strict Content-Security-Policy does not stop it.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const r = (await page.evaluate(() => (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<unknown> } }).axe.run(document, { resultTypes: ["violations"] }))) as AxeResult;
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

async function fits(page: Page, what: string): Promise<void> {
  const m = await page.evaluate(() => {
    // For the failure message: the innermost elements that stick out on the right.
    const wide = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}[${el.getAttribute("data-testid") ?? ""}]`);
    return { scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide };
  });
  expect(m.scroll, `${what}: page ${m.scroll}px wide in a ${m.inner}px window (${m.wide.join(", ")})`).toBeLessThanOrEqual(m.inner);
}

async function noEnglish(page: Page, what: string, root = "body"): Promise<void> {
  const text = await page.locator(root).first().innerText();
  expect(englishIn(text), `${what}: English words on a Vietnamese page`).toEqual([]);
}

describe("operator app on a phone and a desktop", () => {
  let session: BrowserSession | undefined;
  let server: E2eServer;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    session = await openSession({ viewport: { width: 390, height: 844 }, hasTouch: true, acceptDownloads: true });
    ({ server, page, pageErrors } = session);
  });

  afterAll(() => closeSession(session, "e2e-phone-server.log"));

  const db = () => new Database(path.join(server.dataDir, "loa-xa.db"), { readonly: true, fileMustExist: true });

  /** A dialog is open: it fits, its close button is on screen, axe passes, no English; then closed. */
  const checkDialog = async (testId: string, shot: string, size: string) => {
    const dialog = page.getByTestId(testId);
    await dialog.waitFor();
    await page.waitForTimeout(150);
    const close = dialog.getByTestId("dialog-close").first();
    const box = await close.boundingBox();
    const vp = page.viewportSize()!;
    expect(box, `${shot}: close button`).not.toBeNull();
    expect(box!.x, `${shot}: close button left`).toBeGreaterThanOrEqual(0);
    expect(box!.y, `${shot}: close button top`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${shot}: close button right`).toBeLessThanOrEqual(vp.width);
    expect(box!.y + box!.height, `${shot}: close button bottom`).toBeLessThanOrEqual(vp.height);
    expect(box!.width, `${shot}: close button tap width`).toBeGreaterThanOrEqual(44);
    expect(box!.height, `${shot}: close button tap height`).toBeGreaterThanOrEqual(44);
    await fits(page, shot);
    await axe(page, shot);
    await noEnglish(page, shot, `[data-testid="${testId}"]`);
    await screenshot(page, `${size}-${shot}`);
    await close.click();
    await dialog.waitFor({ state: "detached" });
  };

  const go = async (size: string, nav: string, pageId: string, ready?: string) => {
    if (size === "phone") {
      await page.getByTestId("menu-toggle").click();
      await page.getByTestId(`nav-${nav}`).click();
      // The menu folds away after choosing.
      expect(await page.getByTestId(`nav-${nav}`).isVisible()).toBe(false);
    } else {
      await page.getByTestId(`nav-${nav}`).click();
    }
    await page.getByTestId(pageId).waitFor();
    if (ready) await page.locator(ready).first().waitFor();
    await page.waitForTimeout(200);
    expect(await page.title()).toMatch(/ · Loa Xã$/);
    await fits(page, `${size} ${nav}`);
    await axe(page, `${size} ${nav}`);
    await noEnglish(page, `${size} ${nav}`);
    await screenshot(page, `${size}-${nav}`);
  };

  it("signs in on a phone with Vietnamese validation, never the browser's own messages", async () => {
    await page.goto(server.url);
    await page.getByTestId("login-form").waitFor();
    expect(await page.title()).toBe("Đăng nhập · Loa Xã");
    await fits(page, "sign-in");
    await axe(page, "sign-in");
    await screenshot(page, "phone-dang-nhap");
    // An empty form: the app's messages, naming the fields in Vietnamese.
    await page.getByTestId("login-submit").click();
    const msg = (await page.getByTestId("login-error").textContent()) ?? "";
    expect(msg).toContain("Tên đăng nhập: chưa nhập");
    expect(msg).toContain("Mật khẩu: chưa nhập");
    expect(englishIn(msg)).toEqual([]);
    expect(await page.getByTestId("login-username").evaluate((el: HTMLInputElement) => el.validationMessage)).toBe("");

    await page.getByTestId("login-username").fill("admin");
    await page.getByTestId("login-password").fill(server.adminPassword);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("password-form").waitFor();
    await fits(page, "password change");
    await axe(page, "password change");
    await screenshot(page, "phone-doi-mat-khau");
    await page.getByTestId("pw-current").fill(server.adminPassword);
    await page.getByTestId("pw-new").fill(PASSWORD);
    await page.getByTestId("pw-repeat").fill(PASSWORD);
    await page.getByTestId("pw-submit").click();
    await page.getByTestId("page-dashboard").waitFor();
    expect(await page.getByTestId("current-user").textContent()).toContain("Quản trị viên");
  });

  it("is installable: a Vietnamese manifest with icons, and a service worker that leaves the API alone", async () => {
    const manifest = (await (await page.request.get(server.url + "/manifest.webmanifest")).json()) as { lang: string; icons: { src: string; sizes: string }[]; shortcuts: { url: string }[] };
    expect(manifest.lang).toBe("vi");
    for (const icon of manifest.icons) expect((await page.request.get(server.url + icon.src)).status(), icon.src).toBe(200);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    // The emergency button is one tap from the home screen: the app's shortcut opens it.
    expect(manifest.shortcuts.map((s) => s.url)).toContain("/?emergency=1");
    const sw = await page.request.get(server.url + "/sw.js");
    expect(sw.status()).toBe(200);
    expect(await sw.text()).toContain('url.pathname.startsWith("/api/")');
  });

  for (const size of SIZES) {
    it(`every page and dialog fits ${size.width}×${size.height}, passes axe and speaks Vietnamese`, async () => {
      await page.setViewportSize({ width: size.width, height: size.height });
      const s = size.name;
      await page.goto(server.url + "/");
      await go(s, "dashboard", "page-dashboard", '[data-testid="zone-cards"] article');
      await page.getByTestId("emergency-open").click();
      await page.getByTestId("emergency-item").locator("option").nth(1).waitFor({ state: "attached" });
      // Jingles are not bulletins.
      expect(await page.getByTestId("emergency-item").textContent()).not.toContain("Nhạc hiệu");
      await page.getByTestId("emergency-next").click();
      expect(englishIn((await page.getByTestId("error").first().textContent()) ?? "")).toEqual([]);
      await checkDialog("emergency-dialog", "phat-khan-cap", s);
      await page.getByTestId("alerts-open").click();
      await checkDialog("alerts-dialog", "canh-bao", s);

      await go(s, "library", "page-library", '[data-testid="items-table"]');
      await page.getByTestId("upload-open").click();
      await page.getByTestId("upload-submit").click();
      await page.getByTestId("upload-form-error").waitFor();
      await checkDialog("upload-dialog", "tai-len", s);
      await page.getByTestId("tts-open").click();
      await page.getByTestId("tts-submit").click();
      const ttsError = (await page.getByTestId("tts-error").textContent()) ?? "";
      expect(ttsError).toContain("Tiêu đề: chưa nhập");
      expect(ttsError).toContain("Nội dung cần đọc: chưa nhập");
      await checkDialog("tts-dialog", "tin-van-ban", s);
      await page.getByTestId("relay-open").click();
      await page.getByTestId("relay-minutes").fill("1.5.5");
      await page.getByTestId("relay-submit").click();
      expect(await page.getByTestId("relay-error").textContent()).toContain("Thời lượng phát (phút): phải là số (dùng dấu phẩy");
      await checkDialog("relay-dialog", "tiep-song", s);
      await page.locator('[data-testid^="item-open-"]').first().click();
      await checkDialog("item-dialog", "chi-tiet-tin", s);

      await go(s, "programs", "page-programs", '[data-testid="program-list"] button');
      await page.locator('[data-testid^="program-item-"]').first().click();
      await page.getByTestId("program-editor").waitFor();
      await fits(page, `${s} program editor`);
      await axe(page, `${s} program editor`);
      await screenshot(page, `${s}-chuong-trinh-sua`);
      await page.getByTestId("program-air-now").click();
      await checkDialog("air-now-dialog", "phat-ngay", s);

      // Loaded, sessions or not: what today's day view shows depends on the hour (none left after 17:00).
      await go(s, "schedule", "page-schedule", '[data-testid="calendar"][data-loaded="1"]');
      await page.getByTestId("schedule-new").click();
      await page.getByTestId("schedule-save").click();
      const schedError = (await page.getByTestId("schedule-error").textContent()) ?? "";
      expect(schedError).toContain("Tên buổi phát: chưa nhập");
      expect(englishIn(schedError)).toEqual([]);
      await checkDialog("schedule-dialog", "tao-lich", s);
      await page.getByTestId("week-next").click();
      await page.locator('[data-testid^="cal-session-"]').first().click();
      const opened = await Promise.race([
        page.getByTestId("airing-dialog").waitFor().then(() => "airing-dialog"),
        page.getByTestId("expected-dialog").waitFor().then(() => "expected-dialog"),
      ]);
      await checkDialog(opened, "buoi-phat", s);
      await page.getByTestId("cal-view-" + (s === "phone" ? "week" : "day")).click();
      await fits(page, `${s} calendar other view`);
      await axe(page, `${s} calendar other view`);
      await screenshot(page, `${s}-lich-phat-${s === "phone" ? "tuan" : "ngay"}`);

      await go(s, "campaigns", "page-campaigns", '[data-testid="campaigns-table"]');
      await page.getByTestId("campaign-new").click();
      await page.getByTestId("campaign-name").fill("phòng chống BÃO");
      await page.getByTestId("duplicate-warning").waitFor();
      await checkDialog("campaign-dialog", "chien-dich-moi", s);

      await go(s, "asrun", "page-asrun");
      expect(await page.getByTestId("logbook-week").locator("option:checked").textContent()).toMatch(/^Tuần \d+ \(\d\d\/\d\d–\d\d\/\d\d\)$/);
      await go(s, "reports", "page-reports", '[data-testid="report-totals"]');
      await go(s, "users", "page-users", '[data-testid="users-table"]');
      await page.getByTestId("user-reset-admin").click();
      await checkDialog("confirm-dialog", "xac-nhan", s);
      await go(s, "settings", "page-settings", '[data-testid="zones-table"]');
      await page.getByTestId("zone-new").click();
      await page.getByTestId("zone-code").fill("mã có dấu");
      await page.getByTestId("zone-save").click();
      const zoneError = (await page.getByTestId("zone-error").textContent()) ?? "";
      expect(zoneError).toContain("Mã: Chữ không dấu");
      expect(zoneError).toContain("Tên cụm loa: chưa nhập");
      await checkDialog("zone-dialog", "cum-loa-moi", s);
      await go(s, "queues", "page-queues", '[data-testid="queues-table"]');
    });
  }

  it("names fields in Vietnamese in its own length checks", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("menu-toggle").click();
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("category-code").fill("a".repeat(41));
    await page.getByTestId("category-name-vi").fill("Chủ đề thử");
    await page.getByTestId("category-add").click();
    expect(await page.getByTestId("category-error").textContent()).toContain("Mã: dài quá 40 ký tự");
  });

  it("F5 on Settings shows the saved commune, and saving it unchanged writes nothing", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(server.url + "/settings");
    await page.getByTestId("commune-form").waitFor();
    await page.getByTestId("commune-unit").fill("Trung tâm Văn hóa, Thông tin và Thể thao xã Kiến Minh");
    await page.getByTestId("commune-place").fill("Kiến Minh, Hải Phòng");
    await page.getByTestId("commune-save").click();
    await expect(page.getByTestId("commune-saved").textContent()).resolves.toBe("Đã lưu.");
    await page.reload();
    await page.getByTestId("commune-form").waitFor();
    expect(await page.getByTestId("commune-unit").inputValue()).toBe("Trung tâm Văn hóa, Thông tin và Thể thao xã Kiến Minh");
    expect(await page.getByTestId("commune-place").inputValue()).toBe("Kiến Minh, Hải Phòng");
    expect(await page.getByTestId("commune-name").inputValue()).not.toBe("");

    const snapshot = () => {
      const d = db();
      try {
        return {
          commune: d.prepare("SELECT name, unitName, place, timeZone, updatedAt FROM Commune WHERE id = 1").get(),
          audits: (d.prepare("SELECT COUNT(*) AS n FROM AuditLog WHERE action LIKE 'commune%'").get() as { n: number }).n,
        };
      } finally {
        d.close();
      }
    };
    const before = snapshot();
    await page.getByTestId("commune-save").click();
    await expect(page.getByTestId("commune-saved").textContent()).resolves.toBe("Không có thay đổi nào để lưu.");
    await page.waitForTimeout(300);
    expect(snapshot()).toEqual(before);
  });

  it("shows 12 sessions on next week's calendar for each zone of a Mon–Sat 05:30/17:00 schedule", async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(server.url + "/schedule");
    await page.getByTestId("cal-grid").waitFor();
    const title = await page.getByTestId("calendar-title").textContent();
    await page.getByTestId("week-next").click();
    await page.waitForFunction((t) => document.querySelector('[data-testid="calendar-title"]')?.textContent !== t, title);
    await page.locator('[data-testid^="cal-session-"]').first().waitFor();
    const zones = (await (await page.request.get(server.url + "/api/zones")).json()) as { zones: { id: number; code: string; enabled: boolean }[] };
    // The demo's rules: "Buổi sáng" 05:30 and "Buổi chiều" 17:00, Monday to Saturday, every zone.
    for (const z of zones.zones.filter((x) => x.enabled)) {
      const times = await page.getByTestId(`cal-row-${z.code}`).locator('[data-testid^="cal-session-"]').evaluateAll((els) => els.map((e) => e.textContent?.slice(0, 5)));
      expect(times, z.code).toHaveLength(12);
      expect(times.filter((t) => t === "05:30")).toHaveLength(6);
      expect(times.filter((t) => t === "17:00")).toHaveLength(6);
      expect(await page.getByTestId(`cal-row-${z.code}`).locator("td").last().locator('[data-testid^="cal-session-"]').count(), `${z.code} Sunday`).toBe(0);
    }
    await screenshot(page, "desktop-lich-tuan-sau");
  });

  it("two live updates for different zones delivered in the same tick both show", async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    // Two planned sessions of different zones in the next two days.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date());
    const until = new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(Date.now() + 2 * 86_400_000));
    const { airings } = (await (await page.request.get(`${server.url}/api/airings?from=${today}&to=${until}&status=planned`)).json()) as { airings: { id: number; zoneId: number; localDate: string; scheduledStart: string }[] };
    const future = airings.filter((a) => new Date(a.scheduledStart).getTime() > Date.now() + 10 * 60_000);
    const a = future[0]!;
    const b = future.find((x) => x.zoneId !== a.zoneId && x.localDate === a.localDate) ?? future.find((x) => x.zoneId !== a.zoneId)!;
    expect(b, "two planned sessions in different zones").toBeTruthy();

    await page.goto(server.url + "/schedule");
    await page.getByTestId("cal-grid").waitFor();
    const monday = (d: string) => {
      const x = new Date(d + "T00:00:00Z");
      x.setUTCDate(x.getUTCDate() - ((x.getUTCDay() + 6) % 7));
      return x.toISOString().slice(0, 10);
    };
    if (monday(a.localDate) !== monday(today)) await page.getByTestId("week-next").click();
    const cellA = page.getByTestId(`cal-session-a${a.id}`);
    const cellB = page.getByTestId(`cal-session-a${b.id}`);
    await cellA.waitFor();
    await cellB.waitFor();
    await page.getByTestId("live-dot-on").waitFor({ state: "attached" });

    // What a render job does for two sessions at once: mark them ready and tell the
    // clients. Both messages go out in one Redis transaction, so the server relays them
    // in one batch and the page handles them back to back.
    const d = new Database(path.join(server.dataDir, "loa-xa.db"));
    d.prepare("UPDATE Airing SET status = 'ready' WHERE id IN (?, ?)").run(a.id, b.id);
    d.close();
    const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
    try {
      const at = new Date().toISOString();
      await redis
        .multi()
        .publish(`${server.queuePrefix}-events`, JSON.stringify({ type: "airing.status", at, airingId: a.id, zoneId: a.zoneId, status: "ready" }))
        .publish(`${server.queuePrefix}-events`, JSON.stringify({ type: "airing.status", at, airingId: b.id, zoneId: b.zoneId, status: "ready" }))
        .exec();
    } finally {
      redis.disconnect();
    }
    await page.waitForFunction(
      ([x, y]) => [x, y].every((id) => document.querySelector(`[data-testid="cal-session-a${id}"]`)?.getAttribute("data-status") === "ready"),
      [a.id, b.id],
      { timeout: 5000 },
    );
    expect(await cellA.getAttribute("data-status")).toBe("ready");
    expect(await cellB.getAttribute("data-status")).toBe("ready");
  });

  it("counts open alerts live in the header and acknowledges them from the list", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(server.url + "/");
    await page.getByTestId("live-dot-on").waitFor({ state: "attached" });
    const before = Number(await page.getByTestId("alerts-open").getAttribute("data-count"));
    // An alert as the back end raises one: a row with its kind and params, then the event.
    const d = new Database(path.join(server.dataDir, "loa-xa.db"));
    const id = Number(
      d.prepare("INSERT INTO Alert (kind, severity, params, dedupeKey, createdAt) VALUES ('airing_missed', 'critical', ?, ?, ?)").run(JSON.stringify({ zone: "Cụm loa thôn Đông", at: "05:30 01/12/2026" }), `e2e-${Date.now()}`, new Date().toISOString()).lastInsertRowid,
    );
    d.close();
    const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
    await redis.publish(`${server.queuePrefix}-events`, JSON.stringify({ type: "alert.raised", at: new Date().toISOString(), alertId: id, kind: "airing_missed", severity: "critical" })).finally(() => redis.disconnect());
    await page.locator(`[data-testid="alerts-open"][data-count="${before + 1}"]`).waitFor({ timeout: 5000 });
    // A critical alert also shows in the dashboard banner, which fits the phone.
    const banner = page.getByTestId(`alerts-banner-${id}`);
    await banner.waitFor({ timeout: 5000 });
    expect(await banner.textContent()).toContain("Buổi phát lúc 05:30 01/12/2026 tại Cụm loa thôn Đông đã bị lỡ");
    await fits(page, "dashboard with an alert banner");
    await axe(page, "dashboard with an alert banner");
    await noEnglish(page, "dashboard with an alert banner", '[data-testid="alerts-banner"]');
    await screenshot(page, "phone-bang-canh-bao");
    await page.getByTestId("alerts-open").click();
    const row = page.getByTestId(`alert-${id}`);
    await row.waitFor();
    expect(await row.textContent()).toContain("Cụm loa thôn Đông");
    await fits(page, "alerts with an alert");
    await axe(page, "alerts with an alert");
    await noEnglish(page, "alerts with an alert", '[data-testid="alerts-dialog"]');
    await screenshot(page, "phone-canh-bao-co-tin");
    await page.getByTestId(`alert-ack-${id}`).click();
    await row.waitFor({ state: "detached" });
    await page.locator(`[data-testid="alerts-open"][data-count="${before}"]`).waitFor({ timeout: 5000 });
    await page.getByTestId("alerts-state-all").click();
    await page.locator(`[data-testid="alert-${id}"][data-acknowledged="1"]`).waitFor();
    expect(await page.getByTestId(`alert-${id}`).textContent()).toContain("Quản trị viên");
    await page.getByTestId("alerts-dialog").getByTestId("dialog-close").click();
    await banner.waitFor({ state: "detached" });
  });

  it("loads each page's chunk when opened; one that cannot be fetched says so in Vietnamese and a reload brings the page", async () => {
    // A context of its own without the service worker, whose cache would answer for the network.
    const context = await session!.browser.newContext({ locale: "vi-VN", timezoneId: TZ, viewport: { width: 390, height: 844 }, serviceWorkers: "block" });
    try {
      const p = await context.newPage();
      const chunks: string[] = [];
      p.on("request", (r) => {
        if (/\/assets\/.+\.js$/.test(r.url())) chunks.push(new URL(r.url()).pathname);
      });
      await p.goto(server.url);
      await p.getByTestId("login-username").fill("admin");
      await p.getByTestId("login-password").fill(PASSWORD);
      await p.getByTestId("login-submit").click();
      await p.getByTestId("page-dashboard").waitFor();
      // The shell and the dashboard first; the other pages follow while the browser is idle.
      expect(chunks.some((c) => /\/Dashboard-/.test(c)), chunks.join(" ")).toBe(true);
      // At most 12 pages × the 3 s idle timeout (App.tsx prefetchPages).
      await until("every page's chunk prefetched", async () => (chunks.some((c) => /\/Queues-/.test(c)) ? true : undefined), 45_000);

      const blocked = "**/assets/Reports-*.js";
      const fresh = await context.newPage();
      await fresh.route(blocked, (route) => route.abort("internetdisconnected"));
      await fresh.goto(server.url + "/reports");
      const failed = fresh.getByTestId("page-load-failed");
      await failed.waitFor();
      expect(await failed.innerText()).toContain("Không tải được trang này");
      await noEnglish(fresh, "page that did not load");
      await fits(fresh, "page that did not load");
      await fresh.unroute(blocked);
      await failed.getByRole("button", { name: "Tải lại trang" }).click();
      await fresh.getByTestId("page-reports").waitFor();
    } finally {
      await context.close();
    }
  });

  it("raised no script error in the page along the way", () => {
    expect(pageErrors).toEqual([]);
  });
});
