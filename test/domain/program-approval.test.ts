// The program as a session airs it under content approval (server/domain/program-approval.ts).
import { describe, expect, it } from "vitest";
import { programAsAired, versionOf } from "../../server/domain/program-approval.ts";
import { buildRundown, type ItemInfo } from "../../server/domain/rundown.ts";

const program = { id: 1, introItemId: 10, outroItemId: null, gapMs: 1000, entries: [{ itemId: 1, position: 0 }, { itemId: 2, position: 1 }] };
const items = new Map<number, ItemInfo>([10, 1, 2, 3].map((id) => [id, { id, durationMs: 60_000, priority: "normal", approved: id !== 3 }]));
const lines = (p: Parameters<typeof programAsAired>[0], required = true) =>
  buildRundown(programAsAired(p, required), items, "2026-11-30", 3600_000).lines.map((l) => [l.itemId, l.reason, l.bumped]);

describe("a program under approval", () => {
  it("airs as it is when approved, or when the commune does not use approval", () => {
    expect(lines({ ...program, approval: "approved" })).toEqual([[10, "intro", false], [1, "program", false], [2, "program", false]]);
    expect(lines({ ...program, approval: "pending" }, false)).toEqual([[10, "intro", false], [1, "program", false], [2, "program", false]]);
  });

  it("never approved: none of its own lines air, each withheld", () => {
    expect(lines({ ...program, approval: "pending", approvedVersion: null })).toEqual([[10, "unapproved", true], [1, "unapproved", true], [2, "unapproved", true]]);
  });

  it("a change waiting: the approved arrangement airs, what the change adds is withheld", () => {
    const approved = JSON.stringify(versionOf({ introItemId: null, outroItemId: null, entries: [{ itemId: 2, position: 0 }] }));
    expect(lines({ ...program, approval: "rejected", approvedVersion: approved })).toEqual([[2, "program", false], [10, "unapproved", true], [1, "unapproved", true]]);
    const spec = programAsAired({ ...program, approval: "rejected", approvedVersion: approved }, true);
    expect(spec.held).toEqual({ why: "rejected", itemIds: [10, 1] });
  });

  it("an unreadable approved version counts as none", () => {
    expect(lines({ ...program, approval: "pending", approvedVersion: "{not json" })).toEqual([[10, "unapproved", true], [1, "unapproved", true], [2, "unapproved", true]]);
  });
});
