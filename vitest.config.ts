import { defineConfig } from "vitest/config";

export default defineConfig({
  // node_modules is a symlink to a directory not named node_modules (shared by worktrees):
  // keep the link path, or Vite inlines CommonJS packages as source and named exports such
  // as ioredis's `Redis` come out undefined.
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
