// TTS items from an administrative document (server/documents/items.ts): an uploaded DOCX or
// PDF, or the attachment already filed with a directive in the register.
import fs from "node:fs";
import path from "node:path";
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, currentUser, type AppEnv } from "../app.ts";
import { AppError, notFound } from "../errors.ts";
import { nfcDeep, zv, validationError } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, localDate } from "./common.ts";
import { ttsVoice } from "./items.ts";
import { receiveUpload } from "../uploads.ts";
import { ATTACHMENT_EXTENSIONS, sniffDocument } from "../directives/attachment.ts";
import { itemsFromDocument, type DocumentItems } from "../documents/items.ts";
import { ingestRevision } from "../../worker/ingest.ts";
import type { ResourceDeps } from "./index.ts";

const PRIORITIES = ["normal", "priority", "emergency"] as const;
const readingFields = {
  categoryId: z.coerce.number().int().positive().optional(),
  priority: z.enum(PRIORITIES).default("normal"),
  voice: ttsVoice.default("vi"),
  rate: z.coerce.number().int().min(50).max(200).optional(),
  validFrom: localDate.optional(),
  validTo: localDate.optional(),
};
const uploadFields = z.object({
  title: z.string().trim().max(280).optional(),
  sourceRef: z.string().trim().max(120).optional(),
  directiveId: z.coerce.number().int().positive().optional(),
  ...readingFields,
});
const fromAttachmentBody = z.object({ title: z.string().trim().max(280).optional(), ...readingFields });

export function itemDocumentsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, config, storage, queues, logger } = deps;
  const editor = requireRole(...CAN.editContent);
  const service = { db, itemMaxMinutes: config.ITEM_MAX_MINUTES };

  const queueIngest = async (made: DocumentItems) => {
    for (const item of made.items) {
      await queues.addFresh({ name: "ingest", data: { itemId: item.id, revision: ingestRevision(item, null, config) } }).catch((err: Error) => {
        // The rows are the source of truth: the reconciliation sweep enqueues them later.
        logger.warn(`ingest of item ${item.id} not queued yet: ${err.message}`);
      });
    }
  };
  const answer = (made: DocumentItems) => ({ items: made.items, parts: made.items.length, chars: made.chars, skipped: made.skipped });

  api.post("/items/document", editor, async (c) => {
    const up = await receiveUpload(c.req.raw.body, c.req.header("content-type"), {
      maxFileBytes: config.DIRECTIVE_FILE_MAX_MB * 1024 * 1024,
      extensions: ATTACHMENT_EXTENSIONS,
      tmpPath: (ext) => storage.tmpPath(ext),
      noFile: { vi: "tệp văn bản (PDF hoặc DOCX)", en: "document file (PDF or DOCX)" },
    });
    try {
      const parsed = uploadFields.safeParse(nfcDeep(up.fields));
      if (!parsed.success) throw validationError(parsed.error);
      if (up.bytes === 0) throw new AppError(422, "EMPTY_FILE", "Tệp rỗng (0 byte).", "The file is empty (0 bytes).");
      const ext = sniffDocument(up.head);
      if (ext !== up.ext) {
        throw new AppError(415, "NOT_A_DOCUMENT", `Nội dung tệp không phải ${up.ext.slice(1).toUpperCase()} (có thể là tệp khác bị đổi tên).`, `The file content is not ${up.ext.slice(1).toUpperCase()} (perhaps another file renamed).`);
      }
      const made = await itemsFromDocument(service, { ...parsed.data, file: up.tmpPath, ext, fileName: up.fileName, userId: currentUser(c).id });
      await queueIngest(made);
      c.set("audit", { action: "item.from_document", entity: "item", entityId: made.items[0]!.id, detail: { file: up.fileName, sha256: up.sha256, parts: made.items.map((i) => i.id), chars: made.chars, skippedLines: made.skipped.length, directiveId: parsed.data.directiveId } });
      return c.json(answer(made), 201);
    } finally {
      fs.rmSync(up.tmpPath, { force: true });
    }
  });

  // The directive's own attachment, read aloud: the items are linked to it.
  api.post("/directives/:id/items", editor, zv("param", idParam), zv("json", fromAttachmentBody), async (c) => {
    const { id } = c.req.valid("param");
    const d = await db.directive.findUnique({ where: { id }, select: { attachmentPath: true, attachmentName: true } });
    if (!d) throw notFound("directive");
    if (!d.attachmentPath) throw new AppError(422, "NO_ATTACHMENT", "Văn bản chưa có tệp đính kèm (PDF hoặc DOCX).", "The document has no attachment (PDF or DOCX) yet.");
    const file = storage.abs(d.attachmentPath);
    const ext = path.extname(file).toLowerCase();
    if (!fs.existsSync(file) || (ext !== ".pdf" && ext !== ".docx")) throw notFound("attachment");
    const made = await itemsFromDocument(service, { ...c.req.valid("json"), file, ext, fileName: d.attachmentName || `van-ban${ext}`, directiveId: id, userId: currentUser(c).id });
    await queueIngest(made);
    c.set("audit", { action: "item.from_document", entity: "item", entityId: made.items[0]!.id, detail: { directiveId: id, parts: made.items.map((i) => i.id), chars: made.chars, skippedLines: made.skipped.length } });
    return c.json(answer(made), 201);
  });
}
