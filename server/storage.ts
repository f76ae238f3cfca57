// Files under DATA_DIR. Originals are content-addressed (sha256) so the same upload is
// stored once; every write goes to DATA_DIR/tmp first and is renamed into place.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface Storage {
  root: string;
  tmpDir: string;
  abs(rel: string): string;
  tmpPath(ext: string): string;
  /** Moves a finished temp file to its content-addressed place; returns the relative path. */
  commitOriginal(tmpFile: string, sha256: string, ext: string): string;
  /** The same under another folder of DATA_DIR (e.g. "directives" for register attachments). */
  commitContent(tmpFile: string, sha256: string, ext: string, folder: string): string;
  commitFile(tmpFile: string, rel: string): string;
}

export function createStorage(dataDir: string): Storage {
  const root = path.resolve(dataDir);
  const tmpDir = path.join(root, "tmp");
  fs.mkdirSync(tmpDir, { recursive: true });
  const abs = (rel: string) => {
    const p = path.resolve(root, rel);
    if (!p.startsWith(root + path.sep)) throw new Error(`path escapes DATA_DIR: ${rel}`);
    return p;
  };
  const commitFile = (tmpFile: string, rel: string) => {
    const dest = abs(rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.renameSync(tmpFile, dest);
    return rel;
  };
  const commitContent = (tmpFile: string, sha256: string, ext: string, folder: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha256) || !/^\.[a-z0-9]{1,8}$/.test(ext)) throw new Error(`not a content address: ${sha256}${ext}`);
    const rel = path.join(folder, sha256.slice(0, 2), `${sha256}${ext}`);
    if (fs.existsSync(abs(rel))) {
      fs.rmSync(tmpFile, { force: true });
      return rel;
    }
    return commitFile(tmpFile, rel);
  };
  return {
    root,
    tmpDir,
    abs,
    tmpPath: (ext) => path.join(tmpDir, `${Date.now()}-${randomBytes(6).toString("hex")}${ext}`),
    commitOriginal: (tmpFile, sha256, ext) => commitContent(tmpFile, sha256, ext, "originals"),
    commitContent,
    commitFile,
  };
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

export const AUDIO_EXTENSIONS = [".mp3", ".wav", ".ogg", ".opus", ".oga", ".flac", ".m4a", ".aac", ".mp4"] as const;

/** Recognises the container from its first bytes; the extension must agree with it. */
export function sniffAudio(head: Buffer): "mp3" | "wav" | "ogg" | "flac" | "mp4" | "aac" | null {
  if (head.length >= 3 && head.subarray(0, 3).toString("latin1") === "ID3") return "mp3";
  if (head.length >= 12 && head.subarray(0, 4).toString("latin1") === "RIFF" && head.subarray(8, 12).toString("latin1") === "WAVE") return "wav";
  if (head.length >= 4 && head.subarray(0, 4).toString("latin1") === "OggS") return "ogg";
  if (head.length >= 4 && head.subarray(0, 4).toString("latin1") === "fLaC") return "flac";
  if (head.length >= 8 && head.subarray(4, 8).toString("latin1") === "ftyp") return "mp4";
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xf6) === 0xf0) return "aac"; // ADTS
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return "mp3"; // MPEG audio frame sync
  return null;
}

const EXT_FAMILY: Record<string, string[]> = {
  ".mp3": ["mp3"],
  ".wav": ["wav"],
  ".ogg": ["ogg"],
  ".oga": ["ogg"],
  ".opus": ["ogg"],
  ".flac": ["flac"],
  ".m4a": ["mp4"],
  ".aac": ["aac", "mp4"],
  // A video file's sound track (a recorded meeting): ingest maps the first audio stream only.
  ".mp4": ["mp4"],
};

export function extensionMatches(ext: string, sniffed: string): boolean {
  return EXT_FAMILY[ext]?.includes(sniffed) ?? false;
}

/** A display-safe file name: no path parts, control characters or NUL; NFC; bounded, extension kept. */
export function safeFileName(name: string, maxChars = 200): string {
  const base = name.normalize("NFC").split(/[\\/]/).pop() ?? "";
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").replace(/^\.+/, "").trim();
  if (!clean) return "audio";
  const chars = [...clean]; // by code point, so a cut never splits a surrogate pair
  if (chars.length <= maxChars) return clean;
  const ext = path.extname(clean);
  const keep = ext.length > 0 && ext.length <= 10 ? ext : "";
  return [...clean.slice(0, clean.length - keep.length)].slice(0, maxChars - keep.length).join("").trimEnd() + keep;
}
