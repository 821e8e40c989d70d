import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { changePerson, personChangeBody } from '../population.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, writeRoles } from './common.js';

const route = defineRoute({
  method: 'patch',
  path: '/breaches/{id}/people/{ref}',
  tags: ['breaches'],
  summary: 'Change one person’s status, due date or notes, saying why (kept in their history)',
  access: { roles: writeRoles },
  request: { params: idParams.extend({ ref: z.string().min(1).max(200) }), body: jsonBody(personChangeBody) },
  responses: { 200: jsonResponse('The change', z.object({ ref: z.string(), from: z.string(), status: z.string() })) },
});

export function registerPatchPerson(app: App): void {
  app.openapi(route, async (c) => {
    const { id, ref } = c.req.valid('param');
    const result = await inBody(changePerson(c.var.deps, id, ref, c.req.valid('json'), actorOf(c)));
    return c.json(result, 200);
  });
}
