import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { UnavailableError, ValidationError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { dateTimeInput, readRoles, viewRecord, windowSchema } from './api-views.js';
import { listMaintenanceWindows } from './list-windows.js';

const route = defineRoute({
  method: 'get',
  path: '/maintenance/windows',
  tags: ['maintenance'],
  summary: 'Maintenance windows in force at some point of [from, to) — planned ones included',
  access: { roles: readRoles },
  request: {
    query: z.object({
      from: dateTimeInput.optional().openapi({ description: 'Default: the beginning' }),
      to: dateTimeInput.optional().openapi({ description: 'Default: no limit (planned windows included)' }),
    }),
  },
  responses: {
    200: { description: 'Windows, oldest first', content: { 'application/json': { schema: z.object({ windows: z.array(windowSchema) }) } } },
  },
});

export function registerGetWindows(app: App): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { deps } = c.var;
    if (!deps.db) throw new UnavailableError('No database is configured', 5);
    const from = new Date(query.from ?? 0);
    const to = query.to ? new Date(query.to) : new Date('9999-12-31T00:00:00Z');
    if (to <= from) throw new ValidationError([{ path: 'query.to', message: 'must be after from' }]);
    const now = deps.clock.now();
    const windows = await listMaintenanceWindows(deps.db, { from, to, now });
    return c.json({ windows: windows.map((w) => viewRecord(w, now, deps.config.timeZone)) }, 200, { 'Cache-Control': 'no-store' });
  });
}
