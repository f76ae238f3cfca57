// Streams a multipart upload to a temp file while counting and hashing it: nothing holds
// the whole body in memory, and the read stops the moment the file passes its limit (the
// client may still be sending; we refuse rather than drain). On any refusal the temp
// file is removed before the error is thrown.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { AppError } from "./errors.ts";
import { fileTooLarge } from "./http/body.ts";
import { safeFileName } from "./storage.ts";

export interface ReceivedUpload {
  /** Temp file holding the bytes (the caller moves or removes it). */
  tmpPath: string;
  /** Display-safe name from the client (extension kept). */
  fileName: string;
  /** Lower-case extension with the dot, e.g. ".mp3". */
  ext: string;
  bytes: number;
  sha256: string;
  /** First 16 bytes, for sniffing the container. */
  head: Buffer;
  /** Text fields (NFC is applied later by the caller's validation). */
  fields: Record<string, string>;
}

export interface ReceiveOptions {
  maxFileBytes: number;
  /** Accepted extensions; anything else is refused (415) before its bytes are stored. */
  extensions: readonly string[];
  tmpPath: (ext: string) => string;
  fileField?: string;
  /** What the file is, for the "no file" error (default: audio). */
  noFile?: { vi: string; en: string };
}

const badMultipart = (why: string) =>
  new AppError(400, "BAD_MULTIPART", "Dữ liệu tải lên bị lỗi định dạng.", `The upload is not valid multipart form data (${why}).`);

export const unsupportedType = (ext: string, accepted: readonly string[]) =>
  new AppError(
    415,
    "UNSUPPORTED_TYPE",
    `Định dạng tệp không được hỗ trợ (${ext || "không có phần mở rộng"}). Chấp nhận: ${accepted.join(", ")}.`,
    `Unsupported file type (${ext || "no extension"}). Accepted: ${accepted.join(", ")}.`,
  );

/** Counts, hashes and keeps the head of what passes; fails past `max` bytes. */
class Meter extends Transform {
  bytes = 0;
  readonly hash = createHash("sha256");
  head = Buffer.alloc(0);
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) return cb(fileTooLarge(this.max));
    if (this.head.length < 16) this.head = Buffer.concat([this.head, chunk.subarray(0, 16 - this.head.length)]);
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

export async function receiveUpload(body: ReadableStream<Uint8Array> | null, contentType: string | undefined, opts: ReceiveOptions): Promise<ReceivedUpload> {
  if (!body || !/^multipart\/form-data/i.test(contentType ?? "")) throw badMultipart("expected multipart/form-data");
  const fileField = opts.fileField ?? "file";
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { "content-type": contentType! },
      // Browsers send file names as raw UTF-8 (busboy's default is latin1).
      defParamCharset: "utf8",
      limits: { files: 1, fileSize: opts.maxFileBytes, fields: 20, fieldSize: 64 * 1024, parts: 24, headerPairs: 20 },
    });
  } catch (e) {
    throw badMultipart((e as Error).message);
  }
  const input = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  const fields: Record<string, string> = {};
  // Set by the file handler (a holder object: TypeScript does not track closure writes).
  const st: { tmp: string | null; result: Omit<ReceivedUpload, "fields"> | null; writing: Promise<void> | null } = { tmp: null, result: null, writing: null };

  const done = new Promise<void>((resolve, reject) => {
    const stop = (err: Error) => {
      // Stop reading the request: the rest of the body is never pulled.
      input.unpipe(bb);
      input.destroy();
      reject(err);
    };
    bb.on("field", (name, value, info) => {
      if (info.valueTruncated) return stop(new AppError(413, "FIELD_TOO_LARGE", `Trường "${name}" quá dài.`, `The field "${name}" is too long.`));
      fields[name] = value;
    });
    bb.on("file", (name, stream, info) => {
      if (name !== fileField || st.writing) {
        stream.resume();
        return stop(badMultipart(`unexpected file field "${name}"`));
      }
      const fileName = safeFileName(info.filename ?? "");
      const ext = path.extname(fileName).toLowerCase();
      if (!opts.extensions.includes(ext)) {
        stream.resume();
        return stop(unsupportedType(ext, opts.extensions));
      }
      const meter = new Meter(opts.maxFileBytes);
      // busboy truncates at its own fileSize limit: that too is "over the limit".
      stream.once("limit", () => meter.destroy(fileTooLarge(opts.maxFileBytes)));
      const tmp = (st.tmp = opts.tmpPath(ext));
      // Created now, not by the stream's deferred open: a refusal that comes before that
      // open would otherwise remove nothing and let the open create the file afterwards.
      const fd = fs.openSync(tmp, "wx", 0o600);
      st.writing = pipeline(stream, meter, fs.createWriteStream(tmp, { fd })).then(
        () => {
          st.result = { tmpPath: tmp, fileName, ext, bytes: meter.bytes, sha256: meter.hash.digest("hex"), head: meter.head };
        },
        (err: Error) => stop(err instanceof AppError ? err : badMultipart(err.message)),
      );
    });
    bb.on("filesLimit", () => stop(badMultipart("only one file may be sent")));
    bb.on("fieldsLimit", () => stop(badMultipart("too many fields")));
    bb.on("partsLimit", () => stop(badMultipart("too many parts")));
    bb.on("error", (e: Error) => stop(badMultipart(e.message)));
    bb.on("close", () => void (st.writing ?? Promise.resolve()).then(() => resolve()));
    input.on("error", (e) => stop(e instanceof AppError ? e : badMultipart(e.message)));
    input.pipe(bb);
  });

  try {
    await done;
    await st.writing;
    if (!st.result) {
      const what = opts.noFile ?? { vi: "tệp âm thanh", en: "audio file" };
      throw new AppError(422, "NO_FILE", `Chưa chọn ${what.vi}.`, `No ${what.en} was attached (field '${fileField}').`);
    }
    return { ...st.result, fields };
  } catch (err) {
    await st.writing?.catch(() => undefined);
    if (st.tmp) fs.rmSync(st.tmp, { force: true });
    throw err;
  }
}
