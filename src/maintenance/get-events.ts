import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { UnavailableError, ValidationError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { dateTimeInput, eventSchema, readRoles, viewEvent } from './api-views.js';
import { listMaintenanceEvents } from './store.js';

const route = defineRoute({
  method: 'get',
  path: '/maintenance/events',
  tags: ['maintenance'],
  summary: 'The history of every maintenance toggle (who, when, why, scope, planned end), oldest first',
  access: { roles: readRoles },
  request: {
    query: z.object({
      from: dateTimeInput.optional(),
      to: dateTimeInput.optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: { description: 'Events', content: { 'application/json': { schema: z.object({ events: z.array(eventSchema) }) } } },
  },
});

export function registerGetEvents(app: App): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { deps } = c.var;
    if (!deps.db) throw new UnavailableError('No database is configured', 5);
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && to <= from) throw new ValidationError([{ path: 'query.to', message: 'must be after from' }]);
    const rows = await listMaintenanceEvents(deps.db, { from, to, limit: query.limit });
    return c.json({ events: rows.map((row) => viewEvent(row, deps.config.timeZone)) }, 200, { 'Cache-Control': 'no-store' });
  });
}
