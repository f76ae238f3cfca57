// A directive's attachment (the document itself, PDF or DOCX): streamed to a temp file like
// an item upload (server/uploads.ts: size-limited, hashed, refused the moment it passes the
// limit), checked by its first bytes, then stored content-addressed under DATA_DIR/directives
// so no name from the client ever becomes a path. The client's name is kept for display and
// as the download name only.
import fs from "node:fs";
import { AppError, notFound } from "../errors.ts";
import type { Db } from "../db/client.ts";
import type { Storage } from "../storage.ts";
import { receiveUpload } from "../uploads.ts";
import { loadDirective, type DirectiveRow } from "./register.ts";

export const ATTACHMENT_TYPES: Record<string, string> = {
  ".pdf": "application/pdf",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};
export const ATTACHMENT_EXTENSIONS = Object.keys(ATTACHMENT_TYPES);

/** The container from the first bytes: PDF ("%PDF-") or DOCX (a ZIP, "PK\x03\x04"). */
export function sniffDocument(head: Buffer): ".pdf" | ".docx" | null {
  if (head.subarray(0, 5).toString("latin1") === "%PDF-") return ".pdf";
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return ".docx";
  return null;
}

export interface AttachmentDeps {
  db: Db;
  storage: Storage;
  maxBytes: number;
}

export async function storeAttachment(deps: AttachmentDeps, id: number, body: ReadableStream<Uint8Array> | null, contentType: string | undefined): Promise<{ directive: DirectiveRow; sha256: string; bytes: number }> {
  const { db, storage } = deps;
  if (!(await db.directive.findUnique({ where: { id }, select: { id: true } }))) throw notFound("directive");
  const up = await receiveUpload(body, contentType, {
    maxFileBytes: deps.maxBytes,
    extensions: ATTACHMENT_EXTENSIONS,
    tmpPath: (ext) => storage.tmpPath(ext),
    noFile: { vi: "tệp văn bản (PDF hoặc DOCX)", en: "document file (PDF or DOCX)" },
  });
  try {
    if (up.bytes === 0) throw new AppError(422, "EMPTY_FILE", "Tệp rỗng (0 byte).", "The file is empty (0 bytes).");
    if (sniffDocument(up.head) !== up.ext) {
      throw new AppError(415, "NOT_A_DOCUMENT", `Nội dung tệp không phải ${up.ext.slice(1).toUpperCase()} (có thể là tệp khác bị đổi tên).`, `The file content is not ${up.ext.slice(1).toUpperCase()} (perhaps another file renamed).`);
    }
    const rel = storage.commitContent(up.tmpPath, up.sha256, up.ext, "directives");
    await db.directive.update({ where: { id }, data: { attachmentPath: rel, attachmentName: up.fileName, attachmentType: ATTACHMENT_TYPES[up.ext]!, attachmentSize: up.bytes } });
    return { directive: (await loadDirective(db, id))!, sha256: up.sha256, bytes: up.bytes };
  } finally {
    fs.rmSync(up.tmpPath, { force: true });
  }
}

/** The stored file of a document's attachment, or 404. */
export async function attachmentOf(deps: Pick<AttachmentDeps, "db" | "storage">, id: number): Promise<{ file: string; name: string; type: string }> {
  const d = await deps.db.directive.findUnique({ where: { id }, select: { attachmentPath: true, attachmentName: true, attachmentType: true } });
  if (!d?.attachmentPath) throw notFound("attachment");
  const file = deps.storage.abs(d.attachmentPath);
  if (!fs.existsSync(file)) throw notFound("attachment");
  return { file, name: d.attachmentName || `van-ban${d.attachmentPath.slice(d.attachmentPath.lastIndexOf("."))}`, type: d.attachmentType || "application/octet-stream" };
}
