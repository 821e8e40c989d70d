import type { Role } from '../../auth/staff-principal.js';
import { rolesFromClaim } from '../../auth/staff-principal.js';
import type { Db } from '../../db/database.js';
import { recordAction } from '../../exposure/actor.js';
import { ValidationError, type FieldError } from '../../http/errors.js';
import { requireDb, type SessionDeps } from './sessions.js';
import { randomToken, sha256Hex } from './tokens.js';

/** A login link lives 5 minutes and opens one session (issue 18). */
export const loginLinkSeconds = 300;

export interface LoginLinkInput {
  subject: string;
  roles: readonly string[];
}

export interface LoginLink {
  /** The path under the console; the caller puts its own origin in front (`vigie login-link` does). */
  path: string;
  token: string;
  subject: string;
  roles: Role[];
  expiresAt: Date;
}

const subjectPattern = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$/;

/**
 * Development sign-in without an identity provider: a one-time link, valid 5 minutes. Only the SHA-256 of
 * its token is stored; using it marks it used in the same statement that reads it, so it opens one session.
 * Who minted it (the CLI's operator) is recorded.
 */
export async function mintLoginLink(deps: SessionDeps & { config: { adminPrefix: string } }, input: LoginLinkInput, actor: { subject: string; roles: string[] }): Promise<LoginLink> {
  const errors: FieldError[] = [];
  if (!subjectPattern.test(input.subject ?? '')) errors.push({ path: 'sub', message: 'must be 1–200 letters, digits or . _ @ + -' });
  const roles = rolesFromClaim([...(input.roles ?? [])]);
  if (roles.length === 0 || roles.length !== new Set(input.roles).size) {
    errors.push({ path: 'role', message: 'must name one or more of sre, dpo, comms, auditor, admin' });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  const db = requireDb(deps.db);
  const now = deps.clock.now();
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + loginLinkSeconds * 1000);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('console_login_link')
      .values({ token_sha256: await sha256Hex(token), subject: input.subject, roles, created_at: now, created_by: actor.subject, expires_at: expiresAt, used_at: null })
      .execute();
    await recordAction(trx as unknown as Db, { ...actor, reason: `login link for ${input.subject} (${roles.join(', ')})` }, 'console.login-link', input.subject, now);
  });
  return { path: `${deps.config.adminPrefix}/console/login/${token}`, token, subject: input.subject, roles, expiresAt };
}

/** What a link would open, without using it (the confirmation page), or undefined if it cannot be used. */
export async function peekLoginLink(deps: Pick<SessionDeps, 'db' | 'clock'>, token: string) {
  if (!deps.db || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  return deps.db
    .selectFrom('console_login_link')
    .select(['subject', 'roles', 'expires_at'])
    .where('token_sha256', '=', await sha256Hex(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', deps.clock.now())
    .executeTakeFirst();
}

/** Uses a link: marks it used and returns whom it was for, once; undefined if used, expired or unknown. */
export async function redeemLoginLink(deps: Pick<SessionDeps, 'db' | 'clock'>, token: string): Promise<{ subject: string; roles: string[] } | undefined> {
  if (!deps.db || !/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const now = deps.clock.now();
  return deps.db
    .updateTable('console_login_link')
    .set({ used_at: now })
    .where('token_sha256', '=', await sha256Hex(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['subject', 'roles'])
    .executeTakeFirst();
}
