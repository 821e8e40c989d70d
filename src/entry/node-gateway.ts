import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { AccessLog } from '../audit/access-log.js';
import { pathOf, requestIdOf } from '../audit/declarations.js';
import type { Clock } from '../clock.js';
import { auditUnavailable, badGateway, gatewayTimeout } from '../gateway/problems.js';
import { connectionTokens, forwardedFor, hopByHop, strippedFromResponse } from '../gateway/headers.js';
import { recordAnswer } from '../gateway/record-answer.js';
import type { Problem } from '../http/problem.js';
import type { Logger } from '../logger.js';

export interface NodeGatewayOptions {
  upstream: { url: string; timeoutMs: number };
  adminPrefix: string;
  accessLog: AccessLog;
  clock: Clock;
  logger: Logger;
  /** Vigie's own routes (`/_vigie/*`), and requests the maintenance check hands over: the Hono app. */
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Called first on every proxied request: true when the request must go to the Hono app instead
   * (the maintenance switch stops it there, or verifies its bypass). Pure and synchronous; `path` is normalised.
   */
  beforeProxy?: (req: IncomingMessage, path: string) => boolean;
}

// undici refuses these in a request (it frames the body itself); `expect: 100-continue` is not supported.
const refusedByClient = new Set(['transfer-encoding', 'expect']);

/**
 * The Node gateway: a node:http server, undici's connection pool to the origin (about a third less CPU per
 * request than node:http's client with a keep-alive agent, docs/benchmarks.md), bodies streamed both ways, and the
 * gateways' one core (src/gateway/record-answer.ts: declarations, principal, record, writer) called directly. Hono + fetch()
 * per request costs several times more; the fetch-based gateway stays the Workers path.
 */
export function createNodeGateway(options: NodeGatewayOptions): Server {
  const { upstream, adminPrefix, accessLog, clock, logger, fallback, beforeProxy } = options;
  const target = new URL(upstream.url);
  const pool = new Pool(target.origin, { connections: 512, keepAliveTimeout: 60_000, headersTimeout: upstream.timeoutMs, bodyTimeout: upstream.timeoutMs });
  const basePath = target.pathname.replace(/\/$/, '');
  const upstreamHost = target.host;
  const adminPath = accessLog.normalizePath(adminPrefix);

  function answerProblem(res: ServerResponse, problem: Problem, headers: OutgoingHttpHeaders = {}): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify(problem);
    res.writeHead(problem.status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'x-request-id': problem.requestId, 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    // Normalised once (decoded, dot-segments resolved): the maintenance check and the record read the same path.
    const path = accessLog.normalizePath(pathOf(url));
    if ((path.startsWith(adminPath) && (path.length === adminPath.length || path.charCodeAt(adminPath.length) === 47)) || beforeProxy?.(req, path)) {
      fallback(req, res);
      return;
    }
    const incoming = req.headers;
    const requestId = requestIdOf(incoming['x-request-id']);
    const headers: OutgoingHttpHeaders = {};
    const extraHop = incoming.connection ? connectionTokens(incoming.connection) : [];
    for (const name in incoming) {
      if (hopByHop.has(name) || name === 'host' || refusedByClient.has(name) || (extraHop.length > 0 && extraHop.includes(name))) continue;
      headers[name] = incoming[name];
    }
    const clientAddress = req.socket.remoteAddress;
    headers['x-forwarded-for'] = forwardedFor(incoming['x-forwarded-for'], clientAddress);
    headers['x-forwarded-proto'] = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    if (incoming.host) headers['x-forwarded-host'] = incoming.host;
    headers['x-request-id'] = requestId;
    headers.host = upstreamHost;
    const hasBody = incoming['transfer-encoding'] !== undefined || (incoming['content-length'] !== undefined && incoming['content-length'] !== '0');

    // The client leaving cancels the request to the origin. undici takes any EventEmitter as its signal: the
    // response itself, with an 'abort' event of ours, costs nothing where an AbortController per request cost
    // about 4 % of the gateway's CPU.
    let clientLeft = false;
    res.once('close', () => {
      if (res.writableFinished) return;
      clientLeft = true;
      res.emit('abort');
    });
    const failed = (error: { code?: string }) => {
      if (clientLeft) return; // nobody to answer
      answerProblem(res, error?.code === 'UND_ERR_HEADERS_TIMEOUT' ? gatewayTimeout(requestId, upstream.timeoutMs) : badGateway(requestId));
    };
    const answered = (answer: Dispatcher.ResponseData) => {
      const body = answer.body;
      // A body that fails half-way (the origin drops, bodyTimeout): the client sees the connection cut, as with any proxy.
      body.on('error', () => res.destroy());
      const out: OutgoingHttpHeaders = {};
      const connection = answer.headers.connection;
      const answerHop = connection ? connectionTokens(connection) : [];
      for (const name in answer.headers) {
        if (strippedFromResponse(name) || (answerHop.length > 0 && answerHop.includes(name))) continue;
        out[name] = answer.headers[name];
      }
      out['x-request-id'] = requestId;
      const status = answer.statusCode;
      const release = () => {
        res.writeHead(status, out);
        body.pipe(res);
      };
      const recorded = recordAnswer(accessLog, clock, {
        requestId,
        method: req.method ?? 'GET',
        route: path,
        status,
        clientAddress: accessLog.clientOf(clientAddress, () => incoming['x-forwarded-for']),
        traceparent: incoming.traceparent,
        authorization: incoming.authorization,
        cookie: incoming.cookie,
        answer: (name) => answer.headers[name],
      });
      if (!recorded) {
        release();
        return;
      }
      recorded.then(release, () => {
        // Fail closed: the personal data is not sent unless its record is committed.
        body.destroy();
        answerProblem(res, auditUnavailable(requestId), { 'retry-after': '1' });
      });
    };
    pool
      .request({ path: basePath + url, method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers: headers as Record<string, string | string[]>, body: hasBody ? req : null, signal: res })
      .then(answered, failed)
      .catch(() => {
        logger.error('gateway request failed');
        answerProblem(res, badGateway(requestId));
      });
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    try {
      handle(req, res);
    } catch {
      logger.error('gateway request failed');
      answerProblem(res, badGateway(requestIdOf(req.headers['x-request-id'])));
    }
  });
  server.on('close', () => void pool.close());
  return server;
}
