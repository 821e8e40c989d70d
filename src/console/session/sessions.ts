import { rolesFromClaim, type Role } from '../../auth/staff-principal.js';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/database.js';
import { recordAction } from '../../exposure/actor.js';
import { UnavailableError } from '../../http/errors.js';
import { randomToken, sha256Hex } from './tokens.js';

/** A signed-in person, as every console page sees them. */
export interface ConsoleSession {
  subject: string;
  /** What to call them on screen (the identity provider's name or e-mail), else the subject. */
  name: string;
  roles: Role[];
  method: 'oidc' | 'login-link';
  /** The token every form of this session carries (CSRF). */
  csrfToken: string;
  expiresAt: Date;
}

export interface SessionDeps {
  db: Db | undefined;
  clock: Clock;
  config: { console: { sessionSeconds: number } };
}

export const requireDb = (db: Db | undefined): Db => {
  if (!db) throw new UnavailableError('No database is configured', 5);
  return db;
};

/**
 * Opens a session: a random id (the cookie carries it, signed), stored as its SHA-256 with the person's roles,
 * a CSRF token and a fixed end (at most 8 hours: VIGIE_CONSOLE_SESSION_HOURS). Roles are those Vigie knows;
 * a person with none gets no session (deny by default).
 */
export async function openSession(
  deps: SessionDeps,
  person: { subject: string; name?: string | undefined; roles: readonly string[]; method: ConsoleSession['method'] },
): Promise<{ id: string; session: ConsoleSession }> {
  const roles = rolesFromClaim([...person.roles]);
  if (roles.length === 0) throw new Error('openSession: a session needs at least one known role');
  const db = requireDb(deps.db);
  const now = deps.clock.now();
  const id = randomToken();
  const session: ConsoleSession = {
    subject: person.subject,
    name: person.name?.trim() || person.subject,
    roles,
    method: person.method,
    csrfToken: randomToken(24),
    expiresAt: new Date(now.getTime() + deps.config.console.sessionSeconds * 1000),
  };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('console_session')
      .values({
        id_sha256: await sha256Hex(id),
        subject: session.subject,
        name: session.name,
        roles: session.roles,
        method: session.method,
        csrf_token: session.csrfToken,
        created_at: now,
        expires_at: session.expiresAt,
        revoked_at: null,
      })
      .execute();
    await recordAction(trx as unknown as Db, { subject: session.subject, roles: session.roles, reason: `console sign-in (${session.method})` }, 'console.sign-in', null, now);
  });
  return { id, session };
}

/** The session a cookie's id names, if it is neither expired nor revoked. */
export async function findSession(deps: Pick<SessionDeps, 'db' | 'clock'>, id: string): Promise<ConsoleSession | undefined> {
  if (!deps.db || !/^[A-Za-z0-9_-]{20,100}$/.test(id)) return undefined;
  const row = await deps.db
    .selectFrom('console_session')
    .selectAll()
    .where('id_sha256', '=', await sha256Hex(id))
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', deps.clock.now())
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    subject: row.subject,
    name: row.name ?? row.subject,
    roles: rolesFromClaim(row.roles),
    method: row.method as ConsoleSession['method'],
    csrfToken: row.csrf_token,
    expiresAt: new Date(row.expires_at),
  };
}

/** Sign-out: the session can no longer be used, whoever holds a copy of the cookie. */
export async function revokeSession(deps: Pick<SessionDeps, 'db' | 'clock'>, id: string, session: ConsoleSession): Promise<void> {
  const db = requireDb(deps.db);
  const now = deps.clock.now();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('console_session').set({ revoked_at: now }).where('id_sha256', '=', await sha256Hex(id)).where('revoked_at', 'is', null).execute();
    await recordAction(trx as unknown as Db, { subject: session.subject, roles: session.roles, reason: 'console sign-out' }, 'console.sign-out', null, now);
  });
  // Expired sessions are of no use to anyone: cleared on the way (a few rows a day).
  await db.deleteFrom('console_session').where('expires_at', '<', new Date(now.getTime() - 86_400_000)).execute();
}
