// The app's own form validation (forms use noValidate, so the browser never shows its
// English messages): each check names the field by its Vietnamese/English label from
// the catalogue. Decimal numbers are typed with a comma or a point.
import type { Locale, MessageKey } from "./i18n/index.ts";

export interface FieldProblem {
  /** The field's label as shown on the form. */
  label: string;
  message: string;
}

/** Thrown (or returned) by validate(); ErrorBox renders it like an API error. */
export class FormError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.label}: ${p.message}`).join("; "));
    this.name = "FormError";
  }
}

/** "1,5" or "1.5" → 1.5; "" → null; anything else → NaN. */
export function parseDecimal(s: string): number | null {
  const t = s.trim().replace(/\s/g, "");
  if (!t) return null;
  if (!/^-?\d+([.,]\d+)?$/.test(t)) return Number.NaN;
  return Number(t.replace(",", "."));
}

export interface Rules {
  required?: boolean;
  maxLength?: number;
  minLength?: number;
  /** A number within [min, max]; integer unless decimal. */
  number?: { min?: number; max?: number; decimal?: boolean };
  pattern?: { re: RegExp; hint: MessageKey };
  url?: boolean;
}

export type Check = [label: string, value: string, rules: Rules];

/** Every problem of the given fields, in order; an empty list means the form is valid. */
export function problemsOf(l: Locale, checks: Check[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const [label, raw, r] of checks) {
    const v = raw.trim();
    const add = (key: MessageKey, vars?: Record<string, string | number>) => out.push({ label, message: l.t(key, vars) });
    if (!v) {
      if (r.required) add("form.required");
      continue;
    }
    if (r.minLength && v.length < r.minLength) add("form.minLength", { n: r.minLength });
    else if (r.maxLength && v.length > r.maxLength) add("form.maxLength", { n: r.maxLength });
    else if (r.number) {
      const n = parseDecimal(v);
      const { min, max, decimal } = r.number;
      if (n === null || Number.isNaN(n) || (!decimal && !Number.isInteger(n))) add(decimal ? "form.decimal" : "form.integer");
      else if ((min !== undefined && n < min) || (max !== undefined && n > max)) add("form.range", { min: l.num(min ?? -Infinity), max: l.num(max ?? Infinity) });
    } else if (r.pattern && !r.pattern.re.test(v)) add(r.pattern.hint);
    else if (r.url && !/^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(v)) add("form.url");
  }
  return out;
}

/** Throws a FormError when any check fails. */
export function validate(l: Locale, checks: Check[]): void {
  const p = problemsOf(l, checks);
  if (p.length) throw new FormError(p);
}

/** Normalised name for duplicate checks: case, spacing and Unicode form do not count. */
export const nameKey = (s: string) => s.normalize("NFC").trim().replace(/\s+/g, " ").toLocaleLowerCase("vi");
