// Debian's Chromium driven by playwright-core, with the flags that keep it quiet on a
// closed network, and a screenshot helper writing to test-results/screenshots.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { REPO_ROOT, startServer, type E2eServer } from "./server.ts";

export const SCREENSHOT_DIR = path.join(REPO_ROOT, "test-results", "screenshots");

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!fs.existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Opens `url`, signs in with a one-time password and replaces it: the first sign-in of a user. */
export async function signInFirstTime(page: Page, url: string, username: string, oneTime: string, newPassword: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(oneTime);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("pw-current").fill(oneTime);
  await page.getByTestId("pw-new").fill(newPassword);
  await page.getByTestId("pw-repeat").fill(newPassword);
  await page.getByTestId("pw-submit").click();
  await page.getByTestId("page-dashboard").waitFor();
}

/** Polls fn until it returns a value other than undefined, or throws after timeoutMs. */
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** A demo server and one Chromium page on it (Vietnamese, commune time zone), its page errors collected. */
export interface BrowserSession {
  server: E2eServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  pageErrors: string[];
}

export async function openSession(contextOptions: BrowserContextOptions): Promise<BrowserSession> {
  const server = await startServer();
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ locale: "vi-VN", timezoneId: "Asia/Ho_Chi_Minh", ...contextOptions });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const pageErrors: string[] = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    return { server, browser, context, page, pageErrors };
  } catch (err) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw err;
  }
}

/** Closes the browser and stops the server, keeping its log as test-results/<logName>. */
export async function closeSession(s: BrowserSession | undefined, logName: string): Promise<void> {
  if (!s) return;
  await s.context.close().catch(() => {});
  await s.browser.close().catch(() => {});
  fs.mkdirSync(path.join(REPO_ROOT, "test-results"), { recursive: true });
  fs.writeFileSync(path.join(REPO_ROOT, "test-results", logName), s.server.log());
  await s.server.stop();
}

