import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { openBreachBody } from '../breach-facts.js';
import { openBreach } from '../edit-breach.js';
import { actorOf, inBody, jsonBody, jsonResponse, writeRoles } from './common.js';

const route = defineRoute({
  method: 'post',
  path: '/breaches',
  tags: ['breaches'],
  summary: 'Open a breach in the register (only a title is required; the rest may come later)',
  access: { roles: writeRoles },
  request: { body: jsonBody(openBreachBody) },
  responses: { 201: jsonResponse('The new breach', z.object({ id: z.string(), version: z.number() })) },
});

export function registerPostBreach(app: App): void {
  app.openapi(route, async (c) => {
    const created = await inBody(openBreach(c.var.deps, c.req.valid('json'), actorOf(c)));
    return c.json(created, 201);
  });
}
