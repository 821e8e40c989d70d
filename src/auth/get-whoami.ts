import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { defineRoute } from '../http/route.js';
import { roleNames } from './staff-principal.js';

const route = defineRoute({
  method: 'get',
  path: '/whoami',
  tags: ['auth'],
  summary: 'The staff member the token belongs to, and their roles',
  access: { roles: roleNames },
  responses: {
    200: {
      description: 'The verified principal',
      content: {
        'application/json': { schema: z.object({ subject: z.string(), roles: z.array(z.enum(roleNames)) }) },
      },
    },
  },
});

export function registerGetWhoami(app: App): void {
  app.openapi(route, (c) => {
    const staff = c.var.staff!;
    return c.json({ subject: staff.subject, roles: staff.roles }, 200);
  });
}
