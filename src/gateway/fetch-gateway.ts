import type { Context, MiddlewareHandler } from 'hono';
import type { AccessLog } from '../audit/access-log.js';
import { pathOf, requestIdOf } from '../audit/declarations.js';
import type { Clock } from '../clock.js';
import { problemResponse } from '../http/problem.js';
import { connectionTokens, forwardedFor, hopByHop, strippedFromResponse } from './headers.js';
import { auditUnavailable, badGateway, gatewayTimeout } from './problems.js';
import { recordAnswer } from './record-answer.js';

export interface FetchGatewayOptions {
  upstream: { url: string; timeoutMs: number };
  adminPrefix: string;
  accessLog: AccessLog;
  clock: Clock;
  /** The client's address: the socket peer on Node, `CF-Connecting-IP` on Workers. */
  clientAddress?: (c: Context) => string | undefined;
}

const defaultClientAddress = (c: Context): string | undefined =>
  (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ??
  c.req.header('cf-connecting-ip');

/**
 * The runtime-neutral gateway, as the last handler of the Hono app: fetch() to the origin, and the record by
 * the same core as the Node gateway (record-answer.ts). The Workers entry's gateway; the Node entry uses its
 * raw node:http gateway for speed (same core, node:http's header objects).
 */
export function proxyToUpstream(options: FetchGatewayOptions): MiddlewareHandler {
  const { upstream, adminPrefix, accessLog, clock } = options;
  const base = upstream.url.replace(/\/$/, '');
  const clientAddress = options.clientAddress ?? defaultClientAddress;
  return async function proxyToUpstream(c, next) {
    const url = new URL(c.req.url);
    // Decided on the path the origin resolves (and the log records): a path that resolves under the prefix
    // is Vigie's, never the origin's.
    const path = accessLog.normalizePath(pathOf(c.req.url));
    const adminPath = accessLog.normalizePath(adminPrefix);
    if (path === adminPath || path.startsWith(`${adminPath}/`)) return next();
    const known = (c.get as (key: string) => unknown)('requestId');
    const requestId = typeof known === 'string' ? known : requestIdOf(c.req.header('x-request-id'));
    const incoming = c.req.raw.headers;
    const extraHop = connectionTokens(incoming.get('connection'));
    const headers = new Headers();
    incoming.forEach((value, name) => {
      if (!hopByHop.has(name) && name !== 'host' && !extraHop.includes(name)) headers.set(name, value);
    });
    const client = clientAddress(c);
    const xff = forwardedFor(incoming.get('x-forwarded-for'), client);
    if (xff) headers.set('x-forwarded-for', xff);
    headers.set('x-forwarded-proto', url.protocol.replace(':', ''));
    headers.set('x-forwarded-host', url.host);
    headers.set('x-request-id', requestId);
    let answer: Response;
    // The bound is on the origin's answer (headers), not on streaming the body afterwards. The client leaving
    // (the request's own signal, on Node and Workers) cancels the request to the origin too.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), upstream.timeoutMs);
    const signal = AbortSignal.any([abort.signal, c.req.raw.signal]);
    try {
      const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD';
      answer = await fetch(`${base}${url.pathname}${url.search}`, {
        method: c.req.method,
        headers,
        redirect: 'manual',
        signal,
        ...(hasBody ? { body: c.req.raw.body, duplex: 'half' } : {}),
      } as RequestInit);
    } catch {
      return problemResponse(abort.signal.aborted ? gatewayTimeout(requestId, upstream.timeoutMs) : badGateway(requestId));
    } finally {
      clearTimeout(timer);
    }
    const out = new Headers();
    const answerHop = connectionTokens(answer.headers.get('connection'));
    answer.headers.forEach((value, name) => {
      if (!strippedFromResponse(name) && !answerHop.includes(name) && name !== 'content-encoding' && name !== 'content-length') out.append(name, value);
    });
    out.set('x-request-id', requestId);
    const recorded = recordAnswer(accessLog, clock, {
      requestId,
      method: c.req.method,
      route: path,
      status: answer.status,
      // A caller's own clientAddress is taken as it is; the default is the peer, or the client a trusted proxy names.
      clientAddress: options.clientAddress ? client : accessLog.clientOf(client, () => incoming.get('x-forwarded-for') ?? undefined),
      traceparent: incoming.get('traceparent'),
      authorization: incoming.get('authorization'),
      cookie: incoming.get('cookie'),
      answer: (name) => answer.headers.get(name),
    });
    if (recorded) {
      try {
        await recorded;
      } catch {
        // Fail closed: the personal data is not sent unless its record is committed.
        await answer.body?.cancel().catch(() => {});
        return problemResponse(auditUnavailable(requestId), { 'Retry-After': '1' });
      }
    }
    return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: out });
  };
}
