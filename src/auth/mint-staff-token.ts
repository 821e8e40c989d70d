import { SignJWT } from 'jose';
import type { Role } from './staff-principal.js';

export interface MintStaffTokenInput {
  secret: string;
  issuer: string;
  audience: string;
  rolesClaim: string;
  subject: string;
  roles: Role[];
  ttlSeconds: number;
  now?: Date;
}

/** Mints an HS256 staff token; for development and tests, where a shared secret is configured. */
export async function mintStaffToken(input: MintStaffTokenInput): Promise<string> {
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ [input.rolesClaim]: input.roles })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(input.subject)
    .setIssuer(input.issuer)
    .setAudience(input.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + input.ttlSeconds)
    .sign(new TextEncoder().encode(input.secret));
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "8h", "30m", "2d", "90s" → seconds. Returns undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * (units[match[2] as string] ?? 0);
  return seconds > 0 ? seconds : undefined;
}
