import type { Config } from '../config.js';
import { normalizePath } from '../http/normalize-path.js';
import type { RelationDeclarations } from '../exposure/relation-header.js';
import { silentLogger, type Logger } from '../logger.js';
import { parseNetwork, type Network } from '../maintenance/cidr.js';
import { resolveClientAddress } from '../maintenance/client-address.js';
import { memoize, type AuditCrypto } from './audit-crypto.js';
import { watchDeclaredCategories, type CategoryWatch } from './category-watch.js';
import type { Declaration } from './declarations.js';
import { createPrincipalResolver, type Principal, type PrincipalInput, type PrincipalResolver } from './principal.js';
import type { AccessRecord } from './record.js';
import type { AccessLogWriter } from './writer.js';

/** Everything a gateway or middleware needs to record a response. */
export interface AccessLog {
  writer: AccessLogWriter;
  crypto: AuditCrypto;
  resolvePrincipal: PrincipalResolver;
  /** Keyed HMAC of a client address (synchronous once known). */
  clientHmac(address: string): string | Promise<string>;
  /** Record responses without personal data too (VIGIE_AUDIT_ALL_REQUESTS). */
  allRequests: boolean;
  /** Stores the relations the origin declares in Vigie-Relations (absent: the header is only stripped). */
  relations?: RelationDeclarations | undefined;
  /** Declared categories the category map does not know: counted and logged where they enter. */
  categories: CategoryWatch;
  /** The path as the origin resolves it (normalizePath with VIGIE_PATHS_CASE_INSENSITIVE): what maintenance checks and `route` records. */
  normalizePath(rawPath: string): string;
  /**
   * The client's address as recorded: the connection's peer, or behind a proxy listed in VIGIE_TRUSTED_PROXIES
   * the first untrusted hop of X-Forwarded-For, read as the maintenance switch reads it (client-address.ts).
   * The header is read only when a proxy is trusted.
   */
  clientOf(peer: string | undefined, forwardedFor: () => string | string[] | undefined): string | undefined;
}

/** The relations declared on a response, stored before its record is written (undefined: nothing to wait for). */
export function declareRelations(log: AccessLog, value: string | string[] | null | undefined): Promise<void> | undefined {
  if (!value || !log.relations) return undefined;
  return log.relations.declare(Array.isArray(value) ? value.join(',') : value);
}

export function createAccessLog(config: Config, writer: AccessLogWriter, crypto: AuditCrypto, relations?: RelationDeclarations, logger: Logger = silentLogger): AccessLog {
  const proxies = config.maintenance.trustedProxies.map((text) => parseNetwork(text)).filter((network): network is Network => network !== undefined);
  return {
    writer,
    crypto,
    resolvePrincipal: createPrincipalResolver(config.principal, crypto),
    clientHmac: memoize(50_000, (address) => crypto.hmacHex('client', address)),
    allRequests: config.audit.allRequests,
    relations,
    categories: watchDeclaredCategories(config.categoryMap, logger),
    normalizePath: (rawPath) => normalizePath(rawPath, config.maintenance.caseInsensitivePaths),
    clientOf: (peer, forwardedFor) => {
      if (proxies.length === 0 || !peer) return peer;
      const header = forwardedFor();
      return resolveClientAddress(peer, Array.isArray(header) ? header.join(', ') : header, proxies);
    },
  };
}

export interface ResponseFacts {
  at: Date;
  requestId: string;
  traceId: string | null;
  method: string;
  route: string;
  status: number;
  cacheStatus: string | null;
  clientAddress: string | undefined;
  principal: PrincipalInput;
}

/**
 * Builds the record of one response (principal verified, client address keyed-hashed). Synchronous when the
 * principal and the address are already known (the usual case: a signed-in user's next request), so that a
 * response pays no promise for its record.
 */
export function buildRecord(log: AccessLog, facts: ResponseFacts, declaration: Declaration | undefined): AccessRecord | Promise<AccessRecord> {
  if (declaration && declaration.categories.length > 0) log.categories.check(declaration.categories);
  const principal = log.resolvePrincipal(facts.principal);
  const client = facts.clientAddress ? log.clientHmac(facts.clientAddress) : null;
  if (principal instanceof Promise || client instanceof Promise) {
    return Promise.all([principal, client]).then(([p, c]) => recordOf(facts, declaration, p, c));
  }
  return recordOf(facts, declaration, principal, client);
}

function recordOf(facts: ResponseFacts, declaration: Declaration | undefined, principal: Principal, clientHmac: string | null): AccessRecord {
  return {
    at: facts.at,
    requestId: facts.requestId,
    traceId: facts.traceId,
    principal: principal.id,
    principalKind: principal.kind,
    sessionHmac: principal.sessionHmac,
    producedFor: declaration?.producedFor ?? null,
    subjects: declaration?.subjects ?? [],
    categories: declaration?.categories ?? [],
    method: facts.method,
    route: facts.route,
    status: facts.status,
    cacheStatus: facts.cacheStatus,
    clientHmac,
  };
}
