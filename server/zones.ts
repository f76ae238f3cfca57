// Zone output configuration: validated by the sink schemas of audio/, with file sinks
// confined to DATA_DIR/air so a zone can never be pointed at an arbitrary path.
import path from "node:path";
import { sinkConfigSchema } from "../audio/sinks/index.ts";
import { fieldErrors } from "./http/validate.ts";
import { AppError } from "./errors.ts";

export function airDir(dataDir: string): string {
  return path.join(dataDir, "air");
}

export function validateZoneOutput(kind: string, raw: Record<string, unknown>, dataDir: string): Record<string, unknown> {
  const cfg: Record<string, unknown> = { ...raw, kind };
  if (kind === "file") {
    const sub = String(raw.dir ?? raw.subdir ?? "default");
    if (!/^[a-zA-Z0-9_-]+$/.test(sub)) {
      throw new AppError(422, "BAD_OUTPUT_DIR", "Thư mục đầu ra chỉ được gồm chữ, số, _ và -.", "The output folder may only contain letters, digits, _ and -.");
    }
    cfg.dir = path.join(airDir(dataDir), sub);
    delete cfg.subdir;
  }
  const parsed = sinkConfigSchema.safeParse(cfg);
  if (!parsed.success) {
    throw new AppError(422, "BAD_OUTPUT_CONFIG", "Cấu hình đầu ra của cụm loa không hợp lệ.", "Invalid zone output configuration.", { fields: fieldErrors(parsed.error) });
  }
  const out = { ...(parsed.data as Record<string, unknown>) };
  if (kind === "file") out.dir = path.relative(airDir(dataDir), String(out.dir));
  delete out.kind;
  return out;
}
