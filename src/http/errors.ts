/**
 * Typed domain errors thrown by service functions; one handler maps them to problem+json
 * (docs/architecture.md, conventions 6 and 7). Messages here reach clients: they name fields and reasons, never
 * values that could be personal data, SQL or internals.
 */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly slug: string;
  abstract readonly title: string;
  readonly headers: Record<string, string> = {};
}

export class ValidationError extends DomainError {
  readonly status = 400;
  readonly slug = 'validation';
  readonly title = 'Invalid request';
  constructor(
    readonly errors: FieldError[],
    detail = errors.map((error) => `${error.path}: ${error.message}`).join('; '),
  ) {
    super(detail);
  }
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly slug = 'unauthorized';
  readonly title = 'Authentication required';
  override readonly headers = { 'WWW-Authenticate': 'Bearer realm="vigie"' };
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly slug = 'forbidden';
  readonly title = 'Not allowed';
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly slug = 'not-found';
  readonly title = 'Not found';
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly slug = 'conflict';
  readonly title = 'Conflict';
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly slug = 'payload-too-large';
  readonly title = 'Request body too large';
}

export class UnavailableError extends DomainError {
  readonly status = 503;
  readonly slug = 'unavailable';
  readonly title = 'Service unavailable';
  constructor(detail: string, retryAfterSeconds?: number) {
    super(detail);
    if (retryAfterSeconds !== undefined) this.headers['Retry-After'] = String(retryAfterSeconds);
  }
}
