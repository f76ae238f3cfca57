// Where an airing goes out: its zone's output settings as the sink takes them, and the name
// of the recording a file output writes. Pure, so the settings are testable without a sink.
import path from "node:path";
import { airDir } from "../server/zones.ts";
import { localDateOf, localTimeOf } from "../server/domain/time.ts";
import type { createSink } from "../audio/sinks/index.ts";

export type OutputSettings = Parameters<typeof createSink>[0];

/** The zone's stored output (kind + JSON settings); a file output writes under DATA_DIR/air. */
export function outputOf(zone: { outputKind: string; outputConfig: string }, dataDir: string): OutputSettings {
  const output: Record<string, unknown> = { ...JSON.parse(zone.outputConfig), kind: zone.outputKind };
  if (output.kind === "file") output.dir = path.join(airDir(dataDir), String(output.dir ?? "default"));
  return output as OutputSettings;
}

/** `<commune date>_<HHMM>_airing-<id>.mp3`, from the scheduled start in commune time. */
export function airFileName(airing: { id: number; scheduledStart: Date }, tz: string): string {
  const stamp = `${localDateOf(airing.scheduledStart, tz)}_${localTimeOf(airing.scheduledStart, tz).replace(":", "")}`;
  return `${stamp}_airing-${airing.id}.mp3`;
}
