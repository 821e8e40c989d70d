import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { idParams, jsonResponse } from '../../breaches/routes/common.js';
import { runReport } from '../report.js';
import { readRoles } from './common.js';

const route = defineRoute({
  method: 'get',
  path: '/playbook-runs/{id}/report',
  tags: ['playbooks'],
  summary: 'A run’s review (a drill’s above all): time from the start to each step against its due time',
  access: { roles: readRoles },
  request: { params: idParams },
  responses: { 200: jsonResponse('The report, times in the configured zone') },
});

export function registerGetReport(app: App): void {
  app.openapi(route, async (c) => c.json((await runReport(c.var.deps, c.req.valid('param').id)) as unknown as Record<string, unknown>, 200));
}
