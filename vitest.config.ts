import { defineConfig } from "vitest/config";

export default defineConfig({
  // node_modules may be a symlink (git worktrees share one install): keep the link path,
  // or Vite can treat the packages as source and CommonJS named exports come out undefined.
  resolve: { preserveSymlinks: true },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
