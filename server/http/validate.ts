// zod validation for Hono handlers: failures become 422 with the list of fields.
import type { ValidationTargets } from "hono";
import { validator } from "hono/validator";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { JSON_MAX_DEPTH, jsonTooDeep } from "./body.ts";
import { VALIDATES, type Validates } from "./meta.ts";

export function fieldErrors(error: z.ZodError) {
  return error.issues.map((i) => ({ field: i.path.join(".") || "(root)", message: i.message }));
}

export const validationError = (error: z.ZodError) =>
  new AppError(422, "VALIDATION_FAILED", "Dữ liệu không hợp lệ: " + fieldErrors(error).map((f) => f.field).join(", "), "Invalid input: " + fieldErrors(error).map((f) => `${f.field} (${f.message})`).join(", "), { fields: fieldErrors(error) });

/**
 * Text from Word documents often arrives decomposed (NFD); store one form (NFC).
 * Bounded depth: input nested deeper than any schema needs is refused (400), not recursed.
 */
export function nfcDeep(v: unknown, depth = 0): unknown {
  if (typeof v === "string") return v.normalize("NFC");
  if (depth >= JSON_MAX_DEPTH && v && typeof v === "object") throw jsonTooDeep();
  if (Array.isArray(v)) return v.map((x) => nfcDeep(x, depth + 1));
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.normalize("NFC"), nfcDeep(x, depth + 1)]));
  }
  return v;
}

export function zv<T extends z.ZodType, K extends keyof ValidationTargets>(target: K, schema: T) {
  const mw = validator(target, (value) => {
    const r = schema.safeParse(nfcDeep(value));
    if (!r.success) throw validationError(r.error);
    return r.data as z.output<T>;
  });
  return Object.assign(mw, { [VALIDATES]: { target, schema } as Validates });
}

// The date and time formats of the contract (server/contract/common.ts), for the routers.
export { localDate, localTime } from "../contract/common.ts";
