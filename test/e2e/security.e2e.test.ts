// The strict Content-Security-Policy against the built SPA in real Chromium: every page an
// admin can open renders with no policy violation and no console error; plus the headers
// of `/` and `/api/health`, and path traversal against the real static file server.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startServer, type E2eServer } from "./server.ts";
import { launchChromium, screenshot, signInFirstTime } from "./browser.ts";

const NEW_PASSWORD = "Loa-phuong-Dong-Hai-26";

/** A raw GET: the path goes out exactly as written (fetch would resolve dot segments). */
function rawGet(url: string, pathname: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    http
      .get({ host: u.hostname, port: u.port, path: pathname }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

describe("security headers and CSP in the browser", () => {
  let server: E2eServer;
  let browser: Browser;
  let page: Page;
  const violations: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
    const context = await browser.newContext({ locale: "vi-VN", viewport: { width: 1366, height: 900 } });
    // Every CSP violation the page sees, whatever its source, is recorded in the page.
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  const collect = async () => {
    const v = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    violations.push(...v.map((x) => `${page.url()}: ${x}`));
  };

  it("sends a strict CSP and the other security headers on / and /api/health", async () => {
    for (const p of ["/", "/api/health"]) {
      const r = await fetch(server.url + p);
      const h = r.headers;
      expect(h.get("content-security-policy"), p).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(h.get("x-content-type-options")).toBe("nosniff");
      expect(h.get("x-frame-options")).toBe("DENY");
      expect(h.get("referrer-policy")).toBe("same-origin");
    }
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(Object.keys(health)).toEqual(["status"]);
  });

  it("does not serve files outside the web root, however the path is spelled", async () => {
    for (const p of ["/..%2f..%2fpackage.json", "/assets/..%2f..%2f..%2fpackage.json", "/%2e%2e/%2e%2e/package.json", "/assets/%2e%2e/%2e%2e/%2e%2e/server/config.ts", "/..%5c..%5cpackage.json", "/assets/....//....//package.json"]) {
      const r = await rawGet(server.url, p);
      expect(r.body, p).not.toContain('"name": "loa-xa"');
      expect(r.body, p).not.toContain("loadConfig");
    }
  });

  it("renders every page of the SPA with no CSP violation and no console error", async () => {
    await signInFirstTime(page, server.url, "admin", server.adminPassword, NEW_PASSWORD);
    for (const name of ["library", "programs", "schedule", "campaigns", "asrun", "reports", "users", "settings", "queues", "dashboard"]) {
      await page.getByTestId(`nav-${name}`).click();
      await page.getByTestId(`page-${name}`).waitFor();
      await page.waitForLoadState("networkidle").catch(() => undefined);
      await collect();
    }
    await screenshot(page, "csp-dashboard");
    expect(violations).toEqual([]);
    // HTTP answers (the 401 of /api/auth/me before sign-in, an API another branch adds)
    // are not this test's business; script errors and blocked content are.
    expect(consoleErrors.filter((e) => !e.includes("Failed to load resource: the server responded with a status of"))).toEqual([]);
  });

  it("the queue dashboard works under its own policy (only the external web font is blocked)", async () => {
    await page.goto(`${server.url}/admin/queues`);
    await page.getByText("ingest").first().waitFor();
    const v = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    expect(v.filter((x) => !x.includes("fonts.googleapis.com"))).toEqual([]);
  });
});
