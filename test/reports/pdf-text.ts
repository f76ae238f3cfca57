// Extracts the text of a PDF with pdfjs-dist (legacy build, for Node), one string per
// page, whitespace collapsed and NFC-normalised so assertions can match whole sentences
// even where pdfkit wrapped them across lines.
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";

export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0, useSystemFonts: false }).promise;
  try {
    const pages: string[] = [];
    for (let p = 1; p <= doc.numPages; p++) {
      const content = await (await doc.getPage(p)).getTextContent();
      const text = content.items.map((it) => ("str" in it ? it.str + (it.hasEOL ? " " : "") : "")).join("");
      pages.push(text.normalize("NFC").replace(/\s+/g, " ").trim());
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

/** Counts fill operations in the page content (the bar chart's bars are filled rectangles). */
export async function fillOps(bytes: Uint8Array, page: number): Promise<number> {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  try {
    const ops = await (await doc.getPage(page)).getOperatorList();
    return ops.fnArray.filter((fn) => fn === pdfjs.OPS.fill || fn === pdfjs.OPS.eoFill || fn === pdfjs.OPS.fillStroke).length;
  } finally {
    await doc.destroy();
  }
}
