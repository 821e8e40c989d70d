import { buildRecord, declareRelations, type AccessLog } from '../audit/access-log.js';
import type { AccessRecord } from '../audit/record.js';
import { readCacheStatus, readDeclaration, traceIdOf, type HeaderGetter } from '../audit/declarations.js';
import type { Clock } from '../clock.js';

type HeaderValue = string | string[] | null | undefined;

/** What a gateway knows of one proxied exchange, whatever its runtime's header objects. */
export interface ProxiedExchange {
  requestId: string;
  method: string;
  /** The path, without its query (declarations.ts, pathOf). */
  route: string;
  status: number;
  clientAddress: string | undefined;
  traceparent: HeaderValue;
  authorization: string | null | undefined;
  cookie: string | null | undefined;
  /** The origin's response headers. */
  answer: HeaderGetter;
}

/**
 * The one core of every gateway (the Node gateway, the fetch gateway on Node and on Workers): reads the
 * origin's declarations, stores the relations it declares first (live detection must see them when it checks
 * the record), verifies the receiver, and writes the record by mode.
 *
 * Returns undefined when the response may leave at once, without a promise: it carries nothing to record, or
 * (async mode without the writer's asyncRelease) its record is queued and its receiver was already known.
 * Otherwise a promise that resolves when the response may leave (strict: its record is committed; async:
 * queued) and rejects when it must not (the gateway answers the audit-unavailable problem instead).
 * The caller strips the Vigie headers (headers.ts, strippedFromResponse) in its runtime's own header form.
 */
export function recordAnswer(accessLog: AccessLog, clock: Clock, exchange: ProxiedExchange): Promise<void> | undefined {
  const declaration = readDeclaration(exchange.answer);
  const relationsStored = declareRelations(accessLog, exchange.answer('vigie-relations') as HeaderValue);
  if (!declaration && !accessLog.allRequests) {
    // Nothing to record: the response does not wait for the relations (stored in the background, as before).
    relationsStored?.catch(() => {});
    return undefined;
  }
  const at = clock.now();
  let built: AccessRecord | Promise<AccessRecord>;
  try {
    built = buildRecord(
      accessLog,
      {
        at,
        requestId: exchange.requestId,
        traceId: traceIdOf(exchange.traceparent),
        method: exchange.method,
        route: exchange.route,
        status: exchange.status,
        cacheStatus: readCacheStatus(exchange.answer),
        clientAddress: exchange.clientAddress,
        principal: { authorization: exchange.authorization, cookie: exchange.cookie },
      },
      declaration,
    );
  } catch (error) {
    return Promise.reject(error); // fail closed, as a failed commit does
  }
  const write = (record: AccessRecord) => (relationsStored ? relationsStored.then(() => accessLog.writer.record(record)) : accessLog.writer.record(record));
  // A promise only when the response must wait (strict) or the record needed one; async with a known receiver: none.
  if (built instanceof Promise) return built.then(write);
  return write(built);
}
