// The text of an uploaded administrative document, for reading aloud: DOCX through mammoth
// (paragraphs as written), PDF through pdfjs (lines rebuilt from the text layer's
// positions, paragraphs from the vertical gaps). A scanned PDF has no text layer and is
// refused with a message saying so; no OCR is attempted.
import fs from "node:fs/promises";
import mammoth from "mammoth";
import { Worker } from "node:worker_threads";
import { AppError } from "../errors.ts";

/** More pages than any directive has; bounds the work a hostile PDF can ask for. */
const MAX_PAGES = 300;
/** More text than any directive has (≈ 10 items of the longest TTS text). */
const MAX_CHARS = 200_000;

const unreadable = (kind: string, why: string) =>
  new AppError(422, "UNREADABLE_DOCUMENT", `Không đọc được nội dung tệp ${kind} (tệp hỏng hoặc không đúng định dạng).`, `The ${kind} cannot be read (corrupt or not a ${kind}): ${why}`);

export async function extractDocumentText(file: string, ext: ".pdf" | ".docx"): Promise<string> {
  const raw = ext === ".docx" ? await docxText(file) : await pdfText(file);
  const text = raw.normalize("NFC").replace(/\r\n?/g, "\n").replace(/[ \t\u00a0]+/g, " ").replace(/ *\n */g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  if (!/\p{L}/u.test(text)) {
    throw new AppError(
      422,
      "NO_TEXT",
      "Tệp không có chữ để đọc (có thể là bản quét/ảnh chụp); hãy dùng tệp gốc DOCX hoặc PDF có chữ.",
      "The document has no text to read (perhaps a scan or photo); use the original DOCX or a PDF with text.",
    );
  }
  if (text.length > MAX_CHARS) {
    throw new AppError(422, "DOCUMENT_TOO_LONG", `Văn bản dài quá ${MAX_CHARS.toLocaleString("vi")} ký tự.`, `The document is longer than ${MAX_CHARS} characters.`);
  }
  return text;
}

async function docxText(file: string): Promise<string> {
  try {
    return (await mammoth.extractRawText({ buffer: await fs.readFile(file) })).value;
  } catch (err) {
    throw unreadable("DOCX", (err as Error).message);
  }
}

interface TextRun {
  str: string;
  hasEOL: boolean;
  transform: number[];
  width: number;
  height: number;
}

/** A hostile or huge PDF gets this long, then its thread is killed. */
const PDF_TIMEOUT_MS = 60_000;

type PdfAnswer = { ok: true; pages: TextRun[][] } | { ok: false; kind: "password" | "too_many_pages" | "unreadable"; message: string };

/**
 * The text layer, read in a worker thread (pdf-worker.mjs): pdfjs's legacy build bundles
 * core-js, which on Node 20 replaces JSON.stringify/parse and other natives for the whole
 * realm it loads in — in the API's own thread every answer and query would pay for it.
 */
async function pdfText(file: string): Promise<string> {
  const answer = await new Promise<PdfAnswer>((resolve, reject) => {
    const worker = new Worker(new URL("./pdf-worker.mjs", import.meta.url), { workerData: { file, maxPages: MAX_PAGES }, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 512 } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(unreadable("PDF", `not read within ${PDF_TIMEOUT_MS / 1000} s`));
    }, PDF_TIMEOUT_MS);
    worker.once("message", (m: PdfAnswer) => {
      clearTimeout(timer);
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", (err) => {
      clearTimeout(timer);
      reject(unreadable("PDF", err.message));
    });
  });
  if (answer.ok) return answer.pages.map(pageText).join("\n\n");
  if (answer.kind === "password") throw new AppError(422, "DOCUMENT_ENCRYPTED", "Tệp PDF có mật khẩu; hãy dùng bản không khoá.", "The PDF is password-protected; use an unlocked copy.");
  if (answer.kind === "too_many_pages") throw new AppError(422, "DOCUMENT_TOO_LONG", `Tệp PDF có quá ${MAX_PAGES} trang.`, `The PDF has more than ${MAX_PAGES} pages.`);
  throw unreadable("PDF", answer.message);
}

/**
 * Lines from the runs' baselines; a gap of more than 1.6 line heights starts a paragraph.
 * Justified text comes as one run a word, so a horizontal gap between runs is a space.
 */
function pageText(runs: TextRun[]): string {
  let out = "";
  let lastY: number | null = null;
  let lastEndX = 0;
  let lineHeight = 0;
  for (const run of runs) {
    const [, , , , x, y] = run.transform as [number, number, number, number, number, number];
    const sameLine = lastY !== null && Math.abs(y - lastY) <= 0.5;
    if (lastY !== null && !sameLine && !out.endsWith("\n")) out += "\n";
    if (lastY !== null && lineHeight > 0 && lastY - y > 1.6 * lineHeight) out += "\n";
    if (sameLine && x - lastEndX > 0.15 * (run.height || lineHeight) && !/\s$/.test(out) && !/^\s/.test(run.str)) out += " ";
    out += run.str;
    if (run.hasEOL) out += "\n";
    if (run.str.trim()) {
      lastY = y;
      lastEndX = x + run.width;
      lineHeight = run.height || lineHeight;
    }
  }
  return out;
}
