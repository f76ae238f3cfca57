// The commune's row (id 1): its time zone is the calendar every date is counted in.
import { fastReader } from "../db/fast-read.ts";
import type { Deps } from "./deps.ts";

export const commune = ({ db }: Pick<Deps, "db">) => db.commune.findUniqueOrThrow({ where: { id: 1 } });

/** Read on most requests (reports, the as-run CSV, today's counts): plain SQL, never stale. */
export async function communeTimeZone({ db }: Pick<Deps, "db">): Promise<string> {
  const [row] = await fastReader(db).rows(`SELECT "timeZone" FROM "Commune" WHERE "id" = 1`, []);
  if (!row) throw new Error("the commune row (id 1) is missing");
  return row.timeZone as string;
}
