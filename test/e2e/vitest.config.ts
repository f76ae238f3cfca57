// End-to-end tests: the real server and real Chromium, one file at a time.
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // node_modules is a symlink to a directory not named node_modules (shared by worktrees):
  // keep the link path, or Vite inlines CommonJS packages as source and named exports such
  // as ioredis's `Redis` come out undefined.
  resolve: { preserveSymlinks: true },
  root: path.resolve(import.meta.dirname, "../.."),
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
    maxWorkers: 1,
  },
});
