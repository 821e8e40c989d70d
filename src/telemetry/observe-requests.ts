import { context, propagation, SpanKind, SpanStatusCode, trace, type TextMapGetter } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../http/context.js';
import { requestIdFrom } from '../http/request-id.js';
import type { Logger } from '../logger.js';

const tracer = trace.getTracer('vigie');

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

export interface ObserveRequestsOptions {
  logger: Logger;
  /** Log one line per request (on by default). */
  logRequests?: boolean;
}

/**
 * Gives every request an id (the caller's `X-Request-Id` when well-formed), a server span named by route
 * pattern, and one JSON log line. Only the route pattern, method, status and timings are recorded: never
 * the concrete path (it may hold an identifier), headers, cookies or bodies.
 */
export function observeRequests(options: ObserveRequestsOptions): MiddlewareHandler<AppEnv> {
  const { logger, logRequests = true } = options;
  return async function observeRequests(c, next) {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    const parent = propagation.extract(context.active(), c.req.raw.headers, headerGetter);
    await tracer.startActiveSpan(
      c.req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method, 'vigie.request_id': requestId } },
      parent,
      async (span) => {
        try {
          await next();
        } finally {
          const route = matchedRoutes(c).findLast((r) => r.method !== 'ALL')?.path;
          const status = c.res.status;
          span.updateName(route ? `${c.req.method} ${route}` : c.req.method);
          if (route) span.setAttribute('http.route', route);
          span.setAttribute('http.response.status_code', status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          c.res.headers.set('X-Request-Id', requestId);
          if (logRequests) {
            logger.info('request', {
              requestId,
              traceId: span.isRecording() ? span.spanContext().traceId : undefined,
              method: c.req.method,
              route: route ?? null,
              status,
              durationMs: Math.round((performance.now() - started) * 100) / 100,
            });
          }
        }
      },
    );
  };
}
