import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { defineRoute } from '../http/route.js';
import { writeRoles } from './api-views.js';
import { endAllMaintenance } from './service.js';

const route = defineRoute({
  method: 'post',
  path: '/maintenance/end',
  tags: ['maintenance'],
  summary: 'End every maintenance window in force or planned (optionally only one scope)',
  access: { roles: writeRoles },
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            reason: z.string({ message: 'is required' }).trim().min(1, 'is required').max(1000),
            scope: z.string().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The ids of the windows ended',
      content: { 'application/json': { schema: z.object({ ended: z.array(z.string().uuid()) }) } },
    },
  },
});

export function registerPostEndAll(app: App): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    const { deps, staff, requestId } = c.var;
    const ended = await endAllMaintenance(deps, input, { subject: staff!.subject, roles: staff!.roles, requestId });
    await deps.maintenance?.refresh();
    return c.json({ ended: ended.map((event) => event.window_id) }, 200, { 'Cache-Control': 'no-store' });
  });
}
