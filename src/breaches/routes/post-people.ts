import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { addPopulation, personInput } from '../population.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, writeRoles } from './common.js';

const body = z.object({
  people: z.array(personInput).min(1).max(50_000),
  source: z.string().default('manual').openapi({ description: "'manual' or 'snapshot:<id>'" }),
});
const counts = z.object({ received: z.number(), added: z.number(), alreadyThere: z.number() });

const route = defineRoute({
  method: 'post',
  path: '/breaches/{id}/people',
  tags: ['breaches'],
  summary: 'Add people to the breach’s population (all or none; a person already there is not counted twice)',
  access: { roles: writeRoles },
  request: { params: idParams, body: jsonBody(body) },
  responses: { 201: jsonResponse('How many were added', counts) },
});

export function registerPostPeople(app: App): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    const result = await inBody(addPopulation(c.var.deps, c.req.valid('param').id, input.people, input.source, actorOf(c)));
    return c.json(result, 201);
  });
}
