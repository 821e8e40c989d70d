import type { MiddlewareHandler } from 'hono';
import type { ConsoleEnv } from './page.js';
import { randomToken } from './session/tokens.js';

/**
 * Every console response: a Content-Security-Policy with a fresh nonce and no 'unsafe-inline' (scripts and
 * styles come from Vigie's own assets; a script that needs to be inline carries the nonce), no framing
 * (clickjacking), a Referer only towards Vigie itself (a login link's token never leaves in one; forms keep
 * their Origin header, which the CSRF check reads), and pages never cached (they show
 * personal data). Assets set their own caching.
 */
export function consoleSecurityHeaders(): MiddlewareHandler<ConsoleEnv> {
  return async function consoleSecurityHeaders(c, next) {
    const nonce = randomToken(16);
    c.set('nonce', nonce);
    await next();
    const headers = c.res.headers;
    headers.set(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        `style-src 'self' 'nonce-${nonce}'`,
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    headers.set('X-Frame-Options', 'DENY');
    headers.set('X-Content-Type-Options', 'nosniff');
    headers.set('Referrer-Policy', 'same-origin');
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  };
}
