// Prisma CLI configuration: the JavaScript schema engine over better-sqlite3, so
// generate / migrate never download a native engine (offline government offices).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

const url = process.env.DATABASE_URL ?? `file:${path.resolve(process.env.DATA_DIR ?? "./data", "loa-xa.db")}`;
process.env.DATABASE_URL = url;

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  engine: "js",
  adapter: async () => new PrismaBetterSQLite3({ url }),
});
