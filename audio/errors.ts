// Bad-input errors from the audio toolkit. An AudioInputError means the INPUT is
// unusable (retrying cannot help: workers should wrap it in BullMQ's
// UnrecoverableError); an FfmpegError (audio/ffmpeg.ts) means the run failed.
// Every message exists in Vietnamese and English for the operator UI.

export type AudioInputErrorCode =
  | "EMPTY_FILE"
  | "NOT_AUDIO"
  | "NO_AUDIO_STREAM"
  | "UNSUPPORTED_CODEC"
  | "CORRUPT"
  | "TRUNCATED"
  | "SILENT"
  | "TOO_SHORT"
  | "TOO_LONG"
  | "NOT_CANONICAL";

type Params = Record<string, string | number>;

const MESSAGES: Record<AudioInputErrorCode, { vi: string; en: string }> = {
  EMPTY_FILE: {
    vi: "Tệp rỗng (0 byte), không có nội dung âm thanh.",
    en: "The file is empty (0 bytes).",
  },
  NOT_AUDIO: {
    vi: "Tệp không phải là tệp âm thanh hoặc đã bị hỏng.",
    en: "The file is not an audio file or is corrupt.",
  },
  NO_AUDIO_STREAM: {
    vi: "Tệp không chứa luồng âm thanh (định dạng nhận được: {format}).",
    en: "The file contains no audio stream (detected format: {format}).",
  },
  UNSUPPORTED_CODEC: {
    vi: "Định dạng mã hoá âm thanh không được hỗ trợ ({codec}).",
    en: "Unsupported audio codec ({codec}).",
  },
  CORRUPT: {
    vi: "Tệp âm thanh bị hỏng, không giải mã được.",
    en: "The audio file is corrupt and cannot be decoded.",
  },
  TRUNCATED: {
    vi: "Tệp âm thanh bị thiếu (chỉ giải mã được {decoded} giây trên {declared} giây). Hãy tải lên lại.",
    en: "The audio file is truncated (only {decoded} s of {declared} s decodes). Please upload it again.",
  },
  SILENT: {
    vi: "Tệp chỉ chứa khoảng lặng, không có âm thanh để phát.",
    en: "The audio contains only silence; there is nothing to broadcast.",
  },
  TOO_SHORT: {
    vi: "Âm thanh quá ngắn ({seconds} giây, tối thiểu {min} giây).",
    en: "The audio is too short ({seconds} s, minimum {min} s).",
  },
  TOO_LONG: {
    vi: "Âm thanh quá dài ({seconds} giây, tối đa {max} giây).",
    en: "The audio is too long ({seconds} s, maximum {max} s).",
  },
  NOT_CANONICAL: {
    vi: "Tệp không ở định dạng phát sóng chuẩn của hệ thống: {detail}.",
    en: "The file is not in the canonical broadcast format: {detail}.",
  },
};

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

export class AudioInputError extends Error {
  readonly code: AudioInputErrorCode;
  readonly messageVi: string;
  readonly messageEn: string;

  constructor(code: AudioInputErrorCode, params: Params = {}, options?: { cause?: unknown }) {
    const vi = fill(MESSAGES[code].vi, params);
    const en = fill(MESSAGES[code].en, params);
    super(`${vi} / ${en}`, options);
    this.name = "AudioInputError";
    this.code = code;
    this.messageVi = vi;
    this.messageEn = en;
  }
}

export function isAudioInputError(e: unknown): e is AudioInputError {
  return e instanceof AudioInputError;
}
