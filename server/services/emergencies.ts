// Emergency broadcasts for the HTTP layer. Starting and cancelling them is
// server/emergencies.ts (shared with the workers); this adds what only the API reads.
import type { Deps } from "./deps.ts";

/** The latest 100, newest first. */
export const listEmergencies = ({ db }: Pick<Deps, "db">) =>
  db.emergency.findMany({ orderBy: { id: "desc" }, take: 100, include: { item: { select: { title: true } } } });
