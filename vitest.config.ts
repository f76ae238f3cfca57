import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The suites that wait on real air time or real processes for minutes start first, so the
// short ones fill the other worker around them instead of leaving a long tail. The sign-in
// suite (20 × scrypt 2^17, CPU-bound) goes last, away from the fault matrix's processes.
const LONG_FIRST = ["test/faults/", "test/counting/directive-month", "test/integration/resilience", "test/counting/one-truth", "test/supervise/supervise"];
const LAST = ["test/security/login"];

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      if (LAST.some((p) => f.moduleId.includes(p))) return LONG_FIRST.length + 1;
      const i = LONG_FIRST.findIndex((p) => f.moduleId.includes(p));
      return i < 0 ? LONG_FIRST.length : i;
    };
    const sorted = await super.sort(files);
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map((x) => x.f);
  }
}

export default defineConfig({
  // node_modules may be a symlink (git worktrees share one install): keep the link path,
  // or Vite can treat the packages as source and CommonJS named exports come out undefined.
  resolve: { preserveSymlinks: true },
  test: {
    include: ["test/**/*.test.ts"],
    // Every process at normal priority, as the suites' time limits were measured: playout
    // priority and background ffmpeg are measured by bench:timing, under their defaults.
    env: { PLAYOUT_NICENESS: "0", BACKGROUND_NICENESS: "0" },
    exclude: ["test/e2e/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: true,
    // Three on two cores: the long suites mostly wait on air time and child processes.
    maxWorkers: 3,
    sequence: { sequencer: LongFirst },
  },
});
