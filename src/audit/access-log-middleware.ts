import type { Context, MiddlewareHandler } from 'hono';
import { problemResponse, problemType } from '../http/problem.js';
import { buildRecord, declareRelations, type AccessLog } from './access-log.js';
import { relationsHeader, vigieResponseHeaders, pathOf, readCacheStatus, readDeclaration, requestIdOf, traceIdOf, type Declaration } from './declarations.js';

export interface AccessLogMiddlewareOptions {
  accessLog: AccessLog;
  clock: { now(): Date };
  /** Paths never recorded (Vigie's own admin prefix). */
  skipPrefix?: string;
  /** The client's address; default: the socket's peer under @hono/node-server, or behind a trusted proxy the client it names. */
  clientAddress?: (c: Context) => string | undefined;
}

/** The peer address from @hono/node-server's bindings (`c.env.incoming`), read structurally. */
const socketAddress = (c: Context): string | undefined =>
  (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;

/**
 * Handlers declare whose personal data a response carries, in code (middleware mode): the same three
 * headers an origin sets in gateway mode, which the middleware reads and removes; `relations` the page
 * rests on go in Vigie-Relations (exposure/relation-header.ts).
 */
export function declarePersonalData(
  c: Context,
  declaration: { subjects: string[]; categories?: string[]; producedFor?: string; relations?: DeclaredRelation[] },
): void {
  c.header('Vigie-Data-Subjects', declaration.subjects.join(', '));
  if (declaration.categories?.length) c.header('Vigie-Data-Categories', declaration.categories.join(', '));
  if (declaration.producedFor) c.header('Vigie-Produced-For', declaration.producedFor);
  if (declaration.relations?.length) c.header('Vigie-Relations', declaration.relations.map(relationItem).join(', '));
}

export interface DeclaredRelation {
  principal: string;
  subject: string;
  from: Date;
  to?: Date | null;
  kind?: string;
}

const relationItem = (r: DeclaredRelation) =>
  [`principal=${r.principal}`, `subject=${r.subject}`, `from=${r.from.toISOString()}`, ...(r.to ? [`to=${r.to.toISOString()}`] : []), ...(r.kind ? [`kind=${r.kind}`] : [])].join('; ');

export function unavailableProblem(requestId: string): Response {
  return problemResponse(
    {
      type: problemType('audit-unavailable'),
      title: 'Service unavailable',
      status: 503,
      detail: 'The access log cannot record this response right now; it was not sent. Retry shortly.',
      requestId,
    },
    { 'Retry-After': '1' },
  );
}

/**
 * Middleware mode: records every personal-data response of a Hono app. In strict mode the response is
 * released only once its record is committed; past the bound it becomes a 503 problem instead.
 */
export function accessLogMiddleware(options: AccessLogMiddlewareOptions): MiddlewareHandler {
  const { accessLog, clock, skipPrefix } = options;
  if (!accessLog || !clock) throw new Error('accessLogMiddleware: accessLog and clock are required');
  const clientAddress = options.clientAddress ?? ((c: Context) => accessLog.clientOf(socketAddress(c), () => c.req.header('x-forwarded-for')));
  return async function accessLogMiddleware(c, next) {
    if (skipPrefix && c.req.path.startsWith(skipPrefix)) return next();
    await next();
    const get = (name: string) => c.res.headers.get(name);
    const declaration: Declaration | undefined = readDeclaration(get);
    const declaredRelations = get(relationsHeader);
    if (declaration || declaredRelations !== null) {
      try {
        // In place: re-wrapping the response would cost @hono/node-server its fast path.
        for (const name of vigieResponseHeaders) c.res.headers.delete(name);
      } catch {
        c.res = new Response(c.res.body, c.res);
        for (const name of vigieResponseHeaders) c.res.headers.delete(name);
      }
    }
    const relationsStored = declareRelations(accessLog, declaredRelations);
    if (relationsStored) await relationsStored; // before the record: live detection must see them
    if (!declaration && !accessLog.allRequests) return;
    const known = (c.get as (key: string) => unknown)('requestId');
    const requestId = typeof known === 'string' ? known : requestIdOf(c.req.header('x-request-id'));
    const built = buildRecord(
      accessLog,
      {
        at: clock.now(),
        requestId,
        traceId: traceIdOf(c.req.header('traceparent')),
        method: c.req.method,
        route: accessLog.normalizePath(pathOf(c.req.url)),
        status: c.res.status,
        cacheStatus: readCacheStatus(get),
        clientAddress: clientAddress(c),
        principal: { authorization: c.req.header('authorization'), cookie: c.req.header('cookie') },
      },
      declaration,
    );
    const pending = accessLog.writer.record(built instanceof Promise ? await built : built);
    if (!pending) return;
    try {
      await pending;
    } catch {
      await c.res.body?.cancel().catch(() => {});
      c.res = unavailableProblem(requestId);
    }
  };
}
