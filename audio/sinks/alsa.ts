// ALSA sink: local sound card feeding a wired/FM amplifier. ffmpeg decodes our MP3 and
// plays it on an ALSA device:
//   ffmpeg -f mp3 -i pipe:0 [-ar 48000] [-ac 2] -f alsa <device>
// <device> is an ALSA PCM name: "default", "plughw:0,0" (card 0 with automatic format
// conversion; prefer it over "hw:0,0", which rejects 44.1 kHz mono on many cards),
// or a name from `aplay -L`. The worker's user must be in the "audio" group.
// Like the icecast sink, open() starts ffmpeg before air time and plays silence until
// the first frame, so a missing or busy card fails before the session, not during it.
import { FfmpegPipeSink, PIPE_INPUT_ARGS } from "./ffmpeg-pipe.ts";
import type { SinkOptions } from "./types.ts";

export interface AlsaSinkConfig {
  kind: "alsa";
  device: string;
  sampleRate?: number;
  channels?: 1 | 2;
}

/** Pure argv for ALSA playback; unit-tested without ffmpeg or a sound card. */
export function alsaArgs(c: AlsaSinkConfig): string[] {
  return [
    ...PIPE_INPUT_ARGS,
    "-map", "0:a",
    ...(c.sampleRate ? ["-ar", String(c.sampleRate)] : []),
    ...(c.channels ? ["-ac", String(c.channels)] : []),
    "-f", "alsa", c.device,
  ];
}

export function createAlsaSink(c: AlsaSinkConfig, opts: SinkOptions = {}): FfmpegPipeSink {
  return new FfmpegPipeSink(
    {
      kind: "alsa",
      args: alsaArgs(c),
      // The card drains its buffer in real time; keep ~300 ms queued to avoid underruns.
      leadMs: 300,
      label: `alsa ${c.device}`,
      secrets: [],
    },
    opts,
  );
}
