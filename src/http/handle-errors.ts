import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './context.js';
import { DomainError } from './errors.js';
import { problemResponse, problemType } from './problem.js';

const requestIdOf = (c: Context<AppEnv>): string => c.get('requestId') ?? 'unknown';

/** Maps every thrown error to problem+json; unknown errors are logged (without their message) and answered 500. */
export function handleError(): ErrorHandler<AppEnv> {
  return function handleError(error, c) {
    const requestId = requestIdOf(c);
    if (error instanceof DomainError) {
      return problemResponse(
        {
          type: problemType(error.slug),
          title: error.title,
          status: error.status,
          detail: error.message,
          requestId,
          ...('errors' in error ? { errors: error.errors as never } : {}),
        },
        error.headers,
      );
    }
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own 4xx, e.g. a malformed JSON body. Its message is fixed text, but we still say our own.
      const malformed = /json/i.test(error.message);
      return problemResponse({
        type: problemType(malformed ? 'malformed-body' : 'bad-request'),
        title: malformed ? 'Malformed request body' : 'Bad request',
        status: error.status,
        detail: malformed ? 'The request body is not valid JSON' : 'The request could not be understood',
        requestId,
        ...(malformed ? { errors: [{ path: 'body', message: 'is not valid JSON' }] } : {}),
      });
    }
    // The message of an unknown error may quote input (a database error quotes values): log its kind
    // and stack frames, not its text.
    const err = error as Error & { code?: string };
    c.var.deps?.logger.error('unhandled error', {
      requestId,
      errorName: err?.name ?? typeof error,
      errorCode: typeof err?.code === 'string' ? err.code : undefined,
      stack: typeof err?.stack === 'string' ? err.stack.split('\n').slice(1, 8).join('\n') : undefined,
    });
    return problemResponse({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred; it was logged with this request id',
      requestId,
    });
  };
}

interface RouteLike {
  method: string;
  path: string;
}

/** 404 for unknown paths; 405 with `Allow` when the path exists for other methods. */
export function handleNotFound(routes: () => readonly RouteLike[]): NotFoundHandler<AppEnv> {
  let patterns: { method: string; regex: RegExp }[] | undefined;
  return function handleNotFound(c) {
    patterns ??= routes()
      .filter((route) => route.method !== 'ALL')
      .map((route) => ({ method: route.method, regex: patternToRegex(route.path) }));
    const allowed = [...new Set(patterns.filter((p) => p.regex.test(c.req.path)).map((p) => p.method))];
    if (allowed.length > 0) {
      if (allowed.includes('GET')) allowed.push('HEAD');
      return problemResponse(
        {
          type: 'about:blank',
          title: 'Method Not Allowed',
          status: 405,
          detail: `${c.req.method} is not allowed here; allowed: ${allowed.join(', ')}`,
          requestId: requestIdOf(c),
        },
        { Allow: allowed.join(', ') },
      );
    }
    return problemResponse({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No resource at this path',
      requestId: requestIdOf(c),
    });
  };
}

function patternToRegex(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}
