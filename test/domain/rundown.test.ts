import { describe, expect, it } from "vitest";
import { assembleRundown, baseRundown, buildRundown, type Insertion, type ItemInfo } from "../../server/domain/rundown.ts";
import { item, program } from "./fixtures.ts";

const map = (xs: ItemInfo[]) => new Map(xs.map((x) => [x.id, x]));

describe("run-down", () => {
  const items = map([
    item(1, 60), item(2, 60, "priority"), item(3, 60), item(4, 60, "emergency"), item(5, 60, "priority"), item(6, 60),
    item(90, 10), item(91, 5),
  ]);

  it("orders intro, priority entries (stable), normal entries, outro with offsets and gaps", () => {
    const p = program(1, [1, 2, 3, 4, 5, 6], { introItemId: 90, outroItemId: 91, gapMs: 2000 });
    const { lines, totalMs } = buildRundown(p, items, "2026-04-10", 3600_000);
    expect(lines.map((l) => [l.itemId, l.reason])).toEqual([
      [90, "intro"], [2, "priority"], [4, "priority"], [5, "priority"], [1, "program"], [3, "program"], [6, "program"], [91, "outro"],
    ]);
    expect(lines.map((l) => l.offsetMs)).toEqual([0, 12_000, 74_000, 136_000, 198_000, 260_000, 322_000, 384_000]);
    expect(totalMs).toBe(389_000);
    expect(lines.map((l) => l.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(lines[1]!.reasonVi).toBe("Tin ưu tiên: phát đầu chương trình");
    expect(lines[0]!.reasonVi).toBe("Nhạc hiệu mở đầu");
  });

  it("leaves out unplayable items (missing, archived, not ready, outside validity)", () => {
    const its = map([item(1, 60), { ...item(2, 60), archived: true }, { ...item(3, 60), status: "processing" }, { ...item(4, 60), validTo: "2026-04-09" }, item(5, 60)]);
    const { lines } = buildRundown(program(1, [1, 2, 3, 4, 5, 77]), its, "2026-04-10", 3600_000);
    expect(lines.map((l) => l.itemId)).toEqual([1, 5]);
  });

  it("bumps normal entries (later first), then priority, never past the maximum length", () => {
    const p = program(1, [1, 2, 3, 5, 6], { gapMs: 0 }); // priority 2, 5; normal 1, 3, 6
    const fit = buildRundown(p, items, "2026-04-10", 300_000);
    expect(fit.lines.filter((l) => l.bumped)).toEqual([]);
    const tight = buildRundown(p, items, "2026-04-10", 180_000); // room for 3 of 5
    expect(tight.lines.filter((l) => !l.bumped).map((l) => l.itemId)).toEqual([2, 5, 1]);
    expect(tight.lines.filter((l) => l.bumped).map((l) => l.itemId)).toEqual([3, 6]); // listed after aired lines, program order
    expect(tight.totalMs).toBe(180_000);
    const tighter = buildRundown(p, items, "2026-04-10", 60_000);
    expect(tighter.lines.filter((l) => !l.bumped).map((l) => l.itemId)).toEqual([2]);
    const bumped = tighter.lines.filter((l) => l.bumped);
    expect(bumped.every((l) => l.reason === "bumped" && l.offsetMs === 60_000)).toBe(true);
    expect(bumped[0]!.reasonVi).toBe("Tạm hoãn: chương trình dài hơn thời lượng tối đa của buổi phát (1 phút)");
  });

  it("places key-content insertions after priority entries and bumps non-key entries for them", () => {
    const p = program(1, [1, 2, 3, 6], { gapMs: 0, introItemId: 90 });
    const base = baseRundown(p, items, "2026-04-10", { keyCampaignOf: (id) => (id === 3 ? { id: 7, name: "Bầu cử" } : undefined) });
    const ins: Insertion[] = [{ itemId: 50, durationMs: 60_000, campaignId: 7, reason: "make_good", reasonVi: "bù", reasonEn: "make good" }];
    const { lines, totalMs } = assembleRundown(base, ins, 10_000 + 4 * 60_000);
    expect(lines.map((l) => [l.itemId, l.reason, l.bumped])).toEqual([
      [90, "intro", false], [2, "priority", false], [50, "make_good", false], [1, "program", false], [3, "program", false],
      [6, "bumped", true],
    ]);
    expect(totalMs).toBe(250_000);
    expect(lines[2]!.campaignId).toBe(7);
    // The key entry (item 3) is kept even though it comes after item 1, and says why.
    expect(lines[4]!.reasonVi).toBe("Theo chương trình (nội dung trọng điểm, chiến dịch Bầu cử)");
    expect(lines[5]!.reasonEn).toBe("Bumped: the session is full (max 4 min); key content takes precedence");
    // Tighter: the normal non-key entry goes first, then the priority one; the key entry stays.
    const t2 = assembleRundown(base, ins, 10_000 + 3 * 60_000);
    expect(t2.lines.filter((l) => !l.bumped).map((l) => l.itemId)).toEqual([90, 2, 50, 3]);
    const t3 = assembleRundown(base, ins, 10_000 + 2 * 60_000);
    expect(t3.lines.filter((l) => !l.bumped).map((l) => l.itemId)).toEqual([90, 50, 3]);
    expect(t3.lines.filter((l) => l.bumped).map((l) => l.itemId)).toEqual([2, 1, 6]);
  });
});
