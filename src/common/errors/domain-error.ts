/**
 * Domain errors carry a stable code and a user-facing message that never contains names,
 * contact details or clinical text. The exception filter maps them to HTTP.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  constructor(resource: string) {
    super('not_found', `${resource} not found`);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  constructor(message = 'You do not have permission to do this', code = 'forbidden') {
    super(code, message);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  constructor(message = 'Authentication required', code = 'unauthenticated') {
    super(code, message);
  }
}

export class BadRequestError extends DomainError {
  readonly status = 400;
}

/** A framework rule refused the change; the code names the rule. */
export class RuleViolationError extends DomainError {
  readonly status = 422;
}

export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', `Too many attempts; try again in ${retryAfterSeconds} seconds`);
  }
}
