import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse } from '../../breaches/routes/common.js';
import { startRun, startRunBody } from '../runs.js';
import { startRoles } from './common.js';

const route = defineRoute({
  method: 'post',
  path: '/breaches/{id}/playbooks',
  tags: ['playbooks'],
  summary: 'Start a playbook on a breach: its tasks appear with their due times (exercise: a drill, nothing leaves)',
  access: { roles: startRoles },
  request: { params: idParams, body: jsonBody(startRunBody) },
  responses: { 201: jsonResponse('The run', z.object({ runId: z.string(), tasks: z.number() })) },
});

export function registerPostRun(app: App): void {
  app.openapi(route, async (c) => {
    const result = await inBody(startRun(c.var.deps, c.req.valid('param').id, c.req.valid('json'), actorOf(c)));
    return c.json(result, 201);
  });
}
