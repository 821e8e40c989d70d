import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { UnavailableError } from '../../http/errors.js';
import { findSession, type ConsoleSession } from './sessions.js';

export const sessionCookie = 'vigie_console';

import type { ConsoleContext } from '../page.js';

type AnyContext = ConsoleContext;

/** The key that signs the console's cookies: VIGIE_CONSOLE_SESSION_KEY (a development key on Node). */
export function sessionKeyOf(c: AnyContext): string {
  const key = c.var.deps.config.console.sessionKey;
  if (!key) throw new UnavailableError('VIGIE_CONSOLE_SESSION_KEY is not set: the console cannot open sessions');
  return key;
}

/** Loopback hosts are the one place a cookie may travel without TLS (development on one's own machine). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Cookie attributes of the console: HttpOnly, SameSite=Lax, Secure except on loopback, path of the console only. */
export function cookieOptions(c: AnyContext, maxAgeSeconds: number) {
  return {
    path: `${c.var.deps.config.adminPrefix}/console`,
    httpOnly: true,
    sameSite: 'Lax' as const,
    secure: !isLoopback(c.req.url),
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
  };
}

export async function setSessionCookie(c: AnyContext, id: string, session: ConsoleSession, now: Date): Promise<void> {
  await setSignedCookie(c, sessionCookie, id, sessionKeyOf(c), cookieOptions(c, (session.expiresAt.getTime() - now.getTime()) / 1000));
}

export function clearSessionCookie(c: AnyContext): void {
  deleteCookie(c, sessionCookie, { path: `${c.var.deps.config.adminPrefix}/console`, secure: !isLoopback(c.req.url) });
}

/** The session of this request: a signed cookie naming a session that is neither expired nor revoked. */
export async function readSession(c: AnyContext, deps: Parameters<typeof findSession>[0]): Promise<{ id: string; session: ConsoleSession } | undefined> {
  const key = c.var.deps.config.console.sessionKey;
  if (!key) return undefined;
  const id = await getSignedCookie(c, key, sessionCookie);
  if (!id) return undefined;
  const session = await findSession(deps, id);
  return session ? { id, session } : undefined;
}
