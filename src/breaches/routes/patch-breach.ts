import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { editBreachBody } from '../breach-facts.js';
import { editBreach } from '../edit-breach.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, writeRoles } from './common.js';

const route = defineRoute({
  method: 'patch',
  path: '/breaches/{id}',
  tags: ['breaches'],
  summary: 'Change facts of a breach, saying why (kept as a revision; 409 if expectedVersion is stale)',
  access: { roles: writeRoles },
  request: { params: idParams, body: jsonBody(editBreachBody) },
  responses: { 200: jsonResponse('The new version', z.object({ id: z.string(), version: z.number(), changes: z.number() })) },
});

export function registerPatchBreach(app: App): void {
  app.openapi(route, async (c) => {
    const result = await inBody(editBreach(c.var.deps, c.req.valid('param').id, c.req.valid('json'), actorOf(c)));
    return c.json(result, 200);
  });
}
