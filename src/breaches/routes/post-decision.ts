import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { decideBody, decideBreach } from '../decide.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, writeRoles } from './common.js';

const route = defineRoute({
  method: 'post',
  path: '/breaches/{id}/decisions',
  tags: ['breaches'],
  summary: 'Record the decision on notifying the CNIL and informing people (not notifying, or departing from the recommendation, needs a justification)',
  access: { roles: writeRoles },
  request: { params: idParams, body: jsonBody(decideBody) },
  responses: {
    201: jsonResponse(
      'The decision, and where it departs from the latest recommendation',
      z.object({ id: z.string(), departures: z.array(z.object({ field: z.enum(['authority', 'people']), advised: z.string(), decided: z.string() })) }),
    ),
  },
});

export function registerPostDecision(app: App): void {
  app.openapi(route, async (c) => {
    const result = await inBody(decideBreach(c.var.deps, c.req.valid('param').id, c.req.valid('json'), actorOf(c)));
    return c.json(result, 201);
  });
}
