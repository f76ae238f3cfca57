// The one place where a domain error gets its HTTP status (the API's error handler calls
// it): the domain throws DomainError with no status (server/domain/errors.ts).
import { DomainError, type DomainErrorKind } from "../domain/errors.ts";
import { AppError } from "../errors.ts";

const STATUS_OF: Record<DomainErrorKind, 409 | 422> = {
  invalid: 422,
  conflict: 409,
};

/** A DomainError as the AppError the API renders; anything else unchanged. */
export function withHttpStatus(err: unknown): unknown {
  if (!(err instanceof DomainError)) return err;
  return new AppError(STATUS_OF[err.kind], err.code, err.messageVi, err.messageEn, err.details);
}
