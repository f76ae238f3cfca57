// Request schemas of the content library (/api/items).
import { z } from "zod";
import { CLOUD_VOICE_IDS } from "../../audio/tts-cloud.ts";
import { pageQuery } from "../db/page.ts";
import { localDate } from "./common.ts";

export const PRIORITIES = ["normal", "priority", "emergency"] as const;
export const ITEM_STATUSES = ["queued", "processing", "ready", "failed"] as const;
export const ITEM_KINDS = ["audio", "tts", "relay"] as const;
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
export const itemCreateBody = z.discriminatedUnion("kind", [
  meta.extend({ kind: z.literal("tts"), ...ttsFields }),
  meta.extend({ kind: z.literal("relay"), ...relayFields }),
]);
export const itemPatchBody = meta.partial().extend({
  text: ttsFields.text.optional(),
  voice: ttsVoice.optional(),
  rate: ttsFields.rate,
  url: relayFields.url.optional(),
  durationSec: relayFields.durationSec.optional(),
  archived: z.boolean().optional(),
});
export const itemListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  categoryId: z.coerce.number().int().positive().optional(),
  priority: z.enum(PRIORITIES).optional(),
  status: z.enum(ITEM_STATUSES).optional(),
  kind: z.enum(ITEM_KINDS).optional(),
  archived: z.enum(["0", "1"]).optional(),
  ...pageQuery(100, 500),
});
/** The text fields of a multipart upload (the file itself is the part named "file"). */
export const itemUploadFields = z.object({
  title: z.string().trim().min(1).max(300),
  categoryId: z.coerce.number().int().positive().optional(),
  priority: z.enum(PRIORITIES).default("normal"),
  sourceRef: z.string().trim().max(120).default(""),
  validFrom: localDate.optional(),
  validTo: localDate.optional(),
});
export const itemAudioQuery = z.object({ variant: z.enum(["original", "canonical"]).default("canonical") });

export type Priority = (typeof PRIORITIES)[number];
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export type ItemKind = (typeof ITEM_KINDS)[number];
export type ItemCreate = z.input<typeof itemCreateBody>;
export type ItemPatch = z.input<typeof itemPatchBody>;
export type ItemListQuery = z.output<typeof itemListQuery>;
export type ItemUploadFields = z.output<typeof itemUploadFields>;

const readingFields = {
  categoryId: z.coerce.number().int().positive().optional(),
  priority: z.enum(PRIORITIES).default("normal"),
  voice: ttsVoice.default("vi"),
  rate: z.coerce.number().int().min(50).max(200).optional(),
  validFrom: localDate.optional(),
  validTo: localDate.optional(),
};
/** The text fields of a document upload (DOCX or PDF read aloud as TTS items). */
export const documentUploadFields = z.object({
  title: z.string().trim().max(280).optional(),
  sourceRef: z.string().trim().max(120).optional(),
  directiveId: z.coerce.number().int().positive().optional(),
  ...readingFields,
});
export const fromAttachmentBody = z.object({ title: z.string().trim().max(280).optional(), ...readingFields });
export type DocumentUploadFields = z.output<typeof documentUploadFields>;
