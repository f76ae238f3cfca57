// TTS items from an administrative document (server/documents/items.ts): an uploaded DOCX or
// PDF, or the attachment already filed with a directive in the register.
import fs from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { AppError, notFound } from "../errors.ts";
import { receiveUpload } from "../uploads.ts";
import { ATTACHMENT_EXTENSIONS, sniffDocument } from "../directives/attachment.ts";
import { itemsFromDocument, type DocumentItems } from "../documents/items.ts";
import type { DocumentUploadFields, fromAttachmentBody } from "../contract/items.ts";
import { enqueueIngest } from "./items.ts";
import type { Deps } from "./deps.ts";

type DocDeps = Pick<Deps, "db" | "queues" | "config" | "logger" | "storage">;

async function made(deps: DocDeps, input: Parameters<typeof itemsFromDocument>[1]): Promise<DocumentItems> {
  const r = await itemsFromDocument({ db: deps.db, itemMaxMinutes: deps.config.ITEM_MAX_MINUTES }, input);
  for (const item of r.items) await enqueueIngest(deps, item);
  return r;
}

export interface DocumentUpload {
  body: ReadableStream<Uint8Array> | null;
  contentType: string | undefined;
  userId: number;
  /** The HTTP layer's validation of the text fields. */
  fields: (raw: Record<string, string>) => DocumentUploadFields;
}

/** An uploaded DOCX or PDF, checked by content, read into TTS items that are queued. */
export async function itemsFromUpload(deps: DocDeps, req: DocumentUpload) {
  const { config, storage } = deps;
  const up = await receiveUpload(req.body, req.contentType, {
    maxFileBytes: config.DIRECTIVE_FILE_MAX_MB * 1024 * 1024,
    extensions: ATTACHMENT_EXTENSIONS,
    tmpPath: (ext) => storage.tmpPath(ext),
    noFile: { vi: "tệp văn bản (PDF hoặc DOCX)", en: "document file (PDF or DOCX)" },
  });
  try {
    const fields = req.fields(up.fields);
    if (up.bytes === 0) throw new AppError(422, "EMPTY_FILE", "Tệp rỗng (0 byte).", "The file is empty (0 bytes).");
    const ext = sniffDocument(up.head);
    if (ext !== up.ext) {
      throw new AppError(415, "NOT_A_DOCUMENT", `Nội dung tệp không phải ${up.ext.slice(1).toUpperCase()} (có thể là tệp khác bị đổi tên).`, `The file content is not ${up.ext.slice(1).toUpperCase()} (perhaps another file renamed).`);
    }
    const r = await made(deps, { ...fields, file: up.tmpPath, ext, fileName: up.fileName, userId: req.userId });
    return { made: r, fields, file: { name: up.fileName, sha256: up.sha256 } };
  } finally {
    fs.rmSync(up.tmpPath, { force: true });
  }
}

/** The directive's own attachment, read aloud: the items are linked to it. */
export async function itemsFromAttachment(deps: DocDeps, id: number, body: z.output<typeof fromAttachmentBody>, userId: number) {
  const d = await deps.db.directive.findUnique({ where: { id }, select: { attachmentPath: true, attachmentName: true } });
  if (!d) throw notFound("directive");
  if (!d.attachmentPath) throw new AppError(422, "NO_ATTACHMENT", "Văn bản chưa có tệp đính kèm (PDF hoặc DOCX).", "The document has no attachment (PDF or DOCX) yet.");
  const file = deps.storage.abs(d.attachmentPath);
  const ext = path.extname(file).toLowerCase();
  if (!fs.existsSync(file) || (ext !== ".pdf" && ext !== ".docx")) throw notFound("attachment");
  return made(deps, { ...body, file, ext, fileName: d.attachmentName || `van-ban${ext}`, directiveId: id, userId });
}
