// Small shared pieces of the resource routers.
import fs from "node:fs";
import { Readable } from "node:stream";
import type { Context } from "hono";
import { z } from "zod";

export const idParam = z.object({ id: z.coerce.number().int().positive() });

export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD").refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, "not a real calendar date");

export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time must be HH:MM (24-hour)");

export function sendFile(c: Context, file: string, contentType: string, downloadName?: string): Response {
  const stat = fs.statSync(file);
  const headers: Record<string, string> = { "content-type": contentType, "content-length": String(stat.size), "cache-control": "private, max-age=60" };
  if (downloadName) headers["content-disposition"] = `attachment; filename*=UTF-8''${encodeURIComponent(downloadName)}`;
  return c.body(Readable.toWeb(fs.createReadStream(file)) as ReadableStream, 200, headers);
}
