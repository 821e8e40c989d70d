import { z } from '@hono/zod-openapi';
import { roleNames } from '../../auth/staff-principal.js';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { mintLoginLink } from '../session/login-links.js';

const route = defineRoute({
  method: 'post',
  path: '/auth/login-links',
  tags: ['auth'],
  summary: 'A one-time console login link (development: valid 5 minutes, usable once)',
  description:
    'What `vigie login-link` asks a running Vigie for (the embedded database is open in the server only). ' +
    'The link is returned once; only its SHA-256 is stored.',
  access: { roles: ['admin'] },
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ subject: z.string().openapi({ example: 'alice' }), roles: z.array(z.enum(roleNames)).min(1).openapi({ example: ['dpo'] }) }),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'The link',
      content: { 'application/json': { schema: z.object({ url: z.string(), subject: z.string(), roles: z.array(z.string()), expiresAt: z.string() }) } },
    },
  },
});

export function registerPostLoginLink(app: App): void {
  app.openapi(route, async (c) => {
    const { deps, staff } = c.var;
    const body = c.req.valid('json');
    const link = await mintLoginLink(deps, { subject: body.subject, roles: body.roles }, { subject: staff!.subject, roles: staff!.roles });
    const origin = deps.config.console.publicUrl?.replace(/\/$/, '') ?? new URL(c.req.url).origin;
    return c.json({ url: `${origin}${link.path}`, subject: link.subject, roles: link.roles, expiresAt: link.expiresAt.toISOString() }, 201, { 'Cache-Control': 'no-store' });
  });
}
