// pdfjs's legacy build installs core-js over JSON.stringify, JSON.parse and
// Array.prototype.push for the whole process (issue 13, API under load: every answer paid
// for a JavaScript JSON loop). Reading a PDF must leave the API process's natives in place,
// also while it is being read (server/documents/extract.ts reads it in a worker thread).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { CONG_VAN, pdfOf } from "../helpers/documents.ts";

const before = { stringify: JSON.stringify, parse: JSON.parse, push: Array.prototype.push, toString: Function.prototype.toString };

it("reading a PDF leaves JSON, Array.prototype.push and Function.prototype.toString native", async () => {
  // Imported here, after the natives were captured: the module loads pdfjs itself when needed.
  const { extractDocumentText } = await import("../../server/documents/extract.ts");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "loaxa-natives-"));
  try {
    const file = path.join(dir, "cong-van.pdf");
    fs.writeFileSync(file, await pdfOf(CONG_VAN));
    const reading = extractDocumentText(file, ".pdf");
    // Meanwhile, other requests of this thread see the natives.
    await new Promise((r) => setTimeout(r, 50));
    expect(JSON.stringify).toBe(before.stringify);
    expect(await reading).toContain("Kính gửi");
    expect(await extractDocumentText(file, ".pdf")).toContain("Kính gửi");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const after = { stringify: JSON.stringify, parse: JSON.parse, push: Array.prototype.push, toString: Function.prototype.toString };
  for (const k of Object.keys(before) as (keyof typeof before)[]) expect(after[k], k).toBe(before[k]);
});
