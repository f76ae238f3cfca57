// The parts of the playout handler that decide without I/O: how an interrupt hands an airing
// on, until when an attempt may air and what it records past that, where the output goes,
// and the segments a timeline airs as.
import { describe, expect, it } from "vitest";
import { WORKER_STOPPED_REASON } from "../../server/airing-lease.ts";
import { DRAIN, handOnStep, LEASE_LOST, PREEMPT, SHUTDOWN } from "../../worker/playout-zone.ts";
import { airDeadline, overdueOutcome } from "../../worker/playout-close.ts";
import { airFileName, outputOf } from "../../worker/playout-output.ts";
import { segmentsOf, type SegmentLine } from "../../worker/playout-segments.ts";
import { timeline } from "../../worker/resume.ts";

describe("an interrupt", () => {
  it("hands the airing on for an emergency, a drain, a shutdown or a lost lease, and ends it otherwise", () => {
    expect(handOnStep(PREEMPT)).toEqual({ kind: "preempted", reason: "emergency" });
    expect(handOnStep(DRAIN)).toEqual({ kind: "release", reason: "worker draining" });
    expect(handOnStep(SHUTDOWN)).toEqual({ kind: "release", reason: "worker shutdown" });
    expect(handOnStep("shutdown")).toEqual({ kind: "release", reason: "shutdown" });
    expect(handOnStep(LEASE_LOST)).toEqual({ kind: "lost" });
    expect(handOnStep("Dừng bởi người vận hành / Stopped by an operator")).toBeNull();
    expect(handOnStep(null)).toBeNull();
  });
});

describe("the deadline of an attempt", () => {
  const airing = { scheduledStart: new Date("2026-12-01T05:30:00Z"), maxDurationMs: 30 * 60_000 };

  it("is the late grace before air, and the session window once something aired", () => {
    expect(new Date(airDeadline(airing, false, 10)).toISOString()).toBe("2026-12-01T05:40:00.000Z");
    expect(new Date(airDeadline(airing, true, 10)).toISOString()).toBe("2026-12-01T06:00:00.000Z");
  });

  it("past it, records a missed airing with the reason it was late, or a cut one as interrupted", () => {
    expect(overdueOutcome(false, "", 10)).toEqual({ status: "missed", reason: "Quá 10 phút so với giờ phát / More than 10 min late", endMs: null });
    expect(overdueOutcome(false, "emergency", 10).reason).toBe("Quá 10 phút so với giờ phát / More than 10 min late (emergency)");
    expect(overdueOutcome(true, "emergency", 10)).toEqual({ status: "interrupted", reason: "emergency", endMs: null });
    expect(overdueOutcome(true, "", 10)).toEqual({ status: "interrupted", reason: WORKER_STOPPED_REASON, endMs: null });
  });
});

describe("the output", () => {
  it("puts a file output under DATA_DIR/air and keeps a stream's settings", () => {
    expect(outputOf({ outputKind: "file", outputConfig: JSON.stringify({ dir: "dong" }) }, "/data")).toEqual({ kind: "file", dir: "/data/air/dong" });
    expect(outputOf({ outputKind: "file", outputConfig: "{}" }, "/data")).toEqual({ kind: "file", dir: "/data/air/default" });
    const icecast = { host: "127.0.0.1", port: 8000, mount: "/dong", password: "x" };
    expect(outputOf({ outputKind: "icecast", outputConfig: JSON.stringify(icecast) }, "/data")).toEqual({ ...icecast, kind: "icecast" });
  });

  it("names the recording by the commune date and time of the scheduled start", () => {
    // 22:30 UTC is 05:30 the next morning in Việt Nam.
    expect(airFileName({ id: 7, scheduledStart: new Date("2026-11-30T22:30:00Z") }, "Asia/Ho_Chi_Minh")).toBe("2026-12-01_0530_airing-7.mp3");
  });
});

describe("the segments of a timeline", () => {
  const line = (id: number, offsetMs: number, durationMs: number, item: Partial<SegmentLine["item"]> = {}): SegmentLine => ({
    id, offsetMs, durationMs, campaignId: id === 2 ? 9 : null, reason: "program", item: { id: id * 10, kind: "audio", relayUrl: null, ...item },
  });

  it("slices the render per item, airs each gap with the item before it untagged, and hands relay items over", async () => {
    const lines = [line(1, 0, 4000), line(2, 5000, 3000), line(3, 9000, 2000, { kind: "relay", relayUrl: "http://radio.example/live" })];
    const relayed: number[] = [];
    const segments = await segmentsOf(timeline(lines, lines), {
      renderPath: "/data/renders/r.mp3",
      itemInfo: new Map([[10, { categoryId: 3, priority: "priority" }]]),
      relay: async (l, tag) => (relayed.push(l.id), { kind: "relay", url: l.item.relayUrl!, durationMs: l.durationMs, fallbackPath: "/silence.mp3", tag }),
    });
    expect(segments.map((s) => [s.kind, s.kind === "file" ? [s.startMs, s.endMs] : s.url, s.tag.lineId])).toEqual([
      ["file", [0, 4000], 1],
      ["file", [4000, 5000], -1],
      ["file", [5000, 8000], 2],
      ["file", [8000, 9000], -1],
      ["relay", "http://radio.example/live", 3],
    ]);
    expect(relayed).toEqual([3]);
    expect(segments[0]!.tag).toEqual({ lineId: 1, itemId: 10, campaignId: null, reason: "program", categoryId: 3, priority: "priority", kind: "audio", offsetMs: 0, durationMs: 4000 });
    // No snapshot of the item (deleted meanwhile): no category, normal priority.
    expect(segments[2]!.tag).toMatchObject({ itemId: 20, campaignId: 9, categoryId: null, priority: "normal" });
    expect(segments[1]!.tag).toEqual({ ...segments[0]!.tag, lineId: -1 });
  });

  it("airs only what is left when a session resumes", async () => {
    const lines = [line(1, 0, 4000), line(2, 5000, 3000)];
    const segments = await segmentsOf(timeline(lines, [lines[1]!]), { renderPath: "/r.mp3", itemInfo: new Map(), relay: () => Promise.reject(new Error("no relay")) });
    expect(segments).toHaveLength(1);
    expect(segments[0]).toMatchObject({ kind: "file", startMs: 5000, endMs: 8000, tag: { lineId: 2 } });
  });
});
