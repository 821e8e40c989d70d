import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { ValidationError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { importPopulationCsv } from '../population-csv.js';
import { actorOf, idParams, inBody, jsonResponse, writeRoles } from './common.js';

const maxBytes = 20 * 1024 * 1024;

const route = defineRoute({
  method: 'post',
  path: '/breaches/{id}/people/import',
  tags: ['breaches'],
  summary: 'Import the population from CSV (person[,status,due,notes]); all or nothing, errors name their line',
  access: { roles: writeRoles },
  request: { params: idParams, body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
  responses: { 201: jsonResponse('How many were added', z.object({ received: z.number(), added: z.number(), alreadyThere: z.number() })) },
});

export function registerPostPeopleCsv(app: App): void {
  app.openapi(route, async (c) => {
    const text = await c.req.text();
    if (text.length > maxBytes) throw new ValidationError([{ path: 'body', message: `must be at most ${maxBytes} bytes` }]);
    const result = await inBody(importPopulationCsv(c.var.deps, c.req.valid('param').id, text, actorOf(c)));
    return c.json(result, 201);
  });
}
