// Domain errors, mapped once to GraphQL `extensions.code` (api/errors.ts). Messages are
// shown to API clients as they are: they must never contain secrets.

export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED' | 'INTERNAL';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule; `fields` names the offending input fields (e.g. `input.name`). */
export class ValidationError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    readonly fields: string[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly kind: string,
    readonly key: string,
  ) {
    super(`${kind} "${key}" not found`);
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}

/** Over a rate limit; `retryAfterSeconds` says when the next attempt can succeed. */
export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Collects several field problems and throws them as one ValidationError. */
export class ValidationErrors {
  private readonly problems: Array<{ field: string; message: string }> = [];

  add(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  check(field: string, problem: string | undefined): void {
    if (problem) this.add(field, problem);
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }

  throwIfAny(): void {
    if (this.empty) return;
    const message = this.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    throw new ValidationError(message, [...new Set(this.problems.map((p) => p.field))]);
  }
}
