import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { addTimelineEvent, eventBody } from '../timeline.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, writeRoles } from './common.js';

const route = defineRoute({
  method: 'post',
  path: '/breaches/{id}/events',
  tags: ['breaches'],
  summary: 'Add a dated event to the timeline (discovered, contained, ended, note, alert, communication …)',
  access: { roles: writeRoles },
  request: { params: idParams, body: jsonBody(eventBody) },
  responses: { 201: jsonResponse('The event', z.object({ id: z.string() })) },
});

export function registerPostEvent(app: App): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const result = await inBody(addTimelineEvent(c.var.deps, c.req.valid('param').id, { ...body, at: new Date(body.at) }, actorOf(c)));
    return c.json(result, 201);
  });
}
