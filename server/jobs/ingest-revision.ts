// Names one version of an item's audio: the ingest job of an item carries the revision of
// the source and loudness target it was queued for, so a job made stale by an edit is
// ignored by the worker and a queued one can be found again by its id.
import { createHash } from "node:crypto";
import type { Config } from "../config.ts";
import type { JobOf } from "./catalogue.ts";

/** What the revision reads of the settings: the loudness target the audio is made for. */
type Target = Pick<Config, "LOUDNESS_TARGET_LUFS" | "TRUE_PEAK_MAX_DBTP">;
type ItemLike = { id: number; kind: string; ttsText: string | null; ttsVoice: string | null; ttsRate: number | null };

/** Identifies one version of an item's source and target, so a stale job is ignored. */
export function ingestRevision(item: ItemLike, originalSha: string | null, config: Target): string {
  const src = item.kind === "tts" ? `tts|${item.ttsVoice}|${item.ttsRate}|${item.ttsText}` : `audio|${originalSha}`;
  return createHash("sha256").update(`${src}|${config.LOUDNESS_TARGET_LUFS}|${config.TRUE_PEAK_MAX_DBTP}`).digest("hex").slice(0, 16);
}

/** The ingest job of an item's current revision. */
export function ingestJob(item: ItemLike, originalSha: string | null, config: Target): JobOf<"ingest"> {
  return { name: "ingest", data: { itemId: item.id, revision: ingestRevision(item, originalSha, config) } };
}
