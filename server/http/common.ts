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
