// Applies the committed migrations to DATABASE_URL (SQLite file: or PostgreSQL) with the
// server's own migrator — what every role does at start. For PostgreSQL this replaces
// `prisma migrate deploy`, which in Prisma 6.19 cannot read a PostgreSQL catalogue through
// the JavaScript schema engine and adapter-pg (prisma/orm#27403).
import { migrateDatabase } from "../server/db/migrate.ts";
import { redactUrl } from "../server/db/client.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}
const r = await migrateDatabase(url);
console.log(`${redactUrl(url)}: applied ${r.applied.length ? r.applied.join(", ") : "nothing"}; already applied ${r.alreadyApplied.length}`);
