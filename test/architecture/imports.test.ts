// The layer rules of ARCHITECTURE.md over the real source tree, and the checker itself on
// made-up files (so a rule that stopped seeing anything would fail here, not pass quietly).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cycles, importGraph, importsOf, violations, type ImportEdge } from "./imports.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const graph = importGraph(root);

/** Cycles that are known and accepted for now; each needs a reason. */
const KNOWN_CYCLES: { cycle: string[]; reason: string }[] = [];

describe("the source tree", () => {
  it("is read in full (the parser sees the imports)", () => {
    const files = new Set(graph.map((e) => e.from));
    expect(files.size).toBeGreaterThan(250);
    expect(graph).toContainEqual(expect.objectContaining({ from: "server/runtime.ts", to: "worker/index.ts", typeOnly: false }));
    expect(graph).toContainEqual(expect.objectContaining({ from: "web/src/pages/Calendar.tsx", to: "server/domain/calendar.ts", typeOnly: true }));
  });

  it("keeps every layer rule", () => {
    const found = violations(graph);
    console.log(`import rules: ${graph.length} imports in ${new Set(graph.map((e) => e.from)).size} files, ${found.length} violations`);
    expect(found).toEqual([]);
  });

  it("has no import cycle (type-only imports aside) beyond the known ones", () => {
    const found = cycles(graph).map((c) => c.join(" → "));
    console.log(`import cycles: ${found.length ? found.join("\n") : "none"}`);
    expect(found.sort()).toEqual(KNOWN_CYCLES.map((k) => k.cycle.join(" → ")).sort());
  });
});

describe("the checker", () => {
  const edges = (files: Record<string, string>): ImportEdge[] => Object.entries(files).flatMap(([f, text]) => importsOf(f, text));

  it("catches server/ importing worker/, in any import form", () => {
    const found = violations(edges({
      "server/planner.ts": `import {\n  renderAiring,\n} from "../worker/render.ts";`,
      "server/a.ts": `export { x } from "../worker/x.ts";`,
      "server/b.ts": `const m = await import("../worker/y.ts");`,
      "server/routes/c.ts": `import type { T } from "../../worker/z.ts";`,
      "server/runtime.ts": `import { startWorkers } from "../worker/index.ts";`,
    }));
    expect(found.map((v) => v.split(" ")[0])).toEqual(["server/planner.ts", "server/a.ts", "server/b.ts", "server/routes/c.ts"]);
  });

  it("catches a route reaching the database, and a service knowing HTTP", () => {
    const found = violations(edges({
      "server/http/items.ts": `import type { Db } from "../db/client.ts";`,
      "server/http/zones.ts": `import { Prisma } from "../generated/prisma/client.ts";`,
      "server/http/ok.ts": `import { createItem } from "../services/items.ts";`,
      "server/services/items.ts": `import { zv } from "../http/validate.ts";`,
    }));
    expect(found.map((v) => v.split(" ")[0])).toEqual(["server/http/items.ts", "server/http/zones.ts", "server/services/items.ts"]);
  });

  it("catches audio/ reaching outside itself", () => {
    expect(violations(edges({ "audio/x.ts": `import { db } from "../server/db/client.ts";\nimport { y } from "./y.ts";\nimport fs from "node:fs";` }))).toHaveLength(1);
    expect(violations(edges({ "audio/x.ts": `import { P } from "../prisma/seed.ts";` }))).toHaveLength(1);
  });

  it("catches an impure domain module", () => {
    const found = violations(edges({
      "server/domain/a.ts": `import { AppError } from "../errors.ts";`,
      "server/domain/b.ts": `import fs from "node:fs";`,
      "server/domain/c.ts": `import { PrismaClient } from "@prisma/client";`,
      "server/domain/d.ts": `import { createHash } from "node:crypto";\nimport { e } from "./e.ts";`,
    }));
    expect(found.map((v) => v.split(" ")[0])).toEqual(["server/domain/a.ts", "server/domain/b.ts", "server/domain/c.ts"]);
  });

  it("lets web/ share types and pure domain code, not server runtime code", () => {
    const found = violations(edges({
      "web/src/a.ts": `import type { Airing } from "../../server/services/airings.ts";`,
      "web/src/b.ts": `import { colourOf } from "../../server/domain/calendar.ts";`,
      "web/src/c.ts": `import { createApp } from "../../server/app.ts";`,
      "web/src/d.tsx": `import { type X, y } from "../../worker/playout.ts";`,
    }));
    expect(found.map((v) => v.split(" ")[0])).toEqual(["web/src/c.ts", "web/src/d.tsx"]);
  });

  it("finds a cycle and names its path", () => {
    const found = cycles(edges({
      "server/a.ts": `import { b } from "./b.ts";`,
      "server/b.ts": `import { c } from "./c.ts";`,
      "server/c.ts": `import { a } from "./a.ts";`,
      "server/d.ts": `import type { A } from "./e.ts";`,
      "server/e.ts": `import { d } from "./d.ts";`,
    }));
    expect(found).toEqual([["server/a.ts", "server/b.ts", "server/c.ts", "server/a.ts"]]);
  });
});
