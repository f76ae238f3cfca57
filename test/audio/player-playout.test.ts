import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FRAME_MS as CANONICAL_FRAME_MS } from "../../audio/canonical.ts";
import { preparePlayout, type SegmentRecord } from "../../audio/player.ts";
import { createSink, type Sink } from "../../audio/sinks/index.ts";
import { decodedMs, meanVolumeDb, probeMs, tmpDir, tone } from "./player-fixtures.ts";

const dir = tmpDir("loaxa-playout-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const a = tone(dir, "a.mp3", 1.0, 440);
const b = tone(dir, "b.mp3", 1.5, 660);
const c = tone(dir, "c.mp3", 0.8, 880);
const long = tone(dir, "long.mp3", 4, 550);

function fileSink(name: string): Sink {
  return createSink({ kind: "file", dir: path.join(dir, "out") }, { fileName: name });
}

function expectOrdered(records: SegmentRecord[]): void {
  let prevEnd = -Infinity;
  for (const r of records) {
    expect(r.actualStartMs).not.toBeNull();
    expect(r.actualStartMs!).toBeGreaterThanOrEqual(prevEnd - 1);
    expect(r.actualEndMs!).toBeGreaterThan(r.actualStartMs!);
    prevEnd = r.actualEndMs!;
  }
}

describe("preparePlayout + startAt (file sink)", () => {
  it("airs 3 segments in order; the aired file decodes to the planned length", async () => {
    const starts: number[] = [];
    const ends: string[] = [];
    const playout = await preparePlayout({
      segments: [
        { kind: "file", path: a, tag: "item-a" },
        { kind: "file", path: b, startMs: 200, endMs: 1200, tag: "item-b" },
        { kind: "file", path: c, tag: "item-c" },
      ],
      sink: fileSink("three.mp3"),
      speed: 20,
      onSegmentStart: (e) => void starts.push(e.index),
      onSegmentEnd: (r) => void ends.push(`${r.tag}:${r.status}`),
    });
    expect(playout.plannedMs).toBeGreaterThan(2700);
    const target = Date.now() + 150;
    const res = await playout.startAt(target);

    expect(res.outcome).toBe("completed");
    expect(res.actualStartMs!).toBeGreaterThanOrEqual(target);
    expect(res.latenessMs!).toBeGreaterThanOrEqual(0);
    expect(res.segments.map((s) => [s.tag, s.status, s.source])).toEqual([
      ["item-a", "completed", "file"],
      ["item-b", "completed", "file"],
      ["item-c", "completed", "file"],
    ]);
    expect(starts).toEqual([0, 1, 2]);
    expect(ends).toEqual(["item-a:completed", "item-b:completed", "item-c:completed"]);
    expectOrdered(res.segments);
    // The cut segment is 1000 ms to the nearest frame.
    expect(Math.abs(res.segments[1]!.playedMs - 1000)).toBeLessThanOrEqual(CANONICAL_FRAME_MS / 2 + 0.01);
    expect(res.playedMs).toBeCloseTo(playout.plannedMs, 6);

    const out = res.sink!.path!;
    expect(out).toBe(path.join(dir, "out", "three.mp3"));
    expect(Math.abs(decodedMs(out) - res.playedMs)).toBeLessThanOrEqual(60);
    expect(Math.abs(probeMs(out) - res.playedMs)).toBeLessThanOrEqual(60);
    expect(meanVolumeDb(out)).toBeGreaterThan(-30);
  });

  it("interrupt mid-segment: that segment is interrupted, the rest not played", async () => {
    let playout: Awaited<ReturnType<typeof preparePlayout<string>>> | null = null;
    playout = await preparePlayout<string>({
      segments: [
        { kind: "file", path: a, tag: "a" },
        { kind: "file", path: long, tag: "b" },
        { kind: "file", path: c, tag: "c" },
      ],
      sink: fileSink("interrupted.mp3"),
      speed: 10,
      // Pre-emption arrives while segment b is on air (b lasts 400 ms at speed 10).
      onSegmentStart: (e) => {
        if (e.index === 1) setTimeout(() => playout!.interrupt("khẩn cấp / emergency"), 60);
      },
    });
    const res = await playout.startAt(Date.now() + 50);

    expect(res.outcome).toBe("interrupted");
    expect(res.reason).toBe("khẩn cấp / emergency");
    expect(res.segments.map((s) => s.status)).toEqual(["completed", "interrupted", "not_played"]);
    const mid = res.segments[1]!;
    expect(mid.reason).toBe("khẩn cấp / emergency");
    expect(mid.playedMs).toBeGreaterThan(0);
    expect(mid.playedMs).toBeLessThan(mid.plannedMs);
    expect(res.segments[2]!.actualStartMs).toBeNull();
    expect(res.segments[2]!.playedMs).toBe(0);
    // What the file holds is exactly what the records say aired.
    expect(Math.abs(decodedMs(res.sink!.path!) - res.playedMs)).toBeLessThanOrEqual(60);
  });

  it("emergency pre-emption hands the open sink over to the emergency playout", async () => {
    const sink = fileSink("handover.mp3");
    const session = await preparePlayout({
      segments: [{ kind: "file", path: long, tag: "session" }],
      sink,
      speed: 10,
      keepSinkOpen: true, // the caller decides what happens to the output next
      onSegmentStart: () => void setTimeout(() => session.interrupt("khẩn cấp / emergency"), 100),
    });
    const first = await session.startAt(Date.now() + 20);
    expect(first.outcome).toBe("interrupted");
    expect(first.sink).toBeNull(); // still open
    const emergency = await preparePlayout({ segments: [{ kind: "file", path: c, tag: "emergency" }], sink, speed: 10 });
    const second = await emergency.startAt(Date.now());
    expect(second.outcome).toBe("completed");
    expect(second.actualStartMs!).toBeGreaterThanOrEqual(first.actualEndMs! - 1);
    const total = first.playedMs + second.playedMs;
    expect(second.sink!.bytesWritten).toBeGreaterThan(0);
    expect(Math.abs(decodedMs(second.sink!.path!) - total)).toBeLessThanOrEqual(60);
  });

  it("interrupt while waiting for a relay to start marks it interrupted", async () => {
    const { createServer } = await import("node:http");
    const hang = createServer((_req, res) => void res.writeHead(200, { "content-type": "audio/mpeg" }));
    await new Promise<void>((resolve) => hang.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(hang.address() as import("node:net").AddressInfo).port}/live`;
    process.env.RELAY_ALLOW_PRIVATE = "127.0.0.1"; // the test station is on loopback
    try {
      const playout = await preparePlayout({
        segments: [
          { kind: "file", path: c, tag: "before" },
          { kind: "relay", url, durationMs: 5000, tag: "relay" },
          { kind: "file", path: a, tag: "after" },
        ],
        sink: fileSink("relay-interrupted.mp3"),
        speed: 20,
        relayStartTimeoutMs: 20_000,
        onSegmentEnd: (r) => {
          if (r.index === 0) setTimeout(() => playout.interrupt("khẩn cấp / emergency"), 100);
        },
      });
      const res = await playout.startAt(Date.now());
      expect(res.segments.map((x) => x.status)).toEqual(["completed", "interrupted", "not_played"]);
      expect(res.segments[1]!.playedMs).toBe(0);
      expect(res.outcome).toBe("interrupted");
    } finally {
      hang.closeAllConnections();
      await new Promise((resolve) => hang.close(resolve));
    }
  });

  it("interrupt before the start instant: nothing airs", async () => {
    const playout = await preparePlayout({ segments: [{ kind: "file", path: a, tag: 1 }], sink: fileSink("never.mp3"), speed: 20 });
    setTimeout(() => playout.interrupt("huỷ / cancelled"), 20);
    const res = await playout.startAt(Date.now() + 5000);
    expect(res.outcome).toBe("interrupted");
    expect(res.actualStartMs).toBeNull();
    expect(res.segments[0]!.status).toBe("not_played");
    expect(res.sink!.bytesWritten).toBe(0);
    // Nothing aired: no empty file is left behind.
    expect(res.sink!.path).toBeUndefined();
    expect(fs.existsSync(path.join(dir, "out", "never.mp3"))).toBe(false);
  });

  it("a sink write error fails the current segment and ends the airing", async () => {
    const inner = fileSink("broken.mp3");
    // Full after 4000 bytes, whatever chunk sizes a busy machine's pacing produces: the first
    // write always passes, and every segment is at least one write.
    let bytes = 0;
    const flaky: Sink = {
      kind: "file",
      leadMs: 0,
      open: () => inner.open(),
      write: async (chunk) => {
        if (bytes >= 4000) throw new Error("ổ đĩa đầy / disk full");
        bytes += chunk.length;
        await inner.write(chunk);
      },
      close: () => inner.close(),
      abort: (r) => inner.abort(r),
    };
    const playout = await preparePlayout({
      segments: [
        { kind: "file", path: a, tag: "a" },
        { kind: "file", path: b, tag: "b" },
      ],
      sink: flaky,
      speed: 20,
    });
    const res = await playout.startAt(Date.now() + 20);
    expect(res.outcome).toBe("failed");
    expect(res.reason).toMatch(/disk full/);
    const failed = res.segments.find((s) => s.status === "failed")!;
    expect(failed.reason).toMatch(/disk full/);
    expect(res.segments.filter((s) => s.index > failed.index).every((s) => s.status === "not_played")).toBe(true);
  });

  it("an output dropout keeps time: lost audio is accounted per segment, the session goes on", async () => {
    /** Discards (write → false, as a reconnecting stream sink does) bytes in [from, to). */
    const droppingSink = (name: string, from: number, to: number): Sink => {
      const inner = fileSink(name);
      let pos = 0;
      return {
        kind: "icecast",
        leadMs: 0,
        open: () => inner.open(),
        write: async (chunk) => {
          const at = pos;
          pos += chunk.length;
          if (at >= from && at < to) return false;
          await inner.write(chunk);
          return true;
        },
        close: () => inner.close(),
        abort: (r) => inner.abort(r),
      };
    };
    const segments = [
      { kind: "file" as const, path: a, tag: "a" },
      { kind: "file" as const, path: b, tag: "b" },
      { kind: "file" as const, path: c, tag: "c" },
    ];
    const bytesPerMs = 128_000 / 8 / 1000;
    // Output down from 0.8 s to 2.1 s of audio: the end of a, most of b; c airs whole.
    // (speed 4 keeps the player's chunks small, so the loss follows the window closely.)
    const playout = await preparePlayout({ segments, sink: droppingSink("dropout.mp3", 800 * bytesPerMs, 2100 * bytesPerMs), speed: 4 });
    const res = await playout.startAt(Date.now() + 20);
    expect(res.outcome).toBe("completed");
    expect(res.segments.map((r) => r.status)).toEqual(["completed", "failed", "completed"]);
    const [ra, rb, rc] = res.segments;
    expect(rb!.lostMs * 2).toBeGreaterThan(rb!.playedMs);
    expect(rb!.reason).toMatch(/đầu ra mất tín hiệu.*output down: \d+ of \d+ ms did not reach listeners/);
    expect(ra!.lostMs).toBeGreaterThan(0);
    expect(ra!.lostMs * 2).toBeLessThan(ra!.playedMs);
    expect(ra!.reason).toMatch(/mất \d+ ms do đầu ra gián đoạn \/ \d+ ms lost to an output dropout/);
    expect(rc).toMatchObject({ lostMs: 0, reason: null });
    // Every segment still played its full length on the clock (keep time).
    for (const r of res.segments) expect(Math.abs(r.playedMs - r.plannedMs)).toBeLessThan(CANONICAL_FRAME_MS);
    const lost = res.segments.reduce((n, r) => n + r.lostMs, 0);
    expect(Math.abs(lost - 1300)).toBeLessThanOrEqual(300);
    expect(res.deliveredMs).toBeCloseTo(res.playedMs - lost, 6);

    // Down for the whole session: the airing is failed, not aired.
    const dead = await preparePlayout({ segments, sink: droppingSink("dead.mp3", 0, Infinity), speed: 8 });
    const none = await dead.startAt(Date.now() + 20);
    expect(none.outcome).toBe("failed");
    expect(none.reason).toMatch(/no item reached listeners/);
    expect(none.deliveredMs).toBe(0);
    expect(none.segments.map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
  });

  it("rejects a non-canonical file at prepare time with a bilingual error", async () => {
    const stereo = tone(dir, "stereo48.mp3", 0.5, 440, ["-ac", "2", "-ar", "48000", "-write_xing", "0", "-id3v2_version", "0"]);
    await expect(
      preparePlayout({ segments: [{ kind: "file", path: stereo, tag: null }], sink: fileSink("bad.mp3") }),
    ).rejects.toThrow(/định dạng phát sóng chuẩn.*broadcast format/);
  });
});
