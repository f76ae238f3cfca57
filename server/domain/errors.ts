// What a domain rule throws when its input breaks it: a stable code and the message in
// Vietnamese and English for the user, and the kind of breach. No HTTP status: the domain
// knows nothing of HTTP; the API maps the kind to a status in one place (server/http/errors.ts).
export type DomainErrorKind =
  /** The input itself is wrong (a bad date, an empty weekday list). */
  | "invalid"
  /** The input is fine but clashes with what exists (an overlapping schedule). */
  | "conflict";

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    readonly messageVi: string,
    readonly messageEn: string,
    readonly details?: unknown,
  ) {
    super(messageEn);
    this.name = "DomainError";
  }
}

export const invalid = (code: string, vi: string, en: string, details?: unknown) => new DomainError("invalid", code, vi, en, details);

export const conflict = (code: string, vi: string, en: string, details?: unknown) => new DomainError("conflict", code, vi, en, details);
