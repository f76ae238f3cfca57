// Small shared pieces of the resource routers.
import fs from "node:fs";
import { Readable } from "node:stream";
import type { Context } from "hono";

// Input schemas the routers share (server/contract/common.ts).
export { idParam, localDate, localTime } from "../contract/common.ts";

export function sendFile(c: Context, file: string, contentType: string, downloadName?: string): Response {
  const stat = fs.statSync(file);
  const headers: Record<string, string> = { "content-type": contentType, "content-length": String(stat.size), "cache-control": "private, max-age=60" };
  if (downloadName) headers["content-disposition"] = `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}`;
  return c.body(Readable.toWeb(fs.createReadStream(file)) as ReadableStream, 200, headers);
}

const serialised = new WeakMap<object, string>();

/**
 * `{ [key]: value }` as JSON, serialised once per value: a cached report is the same object
 * for every request until its watermark moves, and 50 dashboards should not stringify 60 KB
 * 50 times. The value must not be changed after it is first sent.
 */
export function jsonOnce(c: Context, key: string, value: object): Response {
  let text = serialised.get(value);
  if (text === undefined) serialised.set(value, (text = JSON.stringify({ [key]: value })));
  return c.body(text, 200, { "content-type": "application/json" });
}
