import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { idParams, jsonResponse, shown } from '../../breaches/routes/common.js';
import { breachRuns } from '../tasks.js';
import { readRoles } from './common.js';

const route = defineRoute({
  method: 'get',
  path: '/breaches/{id}/playbooks',
  tags: ['playbooks'],
  summary: 'The playbooks running on a breach and their tasks: owner, due time, state (open, overdue, done, withdrawn), action links',
  description: 'Conditions are read again against the breach as it is now, so tasks whose conditions became true appear. Dates in the configured zone with their offset.',
  access: { roles: readRoles },
  request: { params: idParams },
  responses: { 200: jsonResponse('Runs and tasks') },
});

export function registerGetBreachPlaybooks(app: App): void {
  app.openapi(route, async (c) => {
    const runs = await breachRuns(c.var.deps, c.req.valid('param').id);
    return c.json(shown(c, { runs }), 200);
  });
}
