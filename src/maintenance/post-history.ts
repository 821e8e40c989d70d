import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { defineRoute } from '../http/route.js';
import { dateTimeInput, viewEvents, windowSchema, writeRoles } from './api-views.js';
import { recordPastMaintenance } from './record-past.js';

const body = z.object({
  reason: z.string({ message: 'is required' }).trim().min(1, 'is required').max(1000).openapi({ example: 'Site en maintenance pendant la correction du cache' }),
  scope: z.string().optional().openapi({ description: '"site" (default) or a path prefix: /declarations or /declarations/*' }),
  readOnly: z.boolean().optional(),
  startedAt: dateTimeInput.openapi({ description: 'When it took effect', example: '2020-03-31T11:45:00+02:00' }),
  endedAt: dateTimeInput.openapi({ description: 'When it stopped; in the past', example: '2020-03-31T15:15:00+02:00' }),
});

const route = defineRoute({
  method: 'post',
  path: '/maintenance/history',
  tags: ['maintenance'],
  summary: 'Record a maintenance window that already happened, for the history and the breach timelines',
  description: 'Marked as recorded after the fact (who, when); never applied to traffic. A window still to come is opened with POST /maintenance/windows.',
  access: { roles: writeRoles },
  request: { body: { required: true, content: { 'application/json': { schema: body } } } },
  responses: {
    201: { description: 'The window as recorded', content: { 'application/json': { schema: z.object({ window: windowSchema }) } } },
  },
});

export function registerPostHistory(app: App): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    const { deps, staff, requestId } = c.var;
    const started = await recordPastMaintenance(
      deps,
      { reason: input.reason, scope: input.scope, readOnly: input.readOnly, startedAt: new Date(input.startedAt), endedAt: new Date(input.endedAt) },
      { subject: staff!.subject, roles: staff!.roles, requestId },
    );
    return c.json({ window: viewEvents(started, undefined, deps.clock.now(), deps.config.timeZone) }, 201, { 'Cache-Control': 'no-store' });
  });
}
