// Marks a route's middlewares carry so the OpenAPI document (./openapi.ts) can read, from
// the routes themselves, what each one validates and which roles it admits.
import type { ValidationTargets } from "hono";
import type { z } from "zod";

export const VALIDATES = Symbol("validates");
export type Validates = { target: keyof ValidationTargets; schema: z.ZodType };

export const REQUIRES_ROLE = Symbol("requiresRole");
