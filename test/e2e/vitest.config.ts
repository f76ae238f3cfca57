// End-to-end tests: the real server and real Chromium, one file at a time.
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // node_modules may be a symlink (git worktrees share one install): keep the link path,
  // or Vite can treat the packages as source and CommonJS named exports come out undefined.
  resolve: { preserveSymlinks: true },
  root: path.resolve(import.meta.dirname, "../.."),
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    // Every process at normal priority, as the suites' time limits were measured: playout
    // priority and background ffmpeg are measured by bench:timing, under their defaults.
    env: { PLAYOUT_NICENESS: "0", BACKGROUND_NICENESS: "0" },
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
  },
});
