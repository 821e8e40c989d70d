import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { defineRoute } from '../http/route.js';
import { viewEvents, windowSchema, writeRoles } from './api-views.js';
import { endMaintenance } from './service.js';
import { findWindowEvents } from './store.js';

const route = defineRoute({
  method: 'post',
  path: '/maintenance/windows/{id}/end',
  tags: ['maintenance'],
  summary: 'End a maintenance window (in force or planned)',
  access: { roles: writeRoles },
  request: {
    params: z.object({ id: z.string().uuid({ message: 'must be a window id (UUID)' }) }),
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ reason: z.string({ message: 'is required' }).trim().min(1, 'is required').max(1000) }) } },
    },
  },
  responses: {
    200: { description: 'The ended window', content: { 'application/json': { schema: z.object({ window: windowSchema }) } } },
    404: { description: 'No such window' },
    409: { description: 'Already ended' },
  },
});

export function registerPostWindowEnd(app: App): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const { deps, staff, requestId } = c.var;
    await endMaintenance(deps, { windowId: id, reason }, { subject: staff!.subject, roles: staff!.roles, requestId });
    await deps.maintenance?.refresh();
    const events = await findWindowEvents(deps.db!, id);
    const started = events.find((e) => e.kind === 'started')!;
    const window = viewEvents(started, events.find((e) => e.kind === 'ended'), deps.clock.now(), deps.config.timeZone);
    return c.json({ window }, 200, { 'Cache-Control': 'no-store' });
  });
}
