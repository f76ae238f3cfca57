// Keys of the cloud text-to-speech services (FPT.AI, Viettel AI), set by an administrator in
// Settings. A key set here is used from the next synthesis on, by every worker (they read it
// before each use); without one, the environment's key (FPT_TTS_API_KEY, VIETTEL_TTS_TOKEN)
// is used; without either, espeak-ng speaks and the item says why. A key is never sent back:
// the API tells only whether one is set, where from, and its last four characters.
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";

export const CLOUD_TTS = ["fpt", "viettel"] as const;
export type CloudTts = (typeof CLOUD_TTS)[number];

const COLUMN = { fpt: "fptKey", viettel: "viettelToken" } as const;
const ENV = { fpt: "FPT_TTS_API_KEY", viettel: "VIETTEL_TTS_TOKEN" } as const;

export interface TtsKeyStatus {
  provider: CloudTts;
  /** Where the key in use comes from: Settings, the environment, or nowhere. */
  source: "settings" | "env" | null;
  /** The last four characters of the key in use ("…ab12"), for recognising it. */
  hint: string;
  updatedAt: string | null;
}

const hintOf = (key: string) => (key ? `…${key.slice(-4)}` : "");

/** The key a provider uses now: the one set in Settings, else the environment's. */
export async function cloudTtsKey(db: Db, provider: CloudTts, config: Pick<Config, "FPT_TTS_API_KEY" | "VIETTEL_TTS_TOKEN">): Promise<string> {
  const row = await db.ttsSetting.findUnique({ where: { id: 1 }, select: { [COLUMN[provider]]: true } as { fptKey: true } });
  return (row as Record<string, string> | null)?.[COLUMN[provider]] || config[ENV[provider]];
}

export async function ttsKeyStatus(db: Db, config: Pick<Config, "FPT_TTS_API_KEY" | "VIETTEL_TTS_TOKEN">): Promise<TtsKeyStatus[]> {
  const row = await db.ttsSetting.findUnique({ where: { id: 1 } });
  return CLOUD_TTS.map((provider) => {
    const stored = row?.[COLUMN[provider]] ?? "";
    const env = config[ENV[provider]];
    return {
      provider,
      source: stored ? "settings" : env ? "env" : null,
      hint: hintOf(stored || env),
      updatedAt: stored && row ? row.updatedAt.toISOString() : null,
    };
  });
}

/** Sets ("" clears) the key of one provider. */
export async function setTtsKey(db: Db, provider: CloudTts, key: string, userId: number): Promise<void> {
  const data = { [COLUMN[provider]]: key, updatedById: userId };
  await db.ttsSetting.upsert({ where: { id: 1 }, update: data, create: { id: 1, ...data } });
}

/** Sets ("" clears) a provider's key; the status of every provider after it. */
export async function saveTtsKey({ db, config }: { db: Db; config: Pick<Config, "FPT_TTS_API_KEY" | "VIETTEL_TTS_TOKEN"> }, provider: CloudTts, key: string, userId: number): Promise<TtsKeyStatus[]> {
  await setTtsKey(db, provider, key, userId);
  return ttsKeyStatus(db, config);
}
