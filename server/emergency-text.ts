// One-step emergency: typed (or pasted) text → spoken, normalised and on air on the chosen
// zones in one request. The text becomes a khẩn cấp TTS item whose ingest job goes to the
// FRONT of the ingest queue (LIFO), the request waits for it to be ready (seconds for a few
// hundred characters), then starts the emergency as any other (server/emergencies.ts):
// pre-empting what airs, repeating as asked. Nothing is written before the inputs and Redis
// are checked; an item whose synthesis fails is answered 422 with the reason and never airs.
import type { Config } from "./config.ts";
import type { Db } from "./db/client.ts";
import type { Logger } from "./logger.ts";
import type { Queues } from "./queues.ts";
import type { Emergencies } from "./emergencies.ts";
import { AppError } from "./errors.ts";
import { initialApproval } from "./approval.ts";
import { ingestJob } from "./jobs/ingest-revision.ts";

export interface TextEmergency {
  text: string;
  voice: string;
  zoneIds: number[];
  repeatEveryMin?: number | null;
  until?: Date | null;
  userId: number | null;
}

export interface TextEmergencyDeps {
  db: Db;
  queues: Queues;
  config: Config;
  logger: Logger;
  emergencies: Emergencies;
  /** How long the request waits for the speech (default 60 s), and how often it looks. */
  readyTimeoutMs?: number;
  pollMs?: number;
}

/** A title from the text's first words: "Khẩn cấp: Bão số 3 đang …". */
export function emergencyTitle(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return `Khẩn cấp: ${flat.length > 80 ? `${flat.slice(0, 79).trimEnd()}…` : flat}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function airTextEmergency(deps: TextEmergencyDeps, o: TextEmergency) {
  const { db, queues, config } = deps;
  const t0 = Date.now();
  const zones = await db.zone.count({ where: { id: { in: o.zoneIds }, enabled: true } });
  if (zones !== new Set(o.zoneIds).size) throw new AppError(422, "UNKNOWN_ZONES", "Có cụm loa không tồn tại hoặc đang tắt.", "Some zones do not exist or are disabled.");
  await queues.ready();
  const item = await db.item.create({
    data: { title: emergencyTitle(o.text), kind: "tts", priority: "emergency", ttsText: o.text, ttsVoice: o.voice, status: "queued", createdById: o.userId, approval: await initialApproval(db) },
  });
  await queues.addFresh(ingestJob(item, null, config), { lifo: true });
  const deadline = Date.now() + (deps.readyTimeoutMs ?? 60_000);
  for (;;) {
    const now = await db.item.findUnique({ where: { id: item.id }, select: { status: true, statusReason: true } });
    if (now?.status === "ready") break;
    if (now?.status === "failed") {
      throw new AppError(422, "TTS_FAILED", `Không đọc được văn bản thành giọng nói: ${now.statusReason}`, `The text could not be spoken: ${now.statusReason}`, { itemId: item.id });
    }
    if (Date.now() > deadline) {
      throw new AppError(503, "TTS_TIMEOUT", "Chưa đọc xong văn bản (hệ thống đang bận); tin đã được lưu, hãy phát khẩn cấp từ thư viện khi sẵn sàng.", "The speech is not ready yet (the system is busy); the item is saved: start the emergency from the library once it is ready.", { itemId: item.id });
    }
    await sleep(deps.pollMs ?? 50);
  }
  const spokenMs = Date.now() - t0;
  deps.logger.info(`text emergency: item ${item.id} (${o.text.length} chars) spoken and normalised in ${spokenMs} ms`);
  const r = await deps.emergencies.start({ itemId: item.id, zoneIds: o.zoneIds, repeatEveryMin: o.repeatEveryMin ?? null, until: o.until ?? null, userId: o.userId });
  return { ...r, item: await db.item.findUniqueOrThrow({ where: { id: item.id } }), spokenMs };
}
