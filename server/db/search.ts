// Text search that means what it says: SQL LIKE reads % and _ as wildcards (and
// PostgreSQL also \ as its escape), and Prisma's `contains` passes them through. The
// database narrows by the literal fragments between such characters; `matches` then
// keeps only rows that contain the whole text.
export interface LiteralSearch {
  /** Prisma filter: every fragment in one of the fields ({} when there is none). */
  where: object;
  /** True when the text has no LIKE metacharacter: `where` alone is exact. */
  exact: boolean;
  matches(row: object): boolean;
}

const META = /[%_\\]/;

export function literalSearch(text: string, like: (v: string) => object, fields: readonly string[]): LiteralSearch {
  const fragments = text.split(/[%_\\]+/).filter(Boolean);
  const exact = !META.test(text);
  const where = fragments.length ? { OR: fields.map((f) => ({ AND: fragments.map((fr) => ({ [f]: like(fr) })) })) } : {};
  const needle = text.toLowerCase();
  return {
    where,
    exact,
    matches: (row) => exact || fields.some((f) => String((row as Record<string, unknown>)[f] ?? "").toLowerCase().includes(needle)),
  };
}
