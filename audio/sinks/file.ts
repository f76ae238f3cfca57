// File sink: appends what aired to an MP3 under a directory. Frames are written as they
// air, so after a crash the file still holds exactly what went out. open() creates the file
// before air time (a missing or read-only directory fails in pre-roll); if nothing was
// written by close/abort, an empty file it created is removed again (no empty files behind).
import { randomBytes } from "node:crypto";
import { mkdir, open, stat, unlink, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Sink, SinkCloseInfo } from "./types.ts";

export interface FileSinkConfig {
  kind: "file";
  dir: string;
  fileName?: string;
}

export function defaultFileName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, "-");
  return `playout-${stamp}-${randomBytes(3).toString("hex")}.mp3`;
}

export class FileSink implements Sink {
  readonly kind = "file" as const;
  readonly leadMs = 0;
  readonly path: string;
  private fh: FileHandle | null = null;
  private opening: Promise<void> | null = null;
  private bytes = 0;
  private closed = false;
  /** open() made the file (it did not exist before). */
  private created = false;

  constructor(config: FileSinkConfig, opts: { fileName?: string } = {}) {
    const name = opts.fileName ?? config.fileName ?? defaultFileName();
    if (name !== path.basename(name) || name === "." || name === "..") {
      throw new Error(`Tên tệp đầu ra không hợp lệ / Invalid output file name: ${name}`);
    }
    this.path = path.join(config.dir, name);
  }

  open(): Promise<void> {
    if (this.closed) return Promise.reject(new Error("Đầu ra đã đóng / Sink already closed"));
    this.opening ??= (async () => {
      await mkdir(path.dirname(this.path), { recursive: true });
      this.created = !(await stat(this.path).then(() => true, () => false));
      this.fh = await open(this.path, "a");
    })();
    return this.opening;
  }

  async write(chunk: Buffer): Promise<void> {
    if (!this.fh || this.closed) throw new Error("Đầu ra tệp chưa mở / File sink is not open");
    // Appending: the whole buffer is written or the call rejects.
    await this.fh.write(chunk);
    this.bytes += chunk.length;
  }

  /** `path` is absent when nothing was written (the empty file was removed). */
  async close(): Promise<SinkCloseInfo> {
    await this.release();
    return { kind: this.kind, bytesWritten: this.bytes, bytesDelivered: this.bytes, dropouts: [], ...(this.bytes > 0 ? { path: this.path } : {}) };
  }

  async abort(_reason: string): Promise<void> {
    await this.release();
  }

  private async release(): Promise<void> {
    this.closed = true;
    if (this.opening) await this.opening.catch(() => undefined);
    const fh = this.fh;
    this.fh = null;
    if (!fh) return;
    const size = (await fh.stat()).size;
    await fh.close();
    // Nothing ever aired into it (e.g. released in pre-roll): leave no empty file behind.
    // A file this sink did not create (appending to an earlier part) is always kept.
    if (this.created && this.bytes === 0 && size === 0) await unlink(this.path).catch(() => undefined);
  }
}
