// Icecast sink: the stream IP speaker clusters pull. ffmpeg copies our MP3 frames (no
// re-encode) to an Icecast mount as a source client. The connection is made by open(),
// before air time, and kept alive with silence until the first frame (see ffmpeg-pipe.ts).
import { FfmpegPipeSink, PIPE_INPUT_ARGS } from "./ffmpeg-pipe.ts";
import type { SinkOptions } from "./types.ts";

export interface IcecastSinkConfig {
  kind: "icecast";
  host: string;
  port: number;
  mount: string;
  user: string;
  password: string;
  tls?: boolean;
  name?: string;
  description?: string;
  genre?: string;
  public?: boolean;
}

/** The icecast:// URL ffmpeg publishes to (credentials included: keep it out of logs). */
export function icecastUrl(c: IcecastSinkConfig): string {
  const host = c.host.includes(":") ? `[${c.host}]` : c.host;
  return `icecast://${c.user}:${c.password}@${host}:${c.port}${c.mount}`;
}

/** Pure argv for the icecast push; unit-tested without ffmpeg. */
export function icecastArgs(c: IcecastSinkConfig): string[] {
  const meta: string[] = [];
  if (c.name) meta.push("-ice_name", c.name);
  if (c.description) meta.push("-ice_description", c.description);
  if (c.genre) meta.push("-ice_genre", c.genre);
  return [
    ...PIPE_INPUT_ARGS,
    "-map", "0:a", "-c", "copy",
    "-content_type", "audio/mpeg",
    "-ice_public", c.public ? "1" : "0",
    ...meta,
    ...(c.tls ? ["-tls", "1"] : []),
    // Plain frames for listeners: no ID3 tag, no Xing frame at the start of the stream.
    "-id3v2_version", "0", "-write_xing", "0",
    "-flush_packets", "1",
    "-f", "mp3", icecastUrl(c),
  ];
}

export function createIcecastSink(c: IcecastSinkConfig, opts: SinkOptions = {}): FfmpegPipeSink {
  return new FfmpegPipeSink(
    {
      kind: "icecast",
      args: icecastArgs(c),
      // Icecast forwards at once and speakers buffer seconds; a little lead absorbs stalls.
      leadMs: 200,
      label: `icecast ${c.host}:${c.port}${c.mount}`,
      secrets: [c.password],
    },
    opts,
  );
}
