import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { bounceSchema, ingestBounces } from '../receipts.js';
import { deliveryContext } from '../wiring.js';
import { providerParam, readSignedBody, reportResultSchema } from './signed-body.js';

const batchSchema = z.object({ bounces: z.array(bounceSchema).min(1).max(10_000) });

const route = defineRoute({
  method: 'post',
  path: '/delivery/bounces/{provider}',
  tags: ['delivery'],
  summary: 'Bounces (e-mail non-delivery reports, returned letters), signed like receipts: the person is to inform again',
  access: 'public',
  request: { params: providerParam },
  responses: {
    200: { description: 'Hard bounces applied (soft ones ignored)', content: { 'application/json': { schema: reportResultSchema } } },
    401: { description: 'Missing or bad signature: nothing was applied' },
  },
});

export function registerPostBounces(app: App): void {
  app.openapi(route, async (c) => {
    const ctx = deliveryContext(c.var.deps);
    const body = await readSignedBody(c, ctx, batchSchema, 'Bounces');
    return c.json(await ingestBounces(ctx, c.req.valid('param').provider, body.bounces), 200);
  });
}
