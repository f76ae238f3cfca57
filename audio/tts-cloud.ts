// Commercial Vietnamese text-to-speech services communes use, as TtsProviders (audio/tts.ts),
// from their public API contracts:
// - FPT.AI v5: POST https://api.fpt.ai/hmi/tts/v5, headers `api-key`, `voice`, `speed`
//   (-3..3), the raw text as body → JSON {async: <url>, error: 0, request_id, message}; the
//   MP3 is fetched later from the `async` URL (404 until it is ready).
// - Viettel AI: POST https://viettelai.vn/tts/speech_synthesis, JSON {text, voice, speed
//   (0.8..1.2), tts_return_option: 3 (mp3), token, without_filter} → the audio bytes (a JSON
//   body means an error, e.g. an invalid token or quota exceeded).
// Long texts are split at sentences (splitTextForTts) under each service's request limit;
// the MP3 parts are joined by concatenating their frames. Every failure is a TtsError with
// Vietnamese and English text: the caller falls back to espeak-ng (synthesizeWithFallback).
// Only fetch is used (injectable), so tests run against local stub servers, never the internet.
import fs from "node:fs/promises";
import path from "node:path";
import { splitTextForTts, TtsError, type TtsProvider, type TtsRequest, type TtsSynthesizeOptions, type TtsVoice } from "./tts.ts";

type Fetch = typeof fetch;

export interface CloudTtsOptions {
  /** Endpoint (a local stub in tests). */
  url: string;
  /** FPT.AI api-key / Viettel token. */
  key: string;
  /** The key as it is now (e.g. set in the app's settings), read before each use; `key` when it gives "". */
  keyOf?: () => Promise<string>;
  fetch?: Fetch;
  /** Per-request deadline when the caller gives none (default 60 s). */
  defaultTimeoutMs?: number;
  /** FPT.AI: how often the async URL is polled (default 500 ms). */
  pollMs?: number;
  maxChunkChars?: number;
}

export const FPT_VOICES: readonly TtsVoice[] = [
  { id: "banmai", labelVi: "Ban Mai (nữ, miền Bắc) — FPT.AI", labelEn: "Ban Mai (female, northern) — FPT.AI", region: "north" },
  { id: "leminh", labelVi: "Lê Minh (nam, miền Bắc) — FPT.AI", labelEn: "Lê Minh (male, northern) — FPT.AI", region: "north" },
  { id: "thuminh", labelVi: "Thu Minh (nữ, miền Bắc) — FPT.AI", labelEn: "Thu Minh (female, northern) — FPT.AI", region: "north" },
  { id: "myan", labelVi: "Mỹ An (nữ, miền Trung) — FPT.AI", labelEn: "Mỹ An (female, central) — FPT.AI", region: "central" },
  { id: "giahuy", labelVi: "Gia Huy (nam, miền Trung) — FPT.AI", labelEn: "Gia Huy (male, central) — FPT.AI", region: "central" },
  { id: "lannhi", labelVi: "Lan Nhi (nữ, miền Nam) — FPT.AI", labelEn: "Lan Nhi (female, southern) — FPT.AI", region: "south" },
];

export const VIETTEL_VOICES: readonly TtsVoice[] = [
  { id: "hn-quynhanh", labelVi: "Quỳnh Anh (nữ, Hà Nội) — Viettel AI", labelEn: "Quỳnh Anh (female, Hà Nội) — Viettel AI", region: "north" },
  { id: "hn-thanhtung", labelVi: "Thanh Tùng (nam, Hà Nội) — Viettel AI", labelEn: "Thanh Tùng (male, Hà Nội) — Viettel AI", region: "north" },
  { id: "hue-maingoc", labelVi: "Mai Ngọc (nữ, Huế) — Viettel AI", labelEn: "Mai Ngọc (female, Huế) — Viettel AI", region: "central" },
  { id: "hcm-diemmy", labelVi: "Diễm My (nữ, TP.HCM) — Viettel AI", labelEn: "Diễm My (female, HCMC) — Viettel AI", region: "south" },
];

/** Item voice ids of the cloud voices ("fpt:banmai", "viettel:hn-quynhanh", …). */
export const CLOUD_VOICE_IDS: readonly string[] = [...FPT_VOICES.map((v) => `fpt:${v.id}`), ...VIETTEL_VOICES.map((v) => `viettel:${v.id}`)];

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
/** Our rate (1 = normal, 0.5–2) on FPT.AI's integer scale -3..3 (0.5 → -3, 2 → 3). */
export function fptSpeed(rate = 1): number {
  const s = rate < 1 ? (rate - 1) * 6 : (rate - 1) * 3;
  return clamp(Math.sign(s) * Math.round(Math.abs(s)), -3, 3);
}
/** Our rate on Viettel's 0.8–1.2. */
export const viettelSpeed = (rate = 1): number => Math.round(clamp(rate, 0.8, 1.2) * 100) / 100;

const failed = (service: string, vi: string, en: string, code: "TTS_FAILED" | "TTS_UNAVAILABLE" | "TTS_TIMEOUT" = "TTS_FAILED") =>
  new TtsError(code, `${service}: ${vi}`, `${service}: ${en}`);

/** A fetch bounded by the request's deadline and the caller's signal. */
async function fetchWithin(f: Fetch, url: string, init: RequestInit, signal: AbortSignal, service: string): Promise<Response> {
  try {
    return await f(url, { ...init, signal });
  } catch (err) {
    if (signal.aborted) throw failed(service, "dịch vụ không trả lời kịp thời hạn", "the service did not answer in time", "TTS_TIMEOUT");
    throw failed(service, `không kết nối được (${(err as Error).message})`, `cannot connect (${(err as Error).message})`);
  }
}

function httpError(service: string, status: number, body: string): TtsError {
  if (status === 401 || status === 403) return failed(service, `khóa API không hợp lệ (HTTP ${status})`, `invalid API key (HTTP ${status})`, "TTS_UNAVAILABLE");
  if (status === 429 || /quota|limit|hết/i.test(body)) return failed(service, `đã hết hạn mức sử dụng (HTTP ${status})`, `quota exceeded (HTTP ${status})`);
  return failed(service, `dịch vụ báo lỗi HTTP ${status}`, `the service answered HTTP ${status}`);
}

const isMp3 = (b: Uint8Array) => b.length > 3 && ((b[0] === 0x49 && b[1] === 0x44 && b[2] === 0x33) || (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0));

interface Part {
  (text: string, voice: string, rate: number | undefined, signal: AbortSignal, key: string): Promise<Uint8Array>;
}

/** The shared shape of a cloud provider: split, synthesise each part, join, write atomically. */
function cloudProvider(id: string, service: string, voices: readonly TtsVoice[], o: CloudTtsOptions, maxChunkChars: number, part: Part): TtsProvider {
  const keyOf = async () => (o.keyOf ? await o.keyOf() : "") || o.key;
  return {
    id,
    voices: () => voices.map((v) => ({ ...v })),
    async available() {
      return (await keyOf()) ? { ok: true } : { ok: false, reason: `${service}: chưa cấu hình khóa API / no API key configured` };
    },
    async synthesize(req: TtsRequest, opts: TtsSynthesizeOptions) {
      const key = await keyOf();
      if (!key) throw failed(service, "chưa cấu hình khóa API", "no API key configured", "TTS_UNAVAILABLE");
      const voice = req.voice ?? voices[0]!.id;
      if (!voices.some((v) => v.id === voice)) throw new TtsError("TTS_UNKNOWN_VOICE", `${service}: không có giọng "${voice}"`, `${service}: unknown voice "${voice}"`);
      const chunks = splitTextForTts(req.text, { maxChars: o.maxChunkChars ?? maxChunkChars });
      if (!chunks.length) throw new TtsError("TTS_BAD_INPUT", "Văn bản không có nội dung để đọc", "The text has nothing to speak");
      const ac = new AbortController();
      const timeoutMs = opts.timeoutMs ?? o.defaultTimeoutMs ?? 60_000;
      const timer = setTimeout(() => ac.abort(), timeoutMs);
      const onAbort = () => ac.abort();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        const parts: Uint8Array[] = [];
        for (const [i, c] of chunks.entries()) {
          const audio = await part(c.text, voice, req.rate, ac.signal, key);
          if (!isMp3(audio)) throw failed(service, "dữ liệu trả về không phải âm thanh MP3", "the answer is not MP3 audio");
          parts.push(audio);
          opts.onProgress?.({ done: i + 1, total: chunks.length });
        }
        await fs.mkdir(path.dirname(opts.outPath), { recursive: true });
        const tmp = `${opts.outPath}.part`;
        await fs.writeFile(tmp, Buffer.concat(parts));
        await fs.rename(tmp, opts.outPath);
        return { path: opts.outPath, durationMs: 0 };
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
      }
    },
  };
}

export function createFptProvider(o: CloudTtsOptions): TtsProvider {
  const f = o.fetch ?? fetch;
  const service = "FPT.AI";
  return cloudProvider("fpt", service, FPT_VOICES, o, 4500, async (text, voice, rate, signal, key) => {
    const res = await fetchWithin(f, o.url, { method: "POST", headers: { "api-key": key, voice, speed: String(fptSpeed(rate)), "content-type": "text/plain; charset=utf-8" }, body: text }, signal, service);
    const body = await res.text();
    if (!res.ok) throw httpError(service, res.status, body);
    let answer: { async?: string; error?: number; message?: string };
    try {
      answer = JSON.parse(body) as typeof answer;
    } catch {
      throw failed(service, "câu trả lời không đúng định dạng", "malformed answer");
    }
    if (answer.error !== 0 || !answer.async) {
      const m = answer.message ?? "";
      throw /quota|limit|hết/i.test(m) ? failed(service, `đã hết hạn mức sử dụng (${m})`, `quota exceeded (${m})`) : failed(service, `dịch vụ báo lỗi ${answer.error ?? "?"} (${m})`, `the service reported error ${answer.error ?? "?"} (${m})`);
    }
    // The MP3 appears at the async URL once synthesised (404 until then).
    for (;;) {
      const r = await fetchWithin(f, answer.async, { method: "GET" }, signal, service);
      if (r.status === 200) return new Uint8Array(await r.arrayBuffer());
      await r.arrayBuffer().catch(() => undefined);
      if (r.status !== 404) throw httpError(service, r.status, "");
      await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? 500));
      if (signal.aborted) throw failed(service, "tệp âm thanh chưa sẵn sàng khi hết thời hạn", "the audio was not ready before the deadline", "TTS_TIMEOUT");
    }
  });
}

export function createViettelProvider(o: CloudTtsOptions): TtsProvider {
  const f = o.fetch ?? fetch;
  const service = "Viettel AI";
  return cloudProvider("viettel", service, VIETTEL_VOICES, o, 1800, async (text, voice, rate, signal, key) => {
    const res = await fetchWithin(f, o.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "*/*" },
      body: JSON.stringify({ text, voice, speed: viettelSpeed(rate), tts_return_option: 3, token: key, without_filter: false }),
    }, signal, service);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const type = res.headers.get("content-type") ?? "";
    if (!res.ok || type.includes("json")) {
      const body = new TextDecoder().decode(bytes);
      if (res.ok) {
        // 200 with a JSON body: the service's own error code.
        const m = (() => { try { const j = JSON.parse(body) as { code?: number; message?: string }; return `${j.code ?? ""} ${j.message ?? ""}`.trim(); } catch { return body.slice(0, 120); } })();
        throw /quota|limit|429|hết/i.test(m) ? failed(service, `đã hết hạn mức sử dụng (${m})`, `quota exceeded (${m})`) : failed(service, `dịch vụ báo lỗi (${m})`, `the service reported an error (${m})`);
      }
      throw httpError(service, res.status, body);
    }
    return bytes;
  });
}
