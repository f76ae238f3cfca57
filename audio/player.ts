// Playout engine: airs an ordered list of segments (files, live relays) to one sink,
// starting precisely on time and pacing MP3 frames against the clock, and records what
// actually went out per segment — the raw material of the as-run log.
import type { Logger } from "./ffmpeg.ts";
import { frameIndex, frameRange, Mp3FileReader, type Mp3FrameIndex } from "./mp3frames.ts";
import { CANONICAL, FRAME_MS } from "./canonical.ts";
import { abortableSleep, systemClock, waitUntil, type Clock } from "./precise-timer.ts";
import { startRelay, type AudioChunk, type RelayStream } from "./relay.ts";
import type { Sink, SinkCloseInfo, SinkDropout } from "./sinks/types.ts";

export type PlayoutSegment<T = unknown> =
  | { kind: "file"; path: string; startMs?: number; endMs?: number; tag: T }
  | { kind: "relay"; url: string; durationMs: number; fallbackPath?: string; tag: T };

/** not_played: never reached (interrupted or failed before it). No as-run row. */
export type SegmentStatus = "completed" | "interrupted" | "failed" | "skipped" | "not_played";

export interface SegmentRecord<T = unknown> {
  index: number;
  tag: T;
  kind: "file" | "relay";
  status: SegmentStatus;
  /** What went out: the file, the live relay, or the relay's fallback file. */
  source: "file" | "relay" | "fallback" | null;
  /** Epoch ms at which the segment's first frame aired; null if nothing aired. */
  actualStartMs: number | null;
  actualEndMs: number | null;
  /** Audio actually handed to the sink. */
  playedMs: number;
  /**
   * Of playedMs, audio the sink discarded because its output was down (a dropout: the
   * session kept time, listeners heard nothing). A segment that lost more than half of its
   * audio this way is `failed`; otherwise it keeps its status and `reason` says what was lost.
   */
  lostMs: number;
  plannedMs: number;
  reason: string | null;
}

export interface PlayoutResult<T = unknown> {
  scheduledStartMs: number;
  actualStartMs: number | null;
  actualEndMs: number | null;
  /** actualStartMs - scheduledStartMs. */
  latenessMs: number | null;
  playedMs: number;
  /** Of playedMs, audio that reached a live output (playedMs minus every segment's lostMs). */
  deliveredMs: number;
  /**
   * `failed` also when the output was down for the session: every segment that played lost
   * more than half of its audio to dropouts (deliveredMs near 0). The clock ran, nobody
   * heard the items, so the airing did not air.
   */
  outcome: "completed" | "interrupted" | "failed";
  reason: string | null;
  segments: SegmentRecord<T>[];
  /**
   * Output outages that cost program audio (from the sink's close info; empty when the
   * sink was kept open or failed — onDropout still reported them as they ended).
   */
  dropouts: SinkDropout[];
  /** Null when keepSinkOpen or when the sink failed (see reason). */
  sink: SinkCloseInfo | null;
}

export interface SegmentStartEvent<T = unknown> {
  index: number;
  tag: T;
  source: "file" | "relay" | "fallback";
  actualStartMs: number;
}

export interface PlayoutOptions<T = unknown> {
  segments: PlayoutSegment<T>[];
  sink: Sink;
  /** Pace at speed× real time (tests). Default 1. */
  speed?: number;
  clock?: Clock;
  logger?: Logger;
  ffmpegPath?: string;
  /** Audio pushed ahead of real time; default sink.leadMs. */
  leadMs?: number;
  /** Start pulling a relay this long (real ms) before it is due. Default 3000. */
  relayPrerollMs?: number;
  /** A relay with no audio this long after its pull began falls back. Default 5000. */
  relayStartTimeoutMs?: number;
  /** Leave the sink open at the end (the caller reuses it, e.g. for an emergency). */
  keepSinkOpen?: boolean;
  /** Called as each segment starts / ends; must not throw (errors are logged). */
  onSegmentStart?: (e: SegmentStartEvent<T>) => void | Promise<void>;
  onSegmentEnd?: (r: SegmentRecord<T>) => void | Promise<void>;
}

export interface Playout<T = unknown> {
  /** Total planned audio (ms): file ranges plus relay durations. */
  readonly plannedMs: number;
  /** Waits for `epochMs` precisely, airs every segment, closes the sink. Once only. */
  startAt(epochMs: number): Promise<PlayoutResult<T>>;
  /** Stops at the next frame boundary; the current segment is interrupted, later ones not played. */
  interrupt(reason: string): void;
  /** Releases the sink and files when startAt() will not be called. */
  dispose(reason?: string): Promise<void>;
}

interface Prepared<T> {
  seg: PlayoutSegment<T>;
  plannedMs: number;
  index?: Mp3FrameIndex;
  range?: { first: number; end: number };
  fallback?: Mp3FrameIndex;
}

/** Where a segment's frames come from: a file reader or a live relay. */
interface FrameSource {
  read(maxMs: number, signal?: AbortSignal): Promise<AudioChunk | null>;
}

const MAX_LAG_MS = 250;
const RELAY_TOLERANCE_MS = 1000;

const fail = (vi: string, en: string) => new Error(`${vi} / ${en}`);

async function indexCanonical(path: string): Promise<Mp3FrameIndex> {
  const idx = await frameIndex(path);
  if (idx.sampleRate !== CANONICAL.sampleRate || idx.channels !== CANONICAL.channels) {
    throw fail(
      `Tệp không ở định dạng phát sóng chuẩn (${idx.sampleRate} Hz, ${idx.channels} kênh): ${path}`,
      `File is not in the broadcast format (${idx.sampleRate} Hz, ${idx.channels} ch, want 44100 Hz mono): ${path}`,
    );
  }
  return idx;
}

async function prepareSegment<T>(seg: PlayoutSegment<T>, i: number): Promise<Prepared<T>> {
  if (seg.kind === "relay") {
    if (!(seg.durationMs > 0)) throw fail(`Đoạn ${i}: thời lượng tiếp sóng phải > 0`, `Segment ${i}: relay duration must be > 0`);
    const fallback = seg.fallbackPath ? await indexCanonical(seg.fallbackPath) : undefined;
    return { seg, plannedMs: seg.durationMs, ...(fallback ? { fallback } : {}) };
  }
  if (seg.startMs !== undefined && seg.endMs !== undefined && seg.endMs < seg.startMs) {
    throw fail(`Đoạn ${i}: điểm kết thúc trước điểm bắt đầu`, `Segment ${i}: endMs is before startMs`);
  }
  const index = await indexCanonical(seg.path);
  const range = frameRange(index.frames, seg.startMs, seg.endMs);
  const first = index.frames[range.first];
  const last = index.frames[range.end - 1];
  const plannedMs = first && last && range.end > range.first ? last.startMs + last.durationMs - first.startMs : 0;
  return { seg, plannedMs, index, range };
}

function safeCall<A>(logger: Logger | undefined, fn: ((a: A) => void | Promise<void>) | undefined, arg: A): void {
  if (!fn) return;
  try {
    void Promise.resolve(fn(arg)).catch((e: unknown) => logger?.warn(`playout callback failed: ${String(e)}`));
  } catch (e) {
    logger?.warn(`playout callback failed: ${String(e)}`);
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Makes a segment's record say what listeners got: a segment that lost more than half of
 * its audio to output dropouts did not air (failed, so it is not counted and can be made
 * good); a smaller loss keeps the status and is noted in the reason.
 */
function accountLoss(rec: SegmentRecord<unknown>): void {
  if (rec.lostMs <= 0) return;
  const lost = Math.round(rec.lostMs);
  const played = Math.round(rec.playedMs);
  if (rec.status === "completed" && rec.lostMs * 2 > rec.playedMs) {
    rec.status = "failed";
    rec.reason = `đầu ra mất tín hiệu: ${lost}/${played} ms không đến người nghe / output down: ${lost} of ${played} ms did not reach listeners`;
    return;
  }
  const note = `mất ${lost} ms do đầu ra gián đoạn / ${lost} ms lost to an output dropout`;
  rec.reason = rec.reason ? `${rec.reason}; ${note}` : note;
}

/** Indexes every file and opens the sink ahead of air time. */
export async function preparePlayout<T>(opts: PlayoutOptions<T>): Promise<Playout<T>> {
  if (!opts.segments.length) throw fail("Chương trình phát không có đoạn nào", "Playout has no segments");
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw fail("Tốc độ phát phải > 0", "Playout speed must be > 0");
  const prepared: Prepared<T>[] = [];
  for (const [i, seg] of opts.segments.entries()) prepared.push(await prepareSegment(seg, i));
  // Have the first frames in memory so the first write at air time waits on nothing.
  let firstReader: Mp3FileReader | null = null;
  const p0 = prepared[0]!;
  if (p0.index && p0.range) {
    firstReader = await Mp3FileReader.open(p0.index.path, p0.index.frames, p0.range.first, p0.range.end);
    await firstReader.prefetch();
  }
  try {
    await opts.sink.open();
  } catch (e) {
    await firstReader?.close();
    throw e;
  }
  return new PlayoutRun(opts, prepared, firstReader, speed);
}

class PlayoutRun<T> implements Playout<T> {
  readonly plannedMs: number;
  private readonly ctl = new AbortController();
  private readonly interrupted: Promise<void>;
  private interruptReason: string | null = null;
  private started = false;
  private readonly clock: Clock;
  private readonly lead: number;
  private readonly relays = new Map<number, RelayStream>();
  private readonly relayErrors = new Map<number, string>();
  private t0 = 0;
  /** Audio ms sent since the start, and where the current segment began. */
  private audioPos = 0;
  private segStartPos = 0;

  constructor(
    private readonly opts: PlayoutOptions<T>,
    private readonly prepared: Prepared<T>[],
    private firstReader: Mp3FileReader | null,
    private readonly speed: number,
  ) {
    this.plannedMs = prepared.reduce((n, p) => n + p.plannedMs, 0);
    this.clock = opts.clock ?? systemClock;
    this.lead = opts.leadMs ?? opts.sink.leadMs;
    this.interrupted = new Promise((resolve) => this.ctl.signal.addEventListener("abort", () => resolve(), { once: true }));
  }

  interrupt(reason: string): void {
    if (this.interruptReason !== null) return;
    this.interruptReason = reason;
    this.ctl.abort();
  }

  async dispose(reason = "disposed"): Promise<void> {
    this.interrupt(reason);
    if (this.started) return;
    this.started = true;
    await this.firstReader?.close();
    if (!this.opts.keepSinkOpen) await this.opts.sink.abort(reason);
  }

  async startAt(epochMs: number): Promise<PlayoutResult<T>> {
    if (this.started) throw fail("Phiên phát đã chạy", "Playout already started or disposed");
    this.started = true;
    const records: SegmentRecord<T>[] = this.prepared.map((p, index) => ({
      index, tag: p.seg.tag, kind: p.seg.kind, status: "not_played", source: null,
      actualStartMs: null, actualEndMs: null, playedMs: 0, lostMs: 0, plannedMs: p.plannedMs, reason: null,
    }));
    const signal = this.ctl.signal;
    const first = this.prepared[0]!;
    if (first.seg.kind === "relay") {
      await waitUntil(epochMs - (this.opts.relayPrerollMs ?? 3000), { clock: this.clock, signal });
      if (!signal.aborted) this.launchRelay(0);
    }
    this.t0 = await waitUntil(epochMs, { clock: this.clock, signal });
    let failure: string | null = null;
    try {
      for (const [i, rec] of records.entries()) {
        if (signal.aborted || failure) {
          rec.reason = failure ? "đầu ra lỗi / sink failed" : this.interruptReason;
          continue;
        }
        failure = await this.playSegment(i, rec);
        accountLoss(rec);
        safeCall(this.opts.logger, this.opts.onSegmentEnd, { ...rec });
      }
      // A real-time sink is still sounding the lead: the airing ends when the audio does.
      if (!signal.aborted && !failure) await this.sleepUntilAudio(this.audioPos);
    } catch (e) {
      await this.opts.sink.abort(message(e)).catch(() => undefined);
      throw e;
    } finally {
      await this.firstReader?.close().catch(() => undefined);
      this.firstReader = null;
      await Promise.all([...this.relays.values()].map((r) => r.stop()));
    }
    let sink: SinkCloseInfo | null = null;
    if (failure) {
      await this.opts.sink.abort(failure).catch(() => undefined);
    } else if (!this.opts.keepSinkOpen) {
      try {
        sink = await this.opts.sink.close();
      } catch (e) {
        failure = message(e);
      }
    }
    const aired = records.filter((r) => r.actualStartMs !== null);
    const cut = records.some((r) => r.status === "interrupted" || r.status === "not_played");
    const actualStartMs = aired[0]?.actualStartMs ?? null;
    const playedMs = records.reduce((n, r) => n + r.playedMs, 0);
    const deliveredMs = Math.max(0, playedMs - records.reduce((n, r) => n + r.lostMs, 0));
    // Output down for (nearly) the whole session: no item reached listeners, so it did not air.
    const unheard = !failure && aired.length > 0 && aired.every((r) => r.lostMs * 2 > r.playedMs);
    if (unheard) {
      failure = `đầu ra mất tín hiệu suốt phiên, không mục nào đến được người nghe (${Math.round(deliveredMs)}/${Math.round(playedMs)} ms) / output down for the session: no item reached listeners (${Math.round(deliveredMs)} of ${Math.round(playedMs)} ms delivered)`;
    }
    return {
      scheduledStartMs: epochMs,
      actualStartMs,
      actualEndMs: aired.at(-1)?.actualEndMs ?? null,
      latenessMs: actualStartMs === null ? null : actualStartMs - epochMs,
      playedMs,
      deliveredMs,
      outcome: failure ? "failed" : cut ? "interrupted" : "completed",
      reason: failure ?? (cut ? this.interruptReason : null),
      segments: records,
      dropouts: sink?.dropouts ?? [],
      sink,
    };
  }

  /** Airs segment i into `rec`. Returns a sink failure message (which ends the airing). */
  private async playSegment(i: number, rec: SegmentRecord<T>): Promise<string | null> {
    const p = this.prepared[i]!;
    this.segStartPos = this.audioPos;
    let source: FrameSource | null = null;
    let reader: Mp3FileReader | null = null;
    let limitMs = Infinity;
    let relay: RelayStream | null = null;
    try {
      if (p.index && p.range) {
        reader = i === 0 && this.firstReader ? this.firstReader : await Mp3FileReader.open(p.index.path, p.index.frames, p.range.first, p.range.end);
        if (reader === this.firstReader) this.firstReader = null;
        source = reader;
        rec.source = "file";
      } else if (p.seg.kind === "relay") {
        limitMs = p.seg.durationMs;
        relay = this.relays.get(i) ?? (this.relayErrors.has(i) ? null : this.launchRelay(i));
        const ok = relay ? await Promise.race([relay.started.then(() => true, () => false), this.interrupted.then(() => false)]) : false;
        if (this.ctl.signal.aborted) {
          rec.status = "interrupted";
          rec.reason = this.interruptReason;
          return null;
        }
        if (ok && relay) {
          source = relay;
          rec.source = "relay";
        } else {
          rec.reason = `tiếp sóng không khởi động được / relay failed to start: ${relay?.error?.message ?? this.relayErrors.get(i) ?? "unknown"}`;
          if (!p.fallback) {
            rec.status = "skipped";
            return null;
          }
          reader = await Mp3FileReader.open(p.fallback.path, p.fallback.frames);
          source = reader;
          rec.source = "fallback";
        }
      }
      if (!source) return null;
      let failure = await this.pump(source, rec, limitMs);
      const cutShort = rec.source === "relay" && rec.playedMs < limitMs - RELAY_TOLERANCE_MS;
      if (!failure && cutShort && !this.ctl.signal.aborted) {
        const at = Math.round(rec.playedMs);
        rec.status = "failed";
        rec.reason = `tiếp sóng dừng sớm sau ${at} ms / relay stopped after ${at} ms: ${relay?.error?.message ?? "stream ended"}`;
        await relay?.stop();
        if (p.fallback) {
          // Keep the session's timing: the placeholder fills the rest of the relay slot.
          reader = await Mp3FileReader.open(p.fallback.path, p.fallback.frames);
          failure = await this.pump(reader, rec, limitMs);
          rec.reason += "; phát tệp dự phòng / fallback played for the rest";
        }
      }
      if (failure) return failure;
      if (this.ctl.signal.aborted) {
        rec.status = "interrupted";
        rec.reason = this.interruptReason;
      } else if (rec.source === "fallback") {
        rec.status = "skipped";
      } else if (!cutShort) {
        rec.status = "completed";
      }
      return null;
    } catch (e) {
      // Reading our own file failed: this segment fails, the airing goes on.
      rec.status = "failed";
      rec.reason = message(e);
      this.opts.logger?.warn(`segment ${i} failed: ${rec.reason}`);
      return null;
    } finally {
      await reader?.close().catch(() => undefined);
      if (relay) {
        this.relays.delete(i);
        await relay.stop();
      }
    }
  }

  /** Paces `source` into the sink. Returns a message when the sink failed. */
  private async pump(source: FrameSource, rec: SegmentRecord<T>, limitMs: number): Promise<string | null> {
    const signal = this.ctl.signal;
    while (!signal.aborted && limitMs - rec.playedMs > FRAME_MS / 2) {
      this.launchDueRelays(rec.index);
      let now = this.clock.now();
      const horizon = (now - this.t0 + this.lead) * this.speed;
      if (this.audioPos > horizon) {
        await this.sleepUntilAudio(this.audioPos - this.lead * this.speed);
        continue;
      }
      const want = Math.min(horizon - this.audioPos, limitMs - rec.playedMs);
      // A relay read may wait for the network; an interrupt ends that wait.
      const chunk = await source.read(want, signal);
      if (!chunk) break;
      now = this.clock.now();
      // After a stall (e.g. waiting for a relay) the timeline slips rather than bursting.
      if ((now - this.t0) * this.speed - this.audioPos > MAX_LAG_MS * this.speed) this.t0 = now - this.audioPos / this.speed;
      let delivered: boolean | void;
      try {
        delivered = await this.opts.sink.write(chunk.data);
      } catch (e) {
        rec.status = "failed";
        rec.reason = message(e);
        if (rec.actualStartMs !== null) rec.actualEndMs = now;
        this.opts.logger?.warn(`sink write failed: ${rec.reason}`);
        return rec.reason;
      }
      if (rec.actualStartMs === null) {
        rec.actualStartMs = Math.max(now, this.t0 + this.audioPos / this.speed);
        safeCall(this.opts.logger, this.opts.onSegmentStart, {
          index: rec.index, tag: rec.tag, source: rec.source ?? "file", actualStartMs: rec.actualStartMs,
        });
      }
      this.audioPos += chunk.durationMs;
      rec.playedMs += chunk.durationMs;
      // The output is down (dropout): the frame's time passed, but nobody heard it.
      if (delivered === false) rec.lostMs += chunk.durationMs;
      rec.actualEndMs = this.t0 + this.audioPos / this.speed;
    }
    return null;
  }

  private async sleepUntilAudio(audioMs: number): Promise<void> {
    const wait = this.t0 + audioMs / this.speed - this.clock.now();
    if (wait > 0) await abortableSleep(Math.max(1, wait), this.ctl.signal);
  }

  /** Starts the pull of upcoming relays that are due within the preroll window. */
  private launchDueRelays(current: number): void {
    const preroll = (this.opts.relayPrerollMs ?? 3000) * this.speed;
    let duePos = this.segStartPos;
    for (let j = current + 1; j < this.prepared.length; j++) {
      duePos += this.prepared[j - 1]!.plannedMs;
      if (duePos - this.audioPos > preroll) break;
      if (this.prepared[j]!.seg.kind === "relay" && !this.relays.has(j) && !this.relayErrors.has(j)) this.launchRelay(j);
    }
  }

  private launchRelay(i: number): RelayStream | null {
    const seg = this.prepared[i]!.seg;
    if (seg.kind !== "relay") return null;
    try {
      const relay = startRelay({
        url: seg.url,
        durationMs: seg.durationMs,
        startTimeoutMs: this.opts.relayStartTimeoutMs ?? 5000,
        ...(this.opts.ffmpegPath ? { ffmpegPath: this.opts.ffmpegPath } : {}),
        ...(this.opts.logger ? { logger: this.opts.logger } : {}),
      });
      this.relays.set(i, relay);
      return relay;
    } catch (e) {
      this.relayErrors.set(i, message(e));
      this.opts.logger?.warn(`relay ${i} could not start: ${message(e)}`);
      return null;
    }
  }
}
