import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { NotFoundError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { bypassCookieHeader, readBypassCookie, signBypassCookie, verifyBypassCookie } from './bypass-cookie.js';
import { sha256Hex } from './service.js';

const route = defineRoute({
  method: 'get',
  path: '/maintenance/bypass/{secret}',
  tags: ['maintenance'],
  summary: 'Secret bypass link: sets a signed, HttpOnly, time-limited cookie and goes to the site',
  description:
    "For testers checking the site before it reopens. Valid while its window is in force or planned; the cookie lets its holder past that window (and those of links opened earlier that are still in force), not past other windows.",
  access: 'public',
  request: { params: z.object({ secret: z.string().min(16).max(128) }) },
  responses: {
    303: { description: 'Cookie set; redirect to /' },
    404: { description: 'Unknown or expired link' },
  },
});

export function registerGetBypass(app: App): void {
  app.openapi(route, async (c) => {
    const { deps } = c.var;
    const { secret } = c.req.valid('param');
    const key = deps.config.maintenance.bypassKey;
    const now = deps.clock.now().getTime();
    const hash = await sha256Hex(secret);
    const window = deps.maintenance?.state.windows.find(
      (w) => w.bypassSecretSha256 === hash && (w.plannedEnd === null || w.plannedEnd > now),
    );
    // One answer for "no key", "unknown" and "ended": nothing to learn by probing.
    if (!key || !window) throw new NotFoundError('This bypass link is unknown or no longer valid');
    const ttl = deps.config.maintenance.bypassTtlSeconds;
    // A tester given several links keeps the windows of the earlier ones that are still in force.
    const held = readBypassCookie(c.req.header('cookie'));
    const earlier = held ? ((await verifyBypassCookie(key, held, now, ttl)) ?? []) : [];
    const inForce = new Set(deps.maintenance?.state.windows.map((w) => w.id));
    const value = await signBypassCookie(key, [...earlier.filter((id) => inForce.has(id) && id !== window.id), window.id], Math.floor(now / 1000) + ttl);
    const secure = new URL(c.req.url).protocol === 'https:';
    return c.body(null, 303, {
      Location: '/',
      'Set-Cookie': bypassCookieHeader(value, ttl, secure),
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
  });
}
