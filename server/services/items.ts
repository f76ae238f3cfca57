// The content library: listing and searching items, creating text and relay items, the
// upload pipeline (stream to disk, sniff, probe, store the original once, queue the
// ingest), edits that withdraw approval or re-synthesise, archiving and retries.
import fs from "node:fs";
import path from "node:path";
import { AppError, notFound } from "../errors.ts";
import { AUDIO_EXTENSIONS, extensionMatches, sniffAudio } from "../storage.ts";
import { initialApproval, withdrawnOnEdit } from "../approval.ts";
import { receiveUpload } from "../uploads.ts";
import { literalSearch } from "../db/search.ts";
import { checkRelayUrl } from "../relay-url.ts";
import { ingestJob } from "../jobs/ingest-revision.ts";
import { probe } from "../../audio/probe.ts";
import { AudioInputError } from "../../audio/errors.ts";
import { dbProvider, isUniqueViolation } from "../db/client.ts";
import { cursorAfter, keyset, pageOf } from "../db/page.ts";
import { fastReader, nest, Where } from "../db/fast-read.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { ItemListQuery, ItemUploadFields, itemCreateBody, itemPatchBody } from "../contract/items.ts";
import type { z } from "zod";
import type { Deps } from "./deps.ts";

type Ingest = Pick<Deps, "db" | "queues" | "config" | "logger">;

function checkValidity(from?: string | null, to?: string | null) {
  if (from && to && from > to) throw new AppError(422, "BAD_VALIDITY", "Ngày hết hiệu lực phải sau ngày bắt đầu.", "The end of validity must not be before its start.");
}

async function categoryExists({ db }: Pick<Deps, "db">, id?: number | null) {
  if (id && !(await db.category.findUnique({ where: { id } }))) throw new AppError(422, "UNKNOWN_CATEGORY", "Chủ đề không tồn tại.", "Unknown category.");
}

export async function enqueueIngest({ db, queues, config, logger }: Ingest, item: { id: number; kind: string; ttsText: string | null; ttsVoice: string | null; ttsRate: number | null; originalAssetId: number | null }) {
  const original = item.originalAssetId ? await db.audioAsset.findUnique({ where: { id: item.originalAssetId } }) : null;
  try {
    await queues.addFresh(ingestJob(item, original?.sha256 ?? null, config));
  } catch (err) {
    // The row is the source of truth: the reconciliation sweep enqueues it later.
    logger.warn(`ingest of item ${item.id} not queued yet: ${(err as Error).message}`);
  }
}

async function findItem({ db }: Pick<Deps, "db">, id: number) {
  const item = await db.item.findUnique({ where: { id } });
  if (!item) throw notFound("item");
  return item;
}

type ItemRow = Prisma.ItemGetPayload<{ include: { category: true; canonicalAsset: { select: { loudnessI: true; truePeak: true } } } }>;
const ITEM_COLUMNS = { dates: ["approvedAt", "createdAt", "updatedAt"], bools: ["archived", "category.builtin"] };

/** A page of the library without a text search, the list every library screen opens with (server/db/fast-read.ts). */
async function itemPage(db: Pick<Deps, "db">["db"], q: ItemListQuery): Promise<ItemRow[]> {
  const where = new Where()
    .eq(`t."archived"`, q.archived === "1").eq(`t."categoryId"`, q.categoryId).eq(`t."priority"`, q.priority).eq(`t."status"`, q.status).eq(`t."kind"`, q.kind)
    .after(`t."id"`, `t."id"`, "desc", cursorAfter(q.cursor));
  const rows = await fastReader(db).rows(
    `SELECT t.*, c."id" AS "category.id", c."code" AS "category.code", c."nameVi" AS "category.nameVi", c."nameEn" AS "category.nameEn",
            c."builtin" AS "category.builtin", c."sortOrder" AS "category.sortOrder",
            a."loudnessI" AS "canonicalAsset.loudnessI", a."truePeak" AS "canonicalAsset.truePeak"
     FROM "Item" t LEFT JOIN "Category" c ON c."id" = t."categoryId" LEFT JOIN "AudioAsset" a ON a."id" = t."canonicalAssetId"
     ${where} ORDER BY t."id" DESC LIMIT ?`,
    [...where.params, q.limit + 1],
    ITEM_COLUMNS,
  );
  return rows.map((r) => nest(r, { category: "categoryId", canonicalAsset: "canonicalAssetId" }) as ItemRow);
}

/** Newest first; a search keeps the rows holding the whole text (the database narrows by fragments). */
export async function listItems({ db }: Pick<Deps, "db">, q: ItemListQuery) {
  // Case-insensitive search on both databases: SQLite's LIKE already ignores (ASCII) case;
  // PostgreSQL needs ILIKE, which the SQLite client's types do not know.
  const like = (v: string) => (dbProvider(db) === "postgresql" ? { contains: v, mode: "insensitive" } : { contains: v }) as { contains: string };
  const text = q.q ? literalSearch(q.q, like, ["title", "sourceRef", "ttsText"]) : null;
  const base = { archived: q.archived === "1", categoryId: q.categoryId, priority: q.priority, status: q.status, kind: q.kind, ...text?.where };
  const find = (where: object, take: number) =>
    db.item.findMany({ where, include: { category: true, canonicalAsset: { select: { loudnessI: true, truePeak: true } } }, orderBy: { id: "desc" }, take });
  if (!text) return pageOf(await itemPage(db, q), q.limit);
  // The cursor continues below the last id sent.
  const after = keyset("id", "desc", q.cursor).where as { id?: { lt: number } };
  if (text.exact) return pageOf(await find({ ...base, ...after }, q.limit + 1), q.limit);
  // Walk back in batches until a page (and one more, to know there is a next) is found.
  const items: Awaited<ReturnType<typeof find>> = [];
  for (let before = after.id?.lt; items.length <= q.limit; ) {
    const batch = await find(before === undefined ? base : { ...base, id: { lt: before } }, 500);
    items.push(...batch.filter(text.matches).slice(0, q.limit + 1 - items.length));
    if (batch.length < 500) break;
    before = batch.at(-1)!.id;
  }
  return pageOf(items, q.limit);
}

export async function getItem({ db }: Pick<Deps, "db">, id: number) {
  const item = await db.item.findUnique({
    where: { id },
    // The directive documents it carries out (sổ văn bản chỉ đạo).
    include: { category: true, originalAsset: true, canonicalAsset: true, directives: { select: { directive: { select: { id: true, number: true, summary: true } } } } },
  });
  if (!item) throw notFound("item");
  return item;
}

/** A text (TTS) item, queued for synthesis, or a relay item, ready at once. */
export async function createItem(deps: Ingest, body: z.output<typeof itemCreateBody>, userId: number) {
  const { db, config } = deps;
  checkValidity(body.validFrom, body.validTo);
  await categoryExists(deps, body.categoryId);
  const common = { title: body.title, categoryId: body.categoryId ?? null, priority: body.priority, sourceRef: body.sourceRef, validFrom: body.validFrom ?? null, validTo: body.validTo ?? null, createdById: userId, approval: await initialApproval(db) };
  if (body.kind === "relay") {
    const url = await checkRelayUrl(body.url, { allowPrivate: config.RELAY_ALLOW_PRIVATE });
    return db.item.create({ data: { ...common, kind: "relay", relayUrl: url.href, durationMs: body.durationSec * 1000, status: "ready", progress: 100 } });
  }
  const item = await db.item.create({ data: { ...common, kind: "tts", ttsText: body.text, ttsVoice: body.voice, ttsRate: body.rate ?? null, status: "queued" } });
  await enqueueIngest(deps, item);
  return item;
}

export interface UploadRequest {
  body: ReadableStream<Uint8Array> | null;
  contentType: string | undefined;
  userId: number;
  /** The HTTP layer's validation of the text fields (the title defaults to the file name). */
  fields: (raw: Record<string, string>, fileName: string) => ItemUploadFields;
}

/**
 * An uploaded audio file: streamed to a temp file as it arrives (server/uploads.ts), checked
 * (sniffed content, probed stream, length), stored once by content hash, then queued.
 */
export async function uploadItem(deps: Ingest & Pick<Deps, "storage">, req: UploadRequest) {
  const { db, config, storage } = deps;
  const up = await receiveUpload(req.body, req.contentType, {
    maxFileBytes: config.UPLOAD_MAX_MB * 1024 * 1024,
    extensions: AUDIO_EXTENSIONS,
    tmpPath: (ext) => storage.tmpPath(ext),
  });
  try {
    const m = req.fields(up.fields, up.fileName);
    checkValidity(m.validFrom, m.validTo);
    await categoryExists(deps, m.categoryId);
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
        data: { title: m.title, kind: "audio", categoryId: m.categoryId ?? null, priority: m.priority, sourceRef: m.sourceRef, validFrom: m.validFrom ?? null, validTo: m.validTo ?? null, originalAssetId: asset.id, durationMs: Math.round(info.durationMs), status: "queued", createdById: req.userId, approval: await initialApproval(db) },
      });
    });
    // The same file uploaded twice at once: the other upload stored the original first, and
    // the second try finds it.
    const item = await create().catch((err: unknown) => (isUniqueViolation(err) ? create() : Promise.reject(err)));
    await enqueueIngest(deps, item);
    return { item, file: { name: up.fileName, sha256: up.sha256, bytes: up.bytes } };
  } finally {
    fs.rmSync(up.tmpPath, { force: true });
  }
}

/** An edit; what the item says changed withdraws its approval (when approval is on). */
export async function updateItem(deps: Ingest & Pick<Deps, "replan">, id: number, body: z.output<typeof itemPatchBody>) {
  const { db, config } = deps;
  const item = await findItem(deps, id);
  checkValidity(body.validFrom ?? item.validFrom, body.validTo ?? item.validTo);
  await categoryExists(deps, body.categoryId);
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
  const withdrawn = resynth || (data.relayUrl !== undefined && data.relayUrl !== item.relayUrl) || (data.durationMs !== undefined && data.durationMs !== item.durationMs);
  if (withdrawn) Object.assign(data, await withdrawnOnEdit(db));
  const updated = await db.item.update({ where: { id }, data });
  if (resynth) await enqueueIngest(deps, updated);
  await deps.replan?.({ itemId: id });
  return { before: item, item: updated };
}

/** Items are archived, never deleted: the as-run log keeps referring to them. */
export async function archiveItem(deps: Pick<Deps, "db" | "replan">, id: number) {
  await findItem(deps, id);
  await deps.db.item.update({ where: { id }, data: { archived: true } });
  await deps.replan?.({ itemId: id });
}

/** Processing again from the start (a failed synthesis or ingest). */
export async function retryItem(deps: Ingest, id: number) {
  const { db } = deps;
  const item = await findItem(deps, id);
  if (item.kind === "relay") throw new AppError(422, "NOTHING_TO_PROCESS", "Mục tiếp sóng không cần xử lý.", "Relay items need no processing.");
  const updated = await db.item.update({ where: { id }, data: { status: "queued", statusReason: "", progress: 0 } });
  // addFresh (enqueueIngest) replaces a finished job of the same revision.
  await enqueueIngest(deps, updated);
  return updated;
}

const AUDIO_TYPES: Record<string, string> = { ".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".opus": "audio/ogg", ".oga": "audio/ogg", ".flac": "audio/flac", ".m4a": "audio/mp4", ".mp4": "audio/mp4", ".aac": "audio/aac" };

/** The stored file of an item's original or canonical audio, and its media type. */
export async function itemAudioFile({ db, storage }: Pick<Deps, "db" | "storage">, id: number, variant: "original" | "canonical") {
  const item = await db.item.findUnique({ where: { id }, include: { originalAsset: true, canonicalAsset: true } });
  const asset = variant === "original" ? item?.originalAsset : item?.canonicalAsset;
  if (!item || !asset) throw notFound("item");
  const file = storage.abs(asset.path);
  return { file, contentType: AUDIO_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream" };
}
