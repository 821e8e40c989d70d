import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { changeStatus, statusBody } from '../decide.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, writeRoles } from './common.js';

const route = defineRoute({
  method: 'post',
  path: '/breaches/{id}/status',
  tags: ['breaches'],
  summary: 'Move the breach on (open → assessed → notified → closed, reopened); 400 lists what is missing',
  access: { roles: writeRoles },
  request: { params: idParams, body: jsonBody(statusBody) },
  responses: { 200: jsonResponse('The new status', z.object({ id: z.string(), status: z.string(), version: z.number() })) },
});

export function registerPostStatus(app: App): void {
  app.openapi(route, async (c) => {
    const result = await inBody(changeStatus(c.var.deps, c.req.valid('param').id, c.req.valid('json'), actorOf(c)));
    return c.json(result, 200);
  });
}
