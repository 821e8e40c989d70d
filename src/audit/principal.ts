import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';
import { memoize, type AuditCrypto } from './audit-crypto.js';
import type { PrincipalKind } from './record.js';

/** The person receiving a response, as recorded. */
export interface Principal {
  id: string | null;
  kind: PrincipalKind;
  sessionHmac: string | null;
}

export interface PrincipalInput {
  authorization: string | null | undefined;
  cookie: string | null | undefined;
}

/** Synchronous when the answer is known (a cached token, a known session): no promise on the request path. */
export type PrincipalResolver = (input: PrincipalInput) => Principal | Promise<Principal>;

const bearer = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i;
const cacheLimit = 50_000;
// A token that fails verification is remembered briefly, so that a flood of bad tokens costs one check each.
const invalidTtlMs = 60_000;

/** Reads one cookie's value from a Cookie header, without parsing the others. */
export function cookieValue(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * End-user tokens, with their own settings (VIGIE_PRINCIPAL_*), separate from staff tokens. Verified
 * tokens are cached by the token's hash until they expire, so that a client's every request does not pay a
 * signature check. Without a token: anonymous, with a keyed hash of the session cookie if there is one.
 */
export function createPrincipalResolver(config: Config['principal'], crypto: AuditCrypto, now: () => number = Date.now): PrincipalResolver {
  let key: Uint8Array | JWTVerifyGetKey | undefined;
  if (config.secret) key = new TextEncoder().encode(config.secret);
  else if (config.jwksUrl) key = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
  const options = {
    algorithms: config.algorithms,
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  const verified = new Map<string, { principal: Principal; until: number }>();
  const sessionHmac = memoize(cacheLimit, (value) => crypto.hmacHex('session', value));

  function verify(token: string): Principal | Promise<Principal> {
    const digest = crypto.sha256Hex(token);
    if (typeof digest !== 'string') return digest.then((cacheKey) => known(cacheKey) ?? check(cacheKey, token));
    return known(digest) ?? check(digest, token);
  }

  function known(cacheKey: string): Principal | undefined {
    const cached = verified.get(cacheKey);
    return cached && cached.until > now() ? cached.principal : undefined;
  }

  async function check(cacheKey: string, token: string): Promise<Principal> {
    let principal: Principal = { id: null, kind: 'invalid-token', sessionHmac: null };
    let until = now() + invalidTtlMs;
    if (key) {
      try {
        const { payload } = key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
        const id = payload[config.claim];
        if (typeof id === 'string' && id !== '') {
          principal = { id, kind: 'user', sessionHmac: null };
          until = typeof payload.exp === 'number' ? payload.exp * 1000 : now() + 300_000;
        }
      } catch {
        // recorded as invalid-token; the origin decides what to answer
      }
    }
    if (verified.size >= cacheLimit) verified.clear();
    verified.set(cacheKey, { principal, until });
    return principal;
  }

  return function resolvePrincipal(input) {
    const token = (input.authorization ? bearer.exec(input.authorization)?.[1] : undefined) ?? (config.cookie ? cookieValue(input.cookie, config.cookie) : undefined);
    if (token) return verify(token);
    const session = cookieValue(input.cookie, config.sessionCookie);
    if (!session) return { id: null, kind: 'anonymous', sessionHmac: null };
    const hmac = sessionHmac(session);
    return typeof hmac === 'string' ? { id: null, kind: 'anonymous', sessionHmac: hmac } : hmac.then((h) => ({ id: null, kind: 'anonymous', sessionHmac: h }));
  };
}
