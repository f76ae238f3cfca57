// Reads the text layer of a PDF in a worker thread (server/documents/extract.ts starts it).
// pdfjs's legacy build bundles core-js, which replaces JSON.stringify/parse, Array push and
// more for the whole realm it loads in: here that is this thread only, never the API's.
// A hostile PDF costs this thread's CPU and memory, bounded by the caller's time limit and
// resourceLimits, and is killed with it. Plain JavaScript: the thread needs no TS loader.
import fs from "node:fs/promises";
import { parentPort, workerData } from "node:worker_threads";
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";

const { file, maxPages } = workerData;

async function read() {
  let doc;
  try {
    doc = await pdfjs.getDocument({ data: new Uint8Array(await fs.readFile(file)), verbosity: 0, isEvalSupported: false, useSystemFonts: false }).promise;
  } catch (err) {
    return { ok: false, kind: err?.name === "PasswordException" ? "password" : "unreadable", message: String(err?.message ?? err) };
  }
  try {
    if (doc.numPages > maxPages) return { ok: false, kind: "too_many_pages", message: String(doc.numPages) };
    const pages = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const content = await (await doc.getPage(p)).getTextContent();
      pages.push(content.items.filter((it) => "str" in it).map((it) => ({ str: it.str, hasEOL: it.hasEOL, transform: it.transform, width: it.width, height: it.height })));
    }
    return { ok: true, pages };
  } catch (err) {
    return { ok: false, kind: "unreadable", message: String(err?.message ?? err) };
  } finally {
    await doc.destroy();
  }
}

parentPort.postMessage(await read());
