// Input formats shared by every part of the API contract. The contract modules hold the
// request schemas: the HTTP layer validates with them, the services take their types, the
// OpenAPI document is generated from them and the web app imports their types.
import { z } from "zod";

export const idParam = z.object({ id: z.coerce.number().int().positive() });

/** A commune calendar date "YYYY-MM-DD" that exists. */
export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "date must be YYYY-MM-DD").refine((s) => {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}, "not a real calendar date");

/** A commune wall-clock time "HH:MM". */
export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time must be HH:MM (24-hour)");
