import { Agent, createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { buildRecord, declareRelations, type AccessLog } from '../audit/access-log.js';
import { pathOf, readCacheStatus, readDeclaration, requestIdOf, traceIdOf } from '../audit/declarations.js';
import type { Clock } from '../clock.js';
import { auditUnavailable, badGateway, gatewayTimeout } from '../gateway/problems.js';
import { connectionTokens, forwardedFor, hopByHop, strippedFromResponse } from '../gateway/headers.js';
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
   * (the maintenance switch stops it there, or verifies its bypass). Pure and synchronous.
   */
  beforeProxy?: (req: IncomingMessage, path: string) => boolean;
}

class UpstreamTimeout extends Error {}

/**
 * The Node gateway: raw node:http both ways with a keep-alive agent, bodies piped, and the runtime-neutral
 * pieces (maintenance decision, principal, record, writer) called directly. Hono + fetch() per request costs
 * several times more (docs/benchmarks.md); the fetch-based gateway stays the Workers path.
 */
export function createNodeGateway(options: NodeGatewayOptions): Server {
  const { upstream, adminPrefix, accessLog, clock, logger, fallback, beforeProxy } = options;
  const target = new URL(upstream.url);
  const secure = target.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256, scheduling: 'lifo' })
    : new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 256, scheduling: 'lifo' });
  const send = secure ? httpsRequest : httpRequest;
  const basePath = target.pathname.replace(/\/$/, '');
  const upstreamHost = target.host;
  const writer = accessLog.writer;

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
    const path = pathOf(url);
    if ((path.startsWith(adminPrefix) && (path.length === adminPrefix.length || path.charCodeAt(adminPrefix.length) === 47)) || beforeProxy?.(req, path)) {
      fallback(req, res);
      return;
    }
    const incoming = req.headers;
    const requestId = requestIdOf(incoming['x-request-id']);
    const headers: OutgoingHttpHeaders = {};
    const extraHop = incoming.connection ? connectionTokens(incoming.connection) : [];
    for (const name in incoming) {
      if (hopByHop.has(name) || name === 'host' || (extraHop.length > 0 && extraHop.includes(name))) continue;
      headers[name] = incoming[name];
    }
    const clientAddress = req.socket.remoteAddress;
    headers['x-forwarded-for'] = forwardedFor(incoming['x-forwarded-for'], clientAddress);
    headers['x-forwarded-proto'] = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    if (incoming.host) headers['x-forwarded-host'] = incoming.host;
    headers['x-request-id'] = requestId;
    headers.host = upstreamHost;
    if (incoming['transfer-encoding'] && incoming['content-length'] === undefined) headers['transfer-encoding'] = 'chunked';

    const proxied = send({ agent, protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: basePath + url, headers });
    let timedOut = false;
    proxied.setTimeout(upstream.timeoutMs, () => {
      timedOut = true;
      proxied.destroy(new UpstreamTimeout());
    });
    proxied.on('error', () => {
      answerProblem(res, timedOut ? gatewayTimeout(requestId, upstream.timeoutMs) : badGateway(requestId));
    });
    res.on('close', () => {
      if (!res.writableFinished) proxied.destroy();
    });
    proxied.on('response', (answer) => {
      const get = (name: string) => answer.headers[name];
      const declaration = readDeclaration(get);
      const relationsStored = declareRelations(accessLog, answer.headers['vigie-relations']);
      const out: OutgoingHttpHeaders = {};
      const answerHop = answer.headers.connection ? connectionTokens(answer.headers.connection) : [];
      for (const name in answer.headers) {
        if (strippedFromResponse(name) || (answerHop.length > 0 && answerHop.includes(name))) continue;
        out[name] = answer.headers[name];
      }
      out['x-request-id'] = requestId;
      const status = answer.statusCode ?? 502;
      const release = () => {
        res.writeHead(status, answer.statusMessage, out);
        answer.pipe(res);
      };
      if (!declaration && !accessLog.allRequests) {
        release();
        return;
      }
      buildRecord(
        accessLog,
        {
          at: clock.now(),
          requestId,
          traceId: traceIdOf(incoming.traceparent),
          method: req.method ?? 'GET',
          route: path,
          status,
          cacheStatus: readCacheStatus(get),
          clientAddress,
          principal: { authorization: incoming.authorization, cookie: incoming.cookie },
        },
        declaration,
      )
        // Relations first: live detection checks the record once committed, and must see them.
        .then((record) => (relationsStored ? relationsStored.then(() => writer.record(record)) : writer.record(record)))
        .then(release, () => {
          // Fail closed: the personal data is not sent unless its record is committed.
          answer.destroy();
          answerProblem(res, auditUnavailable(requestId), { 'retry-after': '1' });
        });
    });
    req.pipe(proxied);
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    try {
      handle(req, res);
    } catch {
      logger.error('gateway request failed');
      answerProblem(res, badGateway(requestIdOf(req.headers['x-request-id'])));
    }
  });
  server.on('close', () => agent.destroy());
  return server;
}
