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
