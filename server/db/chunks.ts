// SQLite binds at most 999 parameters per statement (SQLITE_MAX_VARIABLE_NUMBER in the
// Prisma enforces for SQLite), so id lists go in chunks below it.

/** Ids per `IN (...)` list: room for the other parameters of the statement. */
export const IN_CHUNK = 500;

export function chunked<T>(list: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

