// Renders the app icons (web/public/icons/*.svg) to the PNG sizes the web app manifest
// lists, with Debian's Chromium. Run after editing an SVG: `npx tsx scripts/icons.ts`.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const dir = path.resolve(import.meta.dirname, "../web/public/icons");
const jobs = [
  { svg: "icon.svg", out: "icon-192.png", size: 192 },
  { svg: "icon.svg", out: "icon-512.png", size: 512 },
  { svg: "maskable.svg", out: "maskable-512.png", size: 512 },
  { svg: "icon.svg", out: "apple-touch-icon.png", size: 180 },
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (const j of jobs) {
    const page = await browser.newPage({ viewport: { width: j.size, height: j.size } });
    const svg = fs.readFileSync(path.join(dir, j.svg), "utf8");
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${j.size}" height="${j.size}" `)}</body></html>`);
    await page.screenshot({ path: path.join(dir, j.out), omitBackground: true, clip: { x: 0, y: 0, width: j.size, height: j.size } });
    await page.close();
    console.log(`${j.out} ${j.size}×${j.size}`);
  }
} finally {
  await browser.close();
}
