// Sink configs (validated with zod) and the factory that turns one into a Sink.
import { z } from "zod";
import { createAlsaSink } from "./alsa.ts";
import { FileSink } from "./file.ts";
import { createIcecastSink } from "./icecast.ts";
import type { Sink, SinkOptions } from "./types.ts";

export type { Sink, SinkCloseInfo, SinkDropout, SinkKind, SinkOptions } from "./types.ts";
export { FileSink } from "./file.ts";
export { FfmpegPipeSink } from "./ffmpeg-pipe.ts";
export { IcecastSink, IcecastRefusedError, icecastRequestHead } from "./icecast.ts";
export { alsaArgs } from "./alsa.ts";

export const fileSinkConfigSchema = z.object({
  kind: z.literal("file"),
  dir: z.string().min(1, { error: "Cần thư mục đầu ra / Output directory is required" }),
  fileName: z
    .string()
    .regex(/^[^/\\]+\.mp3$/i, { error: "Tên tệp phải là *.mp3, không chứa thư mục / File name must be *.mp3 without directories" })
    .optional(),
});

// Kept to characters that need no escaping anywhere (Basic auth forbids ":" in the user;
// configs written for the earlier ffmpeg icecast:// push stay valid).
const credential = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9._~!$&'()*+,;=-]+$/, {
    error: "Chỉ dùng chữ, số và ._~!$&'()*+,;=- / Use only letters, digits and ._~!$&'()*+,;=-",
  });

export const icecastSinkConfigSchema = z.object({
  kind: z.literal("icecast"),
  host: z.string().min(1).regex(/^[A-Za-z0-9.:-]+$/, { error: "Tên máy chủ không hợp lệ / Invalid host name" }),
  port: z.number().int().min(1).max(65535),
  mount: z.string().regex(/^\/[A-Za-z0-9._\-/]*$/, { error: "Điểm gắn phải bắt đầu bằng / (vd. /xa.mp3) / Mount must start with / (e.g. /xa.mp3)" }),
  user: credential.default("source"),
  password: credential,
  tls: z.boolean().default(false),
  name: z.string().max(200).optional(),
  description: z.string().max(500).optional(),
  genre: z.string().max(100).optional(),
  public: z.boolean().default(false),
});

export const alsaSinkConfigSchema = z.object({
  kind: z.literal("alsa"),
  // No leading "-": ffmpeg would read the device name as an option.
  device: z.string().min(1).regex(/^[A-Za-z0-9_][A-Za-z0-9_:,.=-]*$/, { error: "Tên thiết bị ALSA không hợp lệ / Invalid ALSA device name" }).default("default"),
  sampleRate: z.union([z.literal(44100), z.literal(48000)]).optional(),
  channels: z.union([z.literal(1), z.literal(2)]).optional(),
});

export const sinkConfigSchema = z.discriminatedUnion("kind", [fileSinkConfigSchema, icecastSinkConfigSchema, alsaSinkConfigSchema]);

/** A validated sink config (defaults applied). */
export type SinkConfig = z.output<typeof sinkConfigSchema>;
/** What callers may write before validation (defaults optional). */
export type SinkConfigInput = z.input<typeof sinkConfigSchema>;
export type FileSinkConfig = z.output<typeof fileSinkConfigSchema>;
export type IcecastSinkConfig = z.output<typeof icecastSinkConfigSchema>;
export type AlsaSinkConfig = z.output<typeof alsaSinkConfigSchema>;

/** Validates `config` (throws a ZodError on bad input) and builds an unopened sink. */
export function createSink(config: SinkConfigInput, opts: SinkOptions = {}): Sink {
  const c = sinkConfigSchema.parse(config);
  switch (c.kind) {
    case "file":
      return new FileSink(c, opts);
    case "icecast":
      return createIcecastSink(c, opts);
    case "alsa":
      return createAlsaSink(c, opts);
  }
}
