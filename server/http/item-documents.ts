// TTS items from an administrative document: an uploaded DOCX or PDF, or the attachment
// already filed with a directive in the register (server/services/item-documents.ts).
import type { Hono } from "hono";
import { requireRole, currentUser, type AppEnv } from "./context.ts";
import { nfcDeep, zv, validationError } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam } from "./common.ts";
import { documentUploadFields, fromAttachmentBody } from "../contract/items.ts";
import type { DocumentItems } from "../documents/items.ts";
import { itemsFromAttachment, itemsFromUpload } from "../services/item-documents.ts";
import type { ResourceDeps } from "./index.ts";

const answer = (made: DocumentItems) => ({ items: made.items, parts: made.items.length, chars: made.chars, skipped: made.skipped });

export function itemDocumentsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const editor = requireRole(...CAN.editContent);

  api.post("/items/document", editor, async (c) => {
    const { made, fields, file } = await itemsFromUpload(deps, {
      body: c.req.raw.body,
      contentType: c.req.header("content-type"),
      userId: currentUser(c).id,
      fields: (raw) => {
        const parsed = documentUploadFields.safeParse(nfcDeep(raw));
        if (!parsed.success) throw validationError(parsed.error);
        return parsed.data;
      },
    });
    c.set("audit", { action: "item.from_document", entity: "item", entityId: made.items[0]!.id, detail: { file: file.name, sha256: file.sha256, parts: made.items.map((i) => i.id), chars: made.chars, skippedLines: made.skipped.length, directiveId: fields.directiveId } });
    return c.json(answer(made), 201);
  });

  api.post("/directives/:id/items", editor, zv("param", idParam), zv("json", fromAttachmentBody), async (c) => {
    const { id } = c.req.valid("param");
    const made = await itemsFromAttachment(deps, id, c.req.valid("json"), currentUser(c).id);
    c.set("audit", { action: "item.from_document", entity: "item", entityId: made.items[0]!.id, detail: { directiveId: id, parts: made.items.map((i) => i.id), chars: made.chars, skippedLines: made.skipped.length } });
    return c.json(answer(made), 201);
  });
}
