import { roleNames } from '../config.js';

export type Role = (typeof roleNames)[number];
export { roleNames };

/** A person who uses Vigie, from a verified staff token. */
export interface StaffPrincipal {
  subject: string;
  roles: Role[];
}

const known = new Set<string>(roleNames);

/** Roles may come as an array or as a space- or comma-separated string; unknown roles are ignored. */
export function rolesFromClaim(claim: unknown): Role[] {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
  return [...new Set(values.filter((value): value is Role => typeof value === 'string' && known.has(value)))];
}

/**
 * The claim that carries roles: a plain name (`roles`), or a dotted path into nested claims, as Keycloak puts
 * realm roles in `realm_access.roles`. A claim whose own name contains dots is found first.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
