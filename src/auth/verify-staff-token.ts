import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../config.js';
import { UnauthorizedError } from '../http/errors.js';
import { claimAt, rolesFromClaim, type StaffPrincipal } from './staff-principal.js';

export interface StaffTokenVerifier {
  verify(token: string): Promise<StaffPrincipal>;
}

/**
 * Verifies staff bearer tokens with the configured key: a shared HS256 secret or a JWKS, with issuer,
 * audience and algorithms pinned. Returns undefined when no key is configured (every protected route
 * then answers 401).
 */
export function createStaffTokenVerifier(jwt: Config['jwt']): StaffTokenVerifier | undefined {
  let key: Uint8Array | JWTVerifyGetKey;
  if (jwt.secret) key = new TextEncoder().encode(jwt.secret);
  else if (jwt.jwksUrl) key = createRemoteJWKSet(new URL(jwt.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
  else return undefined;
  const options = { issuer: jwt.issuer, audience: jwt.audience, algorithms: jwt.algorithms };
  return {
    async verify(token) {
      try {
        const { payload } =
          key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new UnauthorizedError('The token has no subject');
        return { subject: payload.sub, roles: rolesFromClaim(claimAt(payload, jwt.rolesClaim)) };
      } catch (error) {
        throw toUnauthorized(error);
      }
    },
  };
}

// The client learns which check failed, never the key material or the library's message.
function toUnauthorized(error: unknown): UnauthorizedError {
  if (error instanceof UnauthorizedError) return error;
  if (error instanceof errors.JWTExpired) return new UnauthorizedError('The token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new UnauthorizedError(`The token's ${error.claim} claim is not accepted`);
  if (error instanceof errors.JOSEAlgNotAllowed) return new UnauthorizedError("The token's algorithm is not accepted");
  if (error instanceof errors.JWKSNoMatchingKey) return new UnauthorizedError('The token was signed with an unknown key');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError && error.code === 'ERR_JWKS_INVALID') {
    return new UnauthorizedError('The token could not be verified: the key set is unavailable');
  }
  return new UnauthorizedError('The token is not valid');
}
