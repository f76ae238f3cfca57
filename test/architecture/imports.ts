// The import graph of the source tree, read with a real parser (oxc, through rolldown's
// parseSync, which vitest's Vite already brings; not a regex, so comments and strings are
// not mistaken for imports and multi-line, type-only, re-export and dynamic imports are all
// seen), and the layer rules
// of ARCHITECTURE.md checked over it. Kept apart from the test so the test can also feed
// it a made-up graph and see a violation caught.
import fs from "node:fs";
import path from "node:path";
import { parseSync } from "rolldown/utils";

export interface ImportEdge {
  /** Repo-relative path of the importing file. */
  from: string;
  /** The specifier as written. */
  spec: string;
  /** Repo-relative path of the imported file, or null for a package / node builtin. */
  to: string | null;
  /** `import type`, `export type`, or every named binding marked `type`: nothing at run time. */
  typeOnly: boolean;
}

const SOURCE_ROOTS = ["server", "worker", "audio", "web/src", "prisma", "scripts", "bench", "test"];
const SKIP_DIRS = new Set(["node_modules", "generated", "dist", "data"]);

export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (/\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(path.relative(root, p).split(path.sep).join("/"));
    }
  };
  for (const r of SOURCE_ROOTS) walk(path.join(root, r));
  return out.sort();
}

/** Every import, re-export and dynamic import() with a string literal in one file. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const parsed = parseSync(file, text);
  if (parsed.errors.length) throw new Error(`${file}: ${parsed.errors[0]!.message}`);
  const m = parsed.module;
  const edges: ImportEdge[] = [];
  const add = (spec: string, typeOnly: boolean) => edges.push({ from: file, spec, to: resolve(file, spec), typeOnly });
  // `import { type A }` and `import type { A }` are erased; `import "./x"` (no names) is not.
  for (const i of m.staticImports) add(i.moduleRequest.value, i.entries.length > 0 && i.entries.every((e) => e.isType));
  for (const x of m.staticExports) {
    const from = x.entries.filter((e) => e.moduleRequest);
    if (from.length) add(from[0]!.moduleRequest!.value, from.every((e) => e.isType));
  }
  for (const d of m.dynamicImports) {
    const literal = /^(["'`])([^"'`$]+)\1$/.exec(text.slice(d.moduleRequest.start, d.moduleRequest.end));
    if (literal) add(literal[2]!, false);
  }
  return edges;
}

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
}

export function importGraph(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((f) => importsOf(f, fs.readFileSync(path.join(root, f), "utf8")));
}

const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
const isNodeBuiltin = (spec: string) => spec.startsWith("node:");

/** Packages with no I/O that the pure domain may use. */
export const PURE_PACKAGES = ["node:crypto", "zod", "temporal-polyfill", "@js-temporal/polyfill"];

/** Server files that may import worker/: the process entry that composes the roles. */
export const ROLE_COMPOSER = "server/runtime.ts";

export interface Rule {
  name: string;
  /** A reason when the edge breaks the rule, else null. */
  check(e: ImportEdge): string | null;
}

/** The layer rules of ARCHITECTURE.md. Tests (test/**) may import anything. */
export const RULES: Rule[] = [
  {
    name: "server/ does not import worker/ (except the role composer)",
    check: (e) => (under(e.from, "server") && e.from !== ROLE_COMPOSER && e.to && under(e.to, "worker") ? "server → worker" : null),
  },
  {
    name: "server/services/ knows nothing of HTTP: it does not import server/http/",
    check: (e) => (under(e.from, "server/services") && e.to && under(e.to, "server/http") ? "services → http" : null),
  },
  {
    name: "server/http/ holds no Prisma: the database is reached through services",
    check: (e) => {
      if (!under(e.from, "server/http")) return null;
      if (e.to) return e.to === "server/db/client.ts" || under(e.to, "server/generated") ? "http → Prisma client" : null;
      return e.spec.startsWith("@prisma/") ? `http → ${e.spec}` : null;
    },
  },
  {
    name: "audio/ imports only audio/, node builtins and packages",
    check: (e) => (under(e.from, "audio") && e.to && !under(e.to, "audio") ? "audio → outside audio/" : null),
  },
  {
    name: "server/domain/ is pure: only server/domain/ and pure packages",
    check: (e) => {
      if (!under(e.from, "server/domain")) return null;
      if (e.to) return under(e.to, "server/domain") ? null : "domain → outside server/domain/";
      return PURE_PACKAGES.includes(e.spec) ? null : `domain → package ${e.spec}`;
    },
  },
  {
    name: "web/ runs no server code: value imports outside web/ only from server/domain/",
    check: (e) => {
      if (!under(e.from, "web") || !e.to || under(e.to, "web")) return null;
      if (e.typeOnly && under(e.to, "server")) return null; // shapes only, erased at build
      return under(e.to, "server/domain") ? null : "web → server runtime code";
    },
  },
  {
    name: "product code does not import test/ (benchmarks may: they reuse the harnesses)",
    check: (e) => (!under(e.from, "test") && !under(e.from, "bench") && e.to && under(e.to, "test") ? "source → test" : null),
  },
  {
    name: "server/ and worker/ do not import web/",
    check: (e) => ((under(e.from, "server") || under(e.from, "worker")) && e.to && under(e.to, "web") ? "→ web" : null),
  },
  {
    name: "node builtins with I/O stay out of the web app",
    check: (e) => (under(e.from, "web") && isNodeBuiltin(e.spec) ? "web → node builtin" : null),
  },
];

export function violations(edges: ImportEdge[], rules: Rule[] = RULES): string[] {
  const out: string[] = [];
  for (const e of edges) {
    for (const r of rules) {
      const why = r.check(e);
      if (why) out.push(`${e.from} imports "${e.spec}" (${why}): ${r.name}`);
    }
  }
  return out;
}

/**
 * Import cycles among source files (tests excluded), each as a path a → b → … → a; one
 * per strongly connected group. Type-only imports are left out: they vanish at run time
 * and cannot cause an initialisation-order bug.
 */
export function cycles(edges: ImportEdge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const e of edges) {
    if (!e.to || e.typeOnly || under(e.from, "test")) continue;
    graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  }
  // Tarjan's strongly connected components, then one cycle through each component.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) !== idx.get(v)) return;
    const comp: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    const selfLoop = (graph.get(v) ?? []).includes(v);
    if (comp.length > 1 || selfLoop) found.push(cycleIn(new Set(comp), v));
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return found;

  /** A shortest path from `start` back to itself inside one component (BFS). */
  function cycleIn(comp: Set<string>, start: string): string[] {
    const prev = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!comp.has(w)) continue;
        if (w === start) {
          const pathBack = [v];
          while (pathBack[0] !== start) pathBack.unshift(prev.get(pathBack[0]!)!);
          return [...pathBack, start];
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  }
}
