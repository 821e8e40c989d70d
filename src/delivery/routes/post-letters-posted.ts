import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { recordLettersPosted } from '../evidence.js';
import { actorOf, idParam, reasonField, sendingRoles } from '../views.js';
import { deliveryContext } from '../wiring.js';

const postedBody = z.object({ reason: reasonField, postedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset or Z' }).optional() });

const route = defineRoute({
  method: 'post',
  path: '/delivery/campaigns/{id}/letters/posted',
  tags: ['delivery'],
  summary: "Record that the print house posted the exported letters: the letter channel's evidence of informing",
  access: { roles: sendingRoles },
  request: { params: idParam, body: { content: { 'application/json': { schema: postedBody } } } },
  responses: {
    200: { description: 'How many letters were recorded posted', content: { 'application/json': { schema: z.object({ posted: z.number().int() }) } } },
    404: { description: 'No such campaign' },
    409: { description: 'No exported letter waits to be posted' },
  },
});

export function registerPostLettersPosted(app: App): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const result = await recordLettersPosted(deliveryContext(c.var.deps), actorOf(c.var.staff!, c.var.requestId), c.req.valid('param').id, body.reason, body.postedAt ? new Date(body.postedAt) : undefined);
    return c.json(result, 200);
  });
}
