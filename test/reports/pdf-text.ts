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

/** Counts filled paths painted in `color` ("#rrggbb") on a page: the bar chart's bars. */
export async function filledPaths(bytes: Uint8Array, page: number, color: string): Promise<number> {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  try {
    const ops = await (await doc.getPage(page)).getOperatorList();
    const fills = new Set<number>([pdfjs.OPS.fill, pdfjs.OPS.eoFill, pdfjs.OPS.fillStroke, pdfjs.OPS.eoFillStroke]);
    let current = "";
    let n = 0;
    ops.fnArray.forEach((fn, i) => {
      const args = ops.argsArray[i] as unknown[];
      if (fn === pdfjs.OPS.setFillRGBColor) current = String(args[0]).toLowerCase();
      // pdfjs 5 folds the painting operator into constructPath's first argument.
      const paint = fn === pdfjs.OPS.constructPath ? (args[0] as number) : fn;
      if (fills.has(paint) && current === color.toLowerCase()) n++;
    });
    return n;
  } finally {
    await doc.destroy();
  }
}
