import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { exportLetters } from '../letters.js';
import { actorOf, idParam, reasonField, sendingRoles } from '../views.js';
import { deliveryContext } from '../wiring.js';

const route = defineRoute({
  method: 'post',
  path: '/delivery/campaigns/{id}/letters',
  tags: ['delivery'],
  summary: 'Export a letter campaign for the print house: one HTML print file and the mailing list (CSV)',
  access: { roles: sendingRoles },
  request: { params: idParam, body: { content: { 'application/json': { schema: z.object({ reason: reasonField }) } } } },
  responses: {
    200: {
      description: 'Print file and mailing list; the letters are now handed off (sent)',
      content: { 'application/json': { schema: z.object({ html: z.string(), csv: z.string(), count: z.number().int() }) } },
    },
    404: { description: 'No such campaign' },
  },
});

export function registerPostLetters(app: App): void {
  app.openapi(route, async (c) => {
    const result = await exportLetters(deliveryContext(c.var.deps), actorOf(c.var.staff!, c.var.requestId), c.req.valid('param').id, c.req.valid('json').reason);
    return c.json(result, 200);
  });
}
