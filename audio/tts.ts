// Text-to-speech port: the provider interface, its error type, a registry of
// providers, and the sentence splitter every provider can share.
//
// The default provider is offline espeak-ng (audio/tts-espeak.ts). A commercial
// Vietnamese TTS service (e.g. FPT.AI, Viettel AI, Zalo AI, Google/Azure neural
// voices) can be added as another TtsProvider: map `rate`/`pitch` to its own
// scale, split with splitTextForTts() to respect its request size limit, and
// write the result to `opts.outPath` — the registry and callers do not change.

export type TtsRegion = "north" | "central" | "south";

export interface TtsVoice {
  /** Provider-local id, e.g. "vi" or "vi-vn-x-south". */
  id: string;
  labelVi: string;
  labelEn: string;
  region: TtsRegion;
}

export interface TtsRequest {
  text: string;
  /** A voice id from voices(); the provider's default when omitted. */
  voice?: string;
  /** Speed factor, 1 = the voice's normal speed, 0.5–2. */
  rate?: number;
  /** Pitch factor, 1 = the voice's normal pitch, 0.5–1.5. */
  pitch?: number;
}

export interface TtsProgress {
  /** Chunks synthesised so far / total chunks. */
  done: number;
  total: number;
}

export interface TtsSynthesizeOptions {
  /** Final audio file. Written atomically: it exists only if synthesis succeeded. */
  outPath: string;
  /** Scratch space; the provider makes and removes its own sub-directory. */
  tmpDir: string;
  /** Whole-request deadline; running child processes are killed when it passes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: TtsProgress) => void;
}

export interface TtsResult {
  path: string;
  durationMs: number;
}

export interface TtsProvider {
  id: string;
  voices(): Promise<TtsVoice[]> | TtsVoice[];
  /** Never throws: says whether synthesize() can work on this machine, and why not. */
  available(): Promise<{ ok: boolean; reason?: string }>;
  synthesize(req: TtsRequest, opts: TtsSynthesizeOptions): Promise<TtsResult>;
}

export type TtsErrorCode =
  | "TTS_UNAVAILABLE"
  | "TTS_BAD_INPUT"
  | "TTS_UNKNOWN_VOICE"
  | "TTS_UNKNOWN_PROVIDER"
  | "TTS_TIMEOUT"
  | "TTS_ABORTED"
  | "TTS_FAILED";

// Retrying cannot fix these; a job runner should fail the job for good.
const PERMANENT: ReadonlySet<TtsErrorCode> = new Set([
  "TTS_UNAVAILABLE",
  "TTS_BAD_INPUT",
  "TTS_UNKNOWN_VOICE",
  "TTS_UNKNOWN_PROVIDER",
]);

export class TtsError extends Error {
  readonly code: TtsErrorCode;
  readonly messageVi: string;
  readonly messageEn: string;
  /** True when retrying the same request cannot succeed. */
  readonly permanent: boolean;
  /** Command line and stderr of the failed child process, when there was one. */
  readonly command?: string;
  readonly stderr?: string;

  constructor(
    code: TtsErrorCode,
    messageVi: string,
    messageEn: string,
    extra: { command?: string; stderr?: string; cause?: unknown } = {},
  ) {
    super(`${messageVi} / ${messageEn}`, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = "TtsError";
    this.code = code;
    this.messageVi = messageVi;
    this.messageEn = messageEn;
    this.permanent = PERMANENT.has(code);
    if (extra.command !== undefined) this.command = extra.command;
    if (extra.stderr !== undefined) this.stderr = extra.stderr;
  }
}

export interface TtsRegistry {
  readonly defaultProviderId: string;
  providers(): TtsProvider[];
  /** The named provider, or the default; throws TtsError TTS_UNKNOWN_PROVIDER. */
  get(id?: string): TtsProvider;
  /** Every voice of every provider, tagged with its provider id. */
  voices(): Promise<Array<TtsVoice & { providerId: string }>>;
  synthesize(req: TtsRequest & { provider?: string }, opts: TtsSynthesizeOptions): Promise<TtsResult>;
}

export function createTtsRegistry(providers: TtsProvider[], options: { defaultProviderId?: string } = {}): TtsRegistry {
  const byId = new Map<string, TtsProvider>();
  for (const p of providers) {
    if (byId.has(p.id)) throw new Error(`Duplicate TTS provider id: ${p.id}`);
    byId.set(p.id, p);
  }
  const defaultProviderId = options.defaultProviderId ?? providers[0]?.id;
  if (defaultProviderId === undefined || !byId.has(defaultProviderId)) {
    throw new Error(`Default TTS provider not registered: ${String(defaultProviderId)}`);
  }
  const get = (id?: string): TtsProvider => {
    const p = byId.get(id ?? defaultProviderId);
    if (!p) {
      throw new TtsError(
        "TTS_UNKNOWN_PROVIDER",
        `Không có bộ đọc văn bản "${id}"`,
        `Unknown text-to-speech provider "${id}"`,
      );
    }
    return p;
  };
  return {
    defaultProviderId,
    providers: () => [...byId.values()],
    get,
    async voices() {
      const lists = await Promise.all(
        [...byId.values()].map(async (p) => (await p.voices()).map((v) => ({ ...v, providerId: p.id }))),
      );
      return lists.flat();
    },
    // async so an unknown provider rejects instead of throwing synchronously.
    async synthesize({ provider, ...req }, opts) {
      return get(provider).synthesize(req, opts);
    },
  };
}

/** How a chunk ends, so a provider can choose the pause that follows it. */
export type TtsBreak = "paragraph" | "sentence" | "clause" | "word";

export interface TtsChunk {
  text: string;
  breakAfter: TtsBreak;
}

const HAS_SPEECH = /[\p{L}\p{N}]/u;

/**
 * Splits text at sentence boundaries (. ! ? ; … and newlines) and caps each
 * chunk at `maxChars`, cutting an over-long sentence at a comma/colon, else at a
 * space, else hard. Chunks without a letter or digit are dropped.
 */
export function splitTextForTts(text: string, options: { maxChars?: number } = {}): TtsChunk[] {
  const maxChars = Math.max(20, options.maxChars ?? 300);
  const chunks: TtsChunk[] = [];
  const push = (t: string, breakAfter: TtsBreak) => {
    const s = t.replace(/\s+/g, " ").trim();
    if (HAS_SPEECH.test(s)) chunks.push({ text: s, breakAfter });
  };
  const paragraphs = text.replace(/\r\n?/g, "\n").split(/\n\s*\n/);
  const markLast = (since: number, kind: TtsBreak) => {
    if (chunks.length > since) chunks[chunks.length - 1]!.breakAfter = kind;
  };
  for (const para of paragraphs) {
    const paraStart = chunks.length;
    for (const line of para.split("\n")) {
      const lineStart = chunks.length;
      // A sentence ends at punctuation followed by whitespace or the end of line;
      // "3.5" or "v.v" inside a word does not end it.
      const sentences = line.match(/[^]*?(?:[.!?;…]+["'”’)\]]*(?=\s|$)|$)/gu) ?? [];
      for (const raw of sentences) {
        if (!raw.trim()) continue;
        const kind: TtsBreak = /;["'”’)\]]*\s*$/.test(raw) ? "clause" : "sentence";
        for (const piece of capLength(raw.trim(), maxChars)) push(piece.text, piece.last ? kind : piece.breakAfter);
      }
      markLast(lineStart, "sentence"); // a line break is at least a sentence break
    }
    markLast(paraStart, "paragraph");
  }
  return chunks;
}

function capLength(s: string, max: number): Array<{ text: string; breakAfter: TtsBreak; last: boolean }> {
  const out: Array<{ text: string; breakAfter: TtsBreak; last: boolean }> = [];
  let rest = s;
  while (rest.length > max) {
    const head = rest.slice(0, max + 1);
    let cut = Math.max(head.lastIndexOf(", "), head.lastIndexOf(": "));
    let breakAfter: TtsBreak = "clause";
    if (cut < max / 3) {
      cut = head.lastIndexOf(" ");
      breakAfter = "word";
    } else cut += 1; // keep the comma with the first part
    if (cut < max / 3) cut = max; // one enormous "word": cut it hard
    out.push({ text: rest.slice(0, cut), breakAfter, last: false });
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push({ text: rest, breakAfter: "sentence", last: true });
  return out;
}

/** "fpt:banmai" → provider "fpt", voice "banmai"; a bare voice ("vi") is the default provider's. */
export function splitVoiceId(id: string): { provider?: string; voice: string } {
  const i = id.indexOf(":");
  return i > 0 ? { provider: id.slice(0, i), voice: id.slice(i + 1) } : { voice: id };
}

export interface FallbackResult extends TtsResult {
  providerId: string;
  /** Set when the chosen provider failed and the fallback spoke instead: why, in both languages. */
  fallback?: { from: string; messageVi: string; messageEn: string };
}

/**
 * Synthesises with the chosen provider; when it fails for any reason but a cancellation or
 * bad input (service down, slow, error, quota exceeded, no key), speaks with the fallback
 * provider (offline espeak-ng) instead and says why, so the item still airs.
 */
export async function synthesizeWithFallback(
  registry: TtsRegistry,
  req: TtsRequest & { provider?: string },
  opts: TtsSynthesizeOptions,
  fallback: { provider: string; voice?: string },
): Promise<FallbackResult> {
  const chosen = req.provider ?? registry.defaultProviderId;
  if (chosen === fallback.provider) return { ...(await registry.synthesize(req, opts)), providerId: chosen };
  try {
    return { ...(await registry.synthesize(req, opts)), providerId: chosen };
  } catch (err) {
    if (opts.signal?.aborted || (err instanceof TtsError && (err.code === "TTS_ABORTED" || err.code === "TTS_BAD_INPUT"))) throw err;
    const e = err instanceof TtsError ? err : null;
    const why = { messageVi: e?.messageVi ?? String((err as Error)?.message ?? err), messageEn: e?.messageEn ?? String((err as Error)?.message ?? err) };
    const { provider: _p, voice: _v, ...rest } = req;
    const r = await registry.synthesize({ ...rest, provider: fallback.provider, ...(fallback.voice ? { voice: fallback.voice } : {}) }, opts);
    return { ...r, providerId: fallback.provider, fallback: { from: chosen, ...why } };
  }
}
