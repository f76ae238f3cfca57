// Content library: uploaded audio, Vietnamese text for TTS, and live relays.
import path from "node:path";
import type { Hono } from "hono";
import { requireRole, currentUser, type AppEnv } from "./context.ts";
import { nfcDeep, zv, validationError } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, sendFile } from "./common.ts";
import { itemAudioQuery, itemCreateBody, itemListQuery, itemPatchBody, itemUploadFields } from "../contract/items.ts";
import { archiveItem, createItem, getItem, itemAudioFile, listItems, retryItem, updateItem, uploadItem } from "../services/items.ts";
import type { ResourceDeps } from "./index.ts";

export function itemsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const editor = requireRole(...CAN.editContent);

  api.get("/items", zv("query", itemListQuery), async (c) => {
    const { rows, nextCursor } = await listItems(deps, c.req.valid("query"));
    return c.json({ items: rows, nextCursor });
  });

  api.get("/items/:id", zv("param", idParam), async (c) => c.json({ item: await getItem(deps, c.req.valid("param").id) }));

  api.post("/items", editor, zv("json", itemCreateBody), async (c) => {
    const body = c.req.valid("json");
    const item = await createItem(deps, body, currentUser(c).id);
    const detail = body.kind === "relay" ? { kind: "relay", url: item.relayUrl } : { kind: "tts", chars: body.text.length };
    c.set("audit", { action: "item.create", entity: "item", entityId: item.id, detail });
    return c.json({ item }, 201);
  });

  // bodyLimits in app.ts refuses a declared length over the limit before this runs.
  api.post("/items/upload", editor, async (c) => {
    const { item, file } = await uploadItem(deps, {
      body: c.req.raw.body,
      contentType: c.req.header("content-type"),
      userId: currentUser(c).id,
      fields: (raw, fileName) => {
        const fields = nfcDeep(raw) as Record<string, string>;
        const parsed = itemUploadFields.safeParse({ ...fields, title: fields.title ?? path.parse(fileName).name });
        if (!parsed.success) throw validationError(parsed.error);
        return parsed.data;
      },
    });
    c.set("audit", { action: "item.upload", entity: "item", entityId: item.id, detail: { file: file.name, sha256: file.sha256, bytes: file.bytes } });
    return c.json({ item }, 201);
  });

  api.patch("/items/:id", editor, zv("param", idParam), zv("json", itemPatchBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { before, item } = await updateItem(deps, id, body);
    c.set("audit", { action: "item.update", entity: "item", entityId: id, detail: { ...body, text: body.text ? `${body.text.length} chars` : undefined, ...(item.approval !== before.approval ? { approval: `${before.approval} → ${item.approval}` } : {}) } });
    return c.json({ item });
  });

  api.delete("/items/:id", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    await archiveItem(deps, id);
    c.set("audit", { action: "item.archive", entity: "item", entityId: id });
    return c.json({ ok: true });
  });

  api.post("/items/:id/retry", editor, zv("param", idParam), async (c) => c.json({ item: await retryItem(deps, c.req.valid("param").id) }));

  api.get("/items/:id/audio", zv("param", idParam), zv("query", itemAudioQuery), async (c) => {
    const { file, contentType } = await itemAudioFile(deps, c.req.valid("param").id, c.req.valid("query").variant);
    return sendFile(c, file, contentType);
  });
}
