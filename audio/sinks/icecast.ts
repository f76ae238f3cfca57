// Icecast sink: the stream IP speaker clusters pull. Our own source client
// (icecast-source.ts) pushes the canonical MP3 frames to the mount as they air — no
// ffmpeg child, no re-encode, and the password never appears in the process list.
//
// open() connects before air time, retrying with backoff until the open deadline, and
// keeps the mount alive with real-time digital silence until the first frame (Icecast
// drops a source that sends nothing for <source-timeout>, 10 s by default; pre-roll is
// longer). Mid-session, a lost connection (Icecast restarted, network blip, 403 while the
// old source is still registered) is re-established in the background with backoff while
// write() discards frames: the session keeps time and resumes with the current frames.
// Each outage that cost program audio is one dropout (see types.ts).
import type { Socket } from "node:net";
import type { Logger } from "../ffmpeg.ts";
import { CANONICAL } from "../canonical.ts";
import { SilenceFiller } from "./filler.ts";
import { connectIcecastSource, IcecastRefusedError, type IcecastSourceConfig } from "./icecast-source.ts";
import { backoffMs, DropoutLog, hhmmss, openDeadline, pause } from "./reconnect.ts";
import type { Sink, SinkCloseInfo, SinkOptions } from "./types.ts";

export { icecastRequestHead, IcecastRefusedError, connectIcecastSource } from "./icecast-source.ts";

export interface IcecastSinkConfig extends IcecastSourceConfig {
  kind: "icecast";
}

/** One connection attempt (connect + answer) may take this long at most. */
const ATTEMPT_MS = 3000;
/**
 * Unsent audio (in our buffer, past the kernel's) beyond this much means the network is
 * stalled without telling us: drop the connection and reconnect rather than queue stale
 * audio (keep time). 3 s of canonical MP3.
 */
const STALL_BYTES = Math.round((3000 * CANONICAL.bitRateKbps * 1000) / 8 / 1000);

type State = "new" | "up" | "down" | "closed";

export class IcecastSink implements Sink {
  readonly kind = "icecast" as const;
  /** Icecast forwards at once and speakers buffer seconds; a little lead absorbs stalls. */
  readonly leadMs = 200;
  readonly label: string;
  private state: State = "new";
  private socket: Socket | null = null;
  private opening: Promise<void> | null = null;
  private reconnecting: Promise<void> | null = null;
  private readonly stop = new AbortController();
  private bytes = 0;
  private delivered = 0;
  private deliveredOnSocket = 0;
  private readonly filler: SilenceFiller;
  private readonly logger: Logger | undefined;
  private readonly now: () => number;
  private readonly dropouts: DropoutLog;

  constructor(
    private readonly config: IcecastSinkConfig,
    private readonly opts: SinkOptions = {},
  ) {
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    this.label = `icecast ${host}:${config.port}${config.mount}`;
    this.logger = opts.logger;
    const clock = opts.clock;
    this.now = clock ? () => clock.now() : () => Date.now();
    this.dropouts = new DropoutLog(this.label, { onDropout: opts.onDropout, logger: opts.logger });
    this.filler = new SilenceFiller(this.now, () => this.state === "up", (silence, now) => void this.push(silence, now));
  }

  /** True while a source connection is up (tests, status). */
  get connected(): boolean {
    return this.state === "up";
  }

  open(): Promise<void> {
    if (this.state === "closed") return Promise.reject(new Error("Đầu ra đã đóng / Sink already closed"));
    this.opening ??= this.openUntil(openDeadline(this.opts, this.now()));
    return this.opening;
  }

  private async openUntil(deadline: number): Promise<void> {
    let attempts = 0;
    let last: Error | null = null;
    for (;;) {
      const left = deadline - this.now();
      if (attempts > 0 && left <= 0) break;
      attempts++;
      try {
        const socket = await connectIcecastSource(this.config, { timeoutMs: Math.max(250, Math.min(ATTEMPT_MS, left)), signal: this.stop.signal });
        if (this.state === "closed") {
          socket.destroy();
          throw new Error("Đầu ra đã đóng / Sink already closed");
        }
        this.attach(socket);
        this.filler.start();
        return;
      } catch (e) {
        last = e as Error;
        if (this.state === "closed") throw last;
        // A wrong password will not fix itself before air time: say so now.
        if (last instanceof IcecastRefusedError && last.status === 401) {
          throw this.error(`Không mở được đầu ra ${this.label}: sai tên hoặc mật khẩu nguồn / Could not open output ${this.label}: source user or password rejected`, last);
        }
        this.logger?.debug(`sink ${this.label}: open attempt ${attempts} failed: ${last.message}`);
      }
      const delay = Math.min(backoffMs(attempts - 1), deadline - this.now());
      if (delay <= 0) break;
      if (!(await pause(delay, this.stop.signal))) throw new Error("Đầu ra đã đóng / Sink already closed");
    }
    throw this.error(
      `Không mở được đầu ra ${this.label} trước hạn ${hhmmss(deadline)} (${attempts} lần thử) / Could not open output ${this.label} before the deadline ${hhmmss(deadline)} UTC (${attempts} attempts)`,
      last ?? new Error("no attempt"),
    );
  }

  /** Takes a freshly accepted source connection into service. */
  private attach(socket: Socket): void {
    this.socket = socket;
    this.state = "up";
    this.deliveredOnSocket = 0;
    this.filler.restart();
    socket.setKeepAlive(true, 5000);
    const lost = (why: string) => this.lost(socket, why);
    socket.on("error", (err: NodeJS.ErrnoException) => lost(err.code ? `${err.code} ${err.message}` : err.message));
    socket.on("end", () => lost("Icecast closed the connection"));
    socket.on("close", () => lost("connection closed"));
    // Icecast says nothing after its 200; anything else is read and ignored.
    socket.on("data", () => undefined);
  }

  private lost(socket: Socket, why: string): void {
    if (socket !== this.socket || this.state !== "up") return;
    // What was still queued on our side never reached Icecast.
    const unsent = Math.min(socket.writableLength, this.deliveredOnSocket);
    this.delivered -= unsent;
    this.socket = null;
    this.state = "down";
    socket.destroy();
    this.dropouts.lost(this.now(), `Mất kết nối Icecast / Icecast connection lost: ${why}`);
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = null));
  }

  /** Background reconnection with backoff until it works or the sink is closed. */
  private async reconnect(): Promise<void> {
    for (let attempt = 0; this.state === "down"; attempt++) {
      try {
        const socket = await connectIcecastSource(this.config, { timeoutMs: ATTEMPT_MS, signal: this.stop.signal });
        if (this.state !== "down") {
          socket.destroy();
          return;
        }
        this.attach(socket);
        this.logger?.warn(`sink ${this.label}: reconnected after ${attempt + 1} attempt(s)`);
        return;
      } catch (e) {
        if (this.state !== "down") return;
        this.logger?.debug(`sink ${this.label}: reconnect attempt ${attempt + 1} failed: ${(e as Error).message}`);
      }
      if (!(await pause(backoffMs(attempt), this.stop.signal))) return;
    }
  }

  async write(chunk: Buffer): Promise<boolean> {
    if (this.state === "new" || this.state === "closed") throw new Error(`Đầu ra chưa mở / Sink ${this.label} is not open`);
    const now = this.now();
    this.filler.wrote(now);
    this.bytes += chunk.length;
    if (!this.push(chunk, now)) {
      this.dropouts.discarded(now);
      return false;
    }
    this.delivered += chunk.length;
    this.deliveredOnSocket += chunk.length;
    return true;
  }

  /** Writes to the live connection; false when there is none (or it just stalled). */
  private push(data: Buffer, now: number): boolean {
    const socket = this.socket;
    if (this.state !== "up" || !socket) return false;
    if (socket.writableLength > STALL_BYTES) {
      this.lost(socket, `network stalled (${socket.writableLength} bytes unsent)`);
      return false;
    }
    socket.write(data);
    this.dropouts.flowing(now);
    return true;
  }

  async close(): Promise<SinkCloseInfo> {
    const socket = this.shutdown();
    if (socket) {
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      socket.end();
      // Flushing to a stuck connection must not hold the airing's end.
      const timer = setTimeout(() => socket.destroy(), 2000);
      await closed;
      clearTimeout(timer);
    }
    return { kind: this.kind, bytesWritten: this.bytes, bytesDelivered: this.delivered, dropouts: [...this.dropouts.all] };
  }

  async abort(reason: string): Promise<void> {
    const socket = this.shutdown();
    if (socket) {
      this.logger?.warn(`sink ${this.label} aborted: ${reason}`);
      socket.destroy();
    }
  }

  private shutdown(): Socket | null {
    const socket = this.state === "up" ? this.socket : null;
    this.state = "closed";
    this.socket = null;
    this.stop.abort();
    this.filler.stop();
    this.dropouts.finish(this.now());
    return socket;
  }

  private error(message: string, cause: Error): Error {
    const detail = cause.message.split(this.config.password).join("***");
    return new Error(`${message}: ${detail}`, { cause });
  }
}

export function createIcecastSink(c: IcecastSinkConfig, opts: SinkOptions = {}): IcecastSink {
  return new IcecastSink(c, opts);
}
