// A raw HTTP client that streams a large body (declared length or chunked) with
// backpressure and stops as soon as the server answers, so a test can see how much
// the server let in before refusing.
import http from "node:http";

export interface PushResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Bytes of body handed to the socket before the answer (or the end). */
  sent: number;
}

export function push(url: string, opts: { method?: string; headers?: Record<string, string>; prefix?: Buffer; suffix?: Buffer; bodyBytes: number; chunked: boolean; chunk?: Buffer }): Promise<PushResult> {
  const chunk = opts.chunk ?? Buffer.alloc(64 * 1024, 0x20);
  const prefix = opts.prefix ?? Buffer.alloc(0);
  const suffix = opts.suffix ?? Buffer.alloc(0);
  const total = prefix.length + opts.bodyBytes + suffix.length;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (!opts.chunked) headers["content-length"] = String(total);
    const req = http.request(url, { method: opts.method ?? "POST", headers, agent: false });
    let sent = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent });
        req.destroy();
      });
      res.on("error", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent }));
    });
    req.on("error", (e) => {
      if (!answered) reject(Object.assign(e, { sent }));
    });
    const write = (b: Buffer) => {
      sent += b.length;
      return req.write(b);
    };
    (async () => {
      if (prefix.length) write(prefix);
      let left = opts.bodyBytes;
      while (left > 0 && !answered && !req.destroyed) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!write(part)) await drainOrClose(req);
      }
      if (!answered && !req.destroyed) {
        if (suffix.length) write(suffix);
        req.end();
      }
    })().catch(reject);
  });
}

/** Waits for the socket to take more, or to close; the listener that did not fire is removed
 *  (a 400 MB push waits thousands of times). */
function drainOrClose(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off("drain", done);
      req.off("close", done);
      resolve();
    };
    req.on("drain", done);
    req.on("close", done);
  });
}

/** A multipart envelope around one file field (the bytes go between prefix and suffix). */
export function multipart(fileName: string, fields: Record<string, string> = {}): { contentType: string; prefix: Buffer; suffix: Buffer } {
  const boundary = `----loaxa${Date.now().toString(36)}`;
  let head = "";
  for (const [k, v] of Object.entries(fields)) head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return { contentType: `multipart/form-data; boundary=${boundary}`, prefix: Buffer.from(head, "utf8"), suffix: Buffer.from(`\r\n--${boundary}--\r\n`) };
}

/** A 16-bit mono 44.1 kHz WAV header for `dataBytes` of samples. */
export function wavHeader(dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0, "latin1");
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write("WAVEfmt ", 8, "latin1");
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(44100, 24);
  h.writeUInt32LE(88200, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write("data", 36, "latin1");
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/** 64 KiB of a 441 Hz tone (a whole number of periods, so chunks join seamlessly). */
export function toneChunk(): Buffer {
  const b = Buffer.alloc(100 * 2 * 320);
  for (let i = 0; i < b.length / 2; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * i) / 100)), i * 2);
  return b;
}
