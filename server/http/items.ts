// Content library: uploaded audio, Vietnamese text for TTS, and live relays.
import fs from "node:fs";
import path from "node:path";
import type { Hono } from "hono";
import { z } from "zod";
import { requireRole, currentUser, type AppEnv } from "../app.ts";
import { AppError, notFound } from "../errors.ts";
import { nfcDeep, zv, validationError } from "./validate.ts";
import { CAN } from "../auth/roles.ts";
import { idParam, localDate, sendFile } from "./common.ts";
import { AUDIO_EXTENSIONS, extensionMatches, sniffAudio } from "../storage.ts";
import { initialApproval, withdrawnOnEdit } from "../approval.ts";
import { CLOUD_VOICE_IDS } from "../../audio/tts-cloud.ts";
import { receiveUpload } from "../uploads.ts";
import { literalSearch } from "./search.ts";
import { checkRelayUrl } from "../relay-url.ts";
import { ingestJob } from "../jobs/ingest-revision.ts";
import { probe } from "../../audio/probe.ts";
import { AudioInputError } from "../../audio/errors.ts";
import type { ResourceDeps } from "./index.ts";
import { dbProvider, isUniqueViolation } from "../db/client.ts";
import { keyset, pageOf, pageQuery } from "./page.ts";

const PRIORITIES = ["normal", "priority", "emergency"] as const;
/** espeak-ng voices (offline) and the cloud voices "fpt:…" / "viettel:…" (audio/tts-cloud.ts). */
export const TTS_VOICES: readonly string[] = ["vi", "vi-vn-x-central", "vi-vn-x-south", ...CLOUD_VOICE_IDS];
export const ttsVoice = z.string().refine((v) => TTS_VOICES.includes(v), { message: `voice must be one of ${TTS_VOICES.join(", ")}` });

const meta = z.object({
  title: z.string().trim().min(1).max(300),
  categoryId: z.number().int().positive().nullable().optional(),
  priority: z.enum(PRIORITIES).default("normal"),
  sourceRef: z.string().trim().max(120).default(""),
  validFrom: localDate.nullable().optional(),
  validTo: localDate.nullable().optional(),
});
const ttsFields = { text: z.string().trim().min(1).max(20_000), voice: ttsVoice.default("vi"), rate: z.number().int().min(50).max(200).optional() }; // percent of normal speed
const relayFields = { url: z.string().trim().min(1).max(2000), durationSec: z.number().int().min(10).max(6 * 3600) };
const createBody = z.discriminatedUnion("kind", [
  meta.extend({ kind: z.literal("tts"), ...ttsFields }),
  meta.extend({ kind: z.literal("relay"), ...relayFields }),
]);
const patchBody = meta.partial().extend({
  text: ttsFields.text.optional(),
  voice: ttsVoice.optional(),
  rate: ttsFields.rate,
  url: relayFields.url.optional(),
  durationSec: relayFields.durationSec.optional(),
  archived: z.boolean().optional(),
});
const listQuery = z.object({
  q: z.string().trim().max(200).optional(),
  categoryId: z.coerce.number().int().positive().optional(),
  priority: z.enum(PRIORITIES).optional(),
  status: z.enum(["queued", "processing", "ready", "failed"]).optional(),
  kind: z.enum(["audio", "tts", "relay"]).optional(),
  archived: z.enum(["0", "1"]).optional(),
  ...pageQuery(100, 500),
});
const uploadMeta = z.object({
  title: z.string().trim().min(1).max(300),
  categoryId: z.coerce.number().int().positive().optional(),
  priority: z.enum(PRIORITIES).default("normal"),
  sourceRef: z.string().trim().max(120).default(""),
  validFrom: localDate.optional(),
  validTo: localDate.optional(),
});

function checkValidity(from?: string | null, to?: string | null) {
  if (from && to && from > to) throw new AppError(422, "BAD_VALIDITY", "Ngày hết hiệu lực phải sau ngày bắt đầu.", "The end of validity must not be before its start.");
}

export function itemsRoutes(api: Hono<AppEnv>, deps: ResourceDeps) {
  const { db, config, storage, queues, logger } = deps;
  const editor = requireRole(...CAN.editContent);

  const enqueueIngest = async (item: { id: number; kind: string; ttsText: string | null; ttsVoice: string | null; ttsRate: number | null; originalAssetId: number | null }) => {
    const original = item.originalAssetId ? await db.audioAsset.findUnique({ where: { id: item.originalAssetId } }) : null;
    try {
      await queues.addFresh(ingestJob(item, original?.sha256 ?? null, config));
    } catch (err) {
      // The row is the source of truth: the reconciliation sweep enqueues it later.
      logger.warn(`ingest of item ${item.id} not queued yet: ${(err as Error).message}`);
    }
  };

  const categoryExists = async (id?: number | null) => {
    if (id && !(await db.category.findUnique({ where: { id } }))) throw new AppError(422, "UNKNOWN_CATEGORY", "Chủ đề không tồn tại.", "Unknown category.");
  };

  // Case-insensitive search on both databases: SQLite's LIKE already ignores (ASCII) case;
  // PostgreSQL needs ILIKE, which the SQLite client's types do not know.
  const like = (v: string) => (dbProvider(db) === "postgresql" ? { contains: v, mode: "insensitive" } : { contains: v }) as { contains: string };

  api.get("/items", zv("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    const text = q.q ? literalSearch(q.q, like, ["title", "sourceRef", "ttsText"]) : null;
    const base = { archived: q.archived === "1", categoryId: q.categoryId, priority: q.priority, status: q.status, kind: q.kind, ...text?.where };
    const find = (where: object, take: number) =>
      db.item.findMany({ where, include: { category: true, canonicalAsset: { select: { loudnessI: true, truePeak: true } } }, orderBy: { id: "desc" }, take });
    // Newest first; the cursor continues below the last id sent.
    const after = keyset("id", "desc", q.cursor).where as { id?: { lt: number } };
    if (!text || text.exact) {
      const { rows, nextCursor } = pageOf(await find({ ...base, ...after }, q.limit + 1), q.limit);
      return c.json({ items: rows, nextCursor });
    }
    // The database narrowed by the literal fragments; keep rows holding the whole text,
    // walking back in batches until a page (and one more, to know there is a next) is found.
    const items: Awaited<ReturnType<typeof find>> = [];
    for (let before = after.id?.lt; items.length <= q.limit; ) {
      const batch = await find(before === undefined ? base : { ...base, id: { lt: before } }, 500);
      items.push(...batch.filter(text.matches).slice(0, q.limit + 1 - items.length));
      if (batch.length < 500) break;
      before = batch.at(-1)!.id;
    }
    const { rows, nextCursor } = pageOf(items, q.limit);
    return c.json({ items: rows, nextCursor });
  });

  api.get("/items/:id", zv("param", idParam), async (c) => {
    const item = await db.item.findUnique({
      where: { id: c.req.valid("param").id },
      // The directive documents it carries out (sổ văn bản chỉ đạo).
      include: { category: true, originalAsset: true, canonicalAsset: true, directives: { select: { directive: { select: { id: true, number: true, summary: true } } } } },
    });
    if (!item) throw notFound("item");
    return c.json({ item });
  });

  api.post("/items", editor, zv("json", createBody), async (c) => {
    const body = c.req.valid("json");
    checkValidity(body.validFrom, body.validTo);
    await categoryExists(body.categoryId);
    const common = { title: body.title, categoryId: body.categoryId ?? null, priority: body.priority, sourceRef: body.sourceRef, validFrom: body.validFrom ?? null, validTo: body.validTo ?? null, createdById: currentUser(c).id, approval: await initialApproval(db) };
    if (body.kind === "relay") {
      const url = await checkRelayUrl(body.url, { allowPrivate: config.RELAY_ALLOW_PRIVATE });
      const item = await db.item.create({ data: { ...common, kind: "relay", relayUrl: url.href, durationMs: body.durationSec * 1000, status: "ready", progress: 100 } });
      c.set("audit", { action: "item.create", entity: "item", entityId: item.id, detail: { kind: "relay", url: url.href } });
      return c.json({ item }, 201);
    }
    const item = await db.item.create({ data: { ...common, kind: "tts", ttsText: body.text, ttsVoice: body.voice, ttsRate: body.rate ?? null, status: "queued" } });
    await enqueueIngest(item);
    c.set("audit", { action: "item.create", entity: "item", entityId: item.id, detail: { kind: "tts", chars: body.text.length } });
    return c.json({ item }, 201);
  });

  // The body is streamed to a temp file as it arrives (server/uploads.ts); bodyLimits in
  // app.ts refuses a declared length over the limit before this runs.
  api.post("/items/upload", editor, async (c) => {
    const up = await receiveUpload(c.req.raw.body, c.req.header("content-type"), {
      maxFileBytes: config.UPLOAD_MAX_MB * 1024 * 1024,
      extensions: AUDIO_EXTENSIONS,
      tmpPath: (ext) => storage.tmpPath(ext),
    });
    try {
      const fields = nfcDeep(up.fields) as Record<string, string>;
      const parsed = uploadMeta.safeParse({ ...fields, title: fields.title ?? path.parse(up.fileName).name });
      if (!parsed.success) throw validationError(parsed.error);
      const m = parsed.data;
      checkValidity(m.validFrom, m.validTo);
      await categoryExists(m.categoryId);
      if (up.bytes === 0) throw new AppError(422, "EMPTY_FILE", "Tệp rỗng (0 byte).", "The file is empty (0 bytes).");
      const sniffed = sniffAudio(up.head);
      if (!sniffed || !extensionMatches(up.ext, sniffed)) {
        throw new AppError(415, "NOT_AUDIO", `Nội dung tệp không phải âm thanh ${up.ext} (có thể là tệp khác bị đổi tên).`, `The file content is not ${up.ext} audio (perhaps another file renamed).`);
      }
      const info = await probe(up.tmpPath, { timeoutMs: 30_000 }).catch((err: Error) => {
        if (err instanceof AudioInputError) throw new AppError(422, err.code, err.messageVi, err.messageEn);
        throw new AppError(422, "UNREADABLE_AUDIO", "Không đọc được tệp âm thanh (tệp hỏng hoặc bị cắt cụt).", `The audio cannot be read (corrupt or truncated): ${err.message.split("\n")[0]}`);
      });
      if (!info.hasAudio || info.durationMs <= 0) throw new AppError(422, "NO_AUDIO_STREAM", "Tệp không có dữ liệu âm thanh.", "The file has no audio stream.");
      if (!info.codec || info.codec === "unknown") {
        const e = new AudioInputError("UNSUPPORTED_CODEC", { codec: info.codecTag ?? "?" });
        throw new AppError(422, e.code, e.messageVi, e.messageEn);
      }
      if (info.durationMs > config.ITEM_MAX_MINUTES * 60_000) {
        throw new AppError(422, "TOO_LONG", `Âm thanh dài quá ${config.ITEM_MAX_MINUTES} phút.`, `The audio is longer than ${config.ITEM_MAX_MINUTES} minutes.`);
      }
      const rel = storage.commitOriginal(up.tmpPath, up.sha256, up.ext);
      const create = () => db.$transaction(async (tx) => {
        const asset =
          (await tx.audioAsset.findUnique({ where: { kind_sha256: { kind: "original", sha256: up.sha256 } } })) ??
          (await tx.audioAsset.create({ data: { kind: "original", sha256: up.sha256, path: rel, sizeBytes: up.bytes, durationMs: Math.round(info.durationMs), codec: info.codec, sampleRate: info.sampleRate, channels: info.channels } }));
        return tx.item.create({
          data: { title: m.title, kind: "audio", categoryId: m.categoryId ?? null, priority: m.priority, sourceRef: m.sourceRef, validFrom: m.validFrom ?? null, validTo: m.validTo ?? null, originalAssetId: asset.id, durationMs: Math.round(info.durationMs), status: "queued", createdById: currentUser(c).id, approval: await initialApproval(db) },
        });
      });
      // The same file uploaded twice at once: the other upload stored the original first, and
      // the second try finds it.
      const item = await create().catch((err: unknown) => (isUniqueViolation(err) ? create() : Promise.reject(err)));
      await enqueueIngest(item);
      c.set("audit", { action: "item.upload", entity: "item", entityId: item.id, detail: { file: up.fileName, sha256: up.sha256, bytes: up.bytes } });
      return c.json({ item }, 201);
    } finally {
      fs.rmSync(up.tmpPath, { force: true });
    }
  });

  api.patch("/items/:id", editor, zv("param", idParam), zv("json", patchBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const item = await db.item.findUnique({ where: { id } });
    if (!item) throw notFound("item");
    checkValidity(body.validFrom ?? item.validFrom, body.validTo ?? item.validTo);
    await categoryExists(body.categoryId);
    const data: Record<string, unknown> = { title: body.title, categoryId: body.categoryId, priority: body.priority, sourceRef: body.sourceRef, validFrom: body.validFrom, validTo: body.validTo, archived: body.archived };
    let resynth = false;
    if (item.kind === "tts" && (body.text !== undefined || body.voice !== undefined || body.rate !== undefined)) {
      const changed = (body.text ?? item.ttsText) !== item.ttsText || (body.voice ?? item.ttsVoice) !== item.ttsVoice || (body.rate ?? item.ttsRate) !== item.ttsRate;
      if (changed) {
        Object.assign(data, { ttsText: body.text ?? item.ttsText, ttsVoice: body.voice ?? item.ttsVoice, ttsRate: body.rate ?? item.ttsRate, status: "queued", statusReason: "", progress: 0 });
        resynth = true;
      }
    }
    if (item.kind === "relay" && (body.url !== undefined || body.durationSec !== undefined)) {
      if (body.url !== undefined) data.relayUrl = (await checkRelayUrl(body.url, { allowPrivate: config.RELAY_ALLOW_PRIVATE })).href;
      if (body.durationSec !== undefined) data.durationMs = body.durationSec * 1000;
    }
    // What it says changed: an approved item waits for approval again (when approval is on).
    const withdrawn = resynth || (data.relayUrl !== undefined && data.relayUrl !== item.relayUrl) || (data.durationMs !== undefined && data.durationMs !== item.durationMs);
    if (withdrawn) Object.assign(data, await withdrawnOnEdit(db));
    const updated = await db.item.update({ where: { id }, data });
    if (resynth) await enqueueIngest(updated);
    await deps.replan?.({ itemId: id });
    c.set("audit", { action: "item.update", entity: "item", entityId: id, detail: { ...body, text: body.text ? `${body.text.length} chars` : undefined, ...(updated.approval !== item.approval ? { approval: `${item.approval} → ${updated.approval}` } : {}) } });
    return c.json({ item: updated });
  });

  api.delete("/items/:id", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const item = await db.item.findUnique({ where: { id } });
    if (!item) throw notFound("item");
    // Items are archived, never deleted: the as-run log keeps referring to them.
    await db.item.update({ where: { id }, data: { archived: true } });
    await deps.replan?.({ itemId: id });
    c.set("audit", { action: "item.archive", entity: "item", entityId: id });
    return c.json({ ok: true });
  });

  api.post("/items/:id/retry", editor, zv("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    const item = await db.item.findUnique({ where: { id } });
    if (!item) throw notFound("item");
    if (item.kind === "relay") throw new AppError(422, "NOTHING_TO_PROCESS", "Mục tiếp sóng không cần xử lý.", "Relay items need no processing.");
    const updated = await db.item.update({ where: { id }, data: { status: "queued", statusReason: "", progress: 0 } });
    // addFresh (enqueueIngest) replaces a finished job of the same revision.
    await enqueueIngest(updated);
    return c.json({ item: updated });
  });

  api.get("/items/:id/audio", zv("param", idParam), zv("query", z.object({ variant: z.enum(["original", "canonical"]).default("canonical") })), async (c) => {
    const { id } = c.req.valid("param");
    const { variant } = c.req.valid("query");
    const item = await db.item.findUnique({ where: { id }, include: { originalAsset: true, canonicalAsset: true } });
    const asset = variant === "original" ? item?.originalAsset : item?.canonicalAsset;
    if (!item || !asset) throw notFound("item");
    const file = storage.abs(asset.path);
    const ext = path.extname(file).toLowerCase();
    const types: Record<string, string> = { ".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".opus": "audio/ogg", ".oga": "audio/ogg", ".flac": "audio/flac", ".m4a": "audio/mp4", ".mp4": "audio/mp4", ".aac": "audio/aac" };
    return sendFile(c, file, types[ext] ?? "application/octet-stream");
  });
}
