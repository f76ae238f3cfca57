// The commune's row (id 1): its time zone is the calendar every date is counted in.
import type { Deps } from "./deps.ts";

export const commune = ({ db }: Pick<Deps, "db">) => db.commune.findUniqueOrThrow({ where: { id: 1 } });

export const communeTimeZone = async (deps: Pick<Deps, "db">) => (await commune(deps)).timeZone;
