// TTS items from an administrative document (DOCX/PDF): its text is extracted, the reading
// rules of audio/textnorm-admin.ts leave out the heading and signature blocks, and a long
// document becomes several items ("phần 1/3", …) each within the item limits. All parts are
// created in one transaction, linked to the directive they carry out when there is one, so
// a failure leaves no half-made series.
import { AppError, notFound } from "../errors.ts";
import type { Db } from "../db/client.ts";
import { initialApproval } from "../approval.ts";
import { adminDocumentSpeech, isCaps, splitIntoParts } from "../../audio/textnorm-admin.ts";
import { extractDocumentText } from "./extract.ts";

/** The longest text of one TTS item (the items API refuses longer). */
export const TTS_TEXT_MAX_CHARS = 20_000;
/** Vietnamese read at normal speed: about 15 characters a second (espeak-ng and the cloud voices). */
const CHARS_PER_SECOND = 15;

export interface DocumentItemsInput {
  file: string;
  ext: ".pdf" | ".docx";
  /** The client's file name: the title when none is given. */
  fileName: string;
  title?: string;
  categoryId?: number | null;
  priority: "normal" | "priority" | "emergency";
  sourceRef?: string;
  voice: string;
  /** Percent of normal speed. */
  rate?: number | null;
  validFrom?: string | null;
  validTo?: string | null;
  directiveId?: number | null;
  userId: number;
}

export interface DocumentItems {
  items: { id: number; title: string; kind: string; ttsText: string | null; ttsVoice: string | null; ttsRate: number | null; originalAssetId: number | null; status: string }[];
  /** Lines the reading rules left out (heading, signature, distribution list). */
  skipped: string[];
  chars: number;
}

/** The most characters one part may hold: the TTS limit, or what the longest item reads in time. */
export function partChars(itemMaxMinutes: number, ratePercent = 100): number {
  return Math.max(500, Math.min(TTS_TEXT_MAX_CHARS, Math.floor(itemMaxMinutes * 60 * CHARS_PER_SECOND * (ratePercent / 100))));
}

/**
 * Lines a PDF wrapped inside a sentence are joined: a line break is kept only after the end
 * of a sentence or clause, or after a line in capitals (a title), so the voice pauses there
 * and not mid-phrase.
 */
export function joinWrappedLines(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((para) => para.split("\n").reduce((out, line, i, lines) => (i === 0 ? line : out + (/[.:;!?…]$/u.test(lines[i - 1]!) || isCaps(lines[i - 1]!) ? "\n" : " ") + line), ""))
    .join("\n\n");
}

export async function itemsFromDocument(deps: { db: Db; itemMaxMinutes: number }, input: DocumentItemsInput): Promise<DocumentItems> {
  const { db } = deps;
  const directive = input.directiveId ? await db.directive.findUnique({ where: { id: input.directiveId }, select: { id: true, number: true, summary: true } }) : null;
  if (input.directiveId && !directive) throw notFound("directive");
  if (input.categoryId && !(await db.category.findUnique({ where: { id: input.categoryId } }))) {
    throw new AppError(422, "UNKNOWN_CATEGORY", "Chủ đề không tồn tại.", "Unknown category.");
  }
  const speech = adminDocumentSpeech(await extractDocumentText(input.file, input.ext));
  const spoken = joinWrappedLines(speech.text);
  if (!/\p{L}/u.test(spoken)) {
    throw new AppError(422, "NO_BODY", "Văn bản không có phần nội dung để đọc (chỉ có phần đầu và chữ ký).", "The document has no body to read (only its heading and signature).");
  }
  const parts = splitIntoParts(spoken, partChars(deps.itemMaxMinutes, input.rate ?? 100));
  const baseTitle = (input.title?.trim() || directive?.summary || input.fileName.replace(/\.(pdf|docx)$/i, "")).slice(0, 280);
  const approval = await initialApproval(db);
  const items = await db.$transaction(async (tx) => {
    const made: DocumentItems["items"] = [];
    for (const [i, text] of parts.entries()) {
      const item = await tx.item.create({
        data: {
          title: parts.length > 1 ? `${baseTitle} (phần ${i + 1}/${parts.length})` : baseTitle,
          kind: "tts",
          ttsText: text,
          ttsVoice: input.voice,
          ttsRate: input.rate ?? null,
          status: "queued",
          categoryId: input.categoryId ?? null,
          priority: input.priority,
          sourceRef: (input.sourceRef?.trim() || directive?.number || "").slice(0, 120),
          validFrom: input.validFrom ?? null,
          validTo: input.validTo ?? null,
          createdById: input.userId,
          approval,
        },
      });
      if (directive) await tx.directiveItem.create({ data: { directiveId: directive.id, itemId: item.id } });
      made.push(item);
    }
    return made;
  });
  return { items, skipped: speech.skipped, chars: spoken.length };
}
