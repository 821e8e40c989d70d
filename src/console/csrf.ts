import type { Context } from 'hono';
import { DomainError } from '../http/errors.js';
import type { ConsoleSession } from './session/sessions.js';
import { sameSecret } from './session/tokens.js';

/** A form that does not carry this session's token, or comes from another site. */
export class CsrfError extends DomainError {
  readonly status = 403;
  readonly slug = 'csrf';
  readonly title = 'Forbidden';
}

/** The form's fields as strings (files and repeated fields: the last text value). */
export async function readForm(c: Context): Promise<Record<string, string>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return {};
  const body = await c.req.parseBody({ all: false });
  const form: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form[key] = value;
  return form;
}

/**
 * Every console POST carries the session's CSRF token in `_csrf`, and, when the browser says where it comes
 * from (Origin), comes from this origin. SameSite=Lax cookies already stop most cross-site posts; this stops
 * the rest (a sibling subdomain, an old browser).
 */
export async function requireCsrf(c: Context, session: ConsoleSession, form?: Record<string, string>): Promise<Record<string, string>> {
  const origin = c.req.header('origin');
  const publicUrl = (c.var as { deps?: { config: { console: { publicUrl?: string | undefined } } } }).deps?.config.console.publicUrl;
  const own = new URL(publicUrl ?? c.req.url).origin;
  if (origin && origin !== 'null' && origin !== own) throw new CsrfError('The form comes from another site');
  const fields = form ?? (await readForm(c));
  const token = fields._csrf;
  if (!token || !sameSecret(token, session.csrfToken)) throw new CsrfError('The form does not carry this session’s token');
  return fields;
}
