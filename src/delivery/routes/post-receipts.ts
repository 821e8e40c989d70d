import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { ingestReceipts, receiptSchema } from '../receipts.js';
import { deliveryContext } from '../wiring.js';
import { providerParam, readSignedBody, reportResultSchema } from './signed-body.js';

const batchSchema = z.object({ receipts: z.array(receiptSchema).min(1).max(10_000) });

const route = defineRoute({
  method: 'post',
  path: '/delivery/receipts/{provider}',
  tags: ['delivery'],
  summary: 'Delivery receipts from a provider, signed with HMAC-SHA256 (Vigie-Signature: t=…,v1=…)',
  // Providers hold no staff token: the signature over the raw body is the authentication.
  access: 'public',
  request: { params: providerParam },
  responses: {
    200: { description: 'Receipts applied, or kept until their hand-off is recorded (held)', content: { 'application/json': { schema: reportResultSchema } } },
    401: { description: 'Missing or bad signature: nothing was applied' },
  },
});

export function registerPostReceipts(app: App): void {
  app.openapi(route, async (c) => {
    const ctx = deliveryContext(c.var.deps);
    const body = await readSignedBody(c, ctx, batchSchema, 'Receipts');
    return c.json(await ingestReceipts(ctx, c.req.valid('param').provider, body.receipts), 200);
  });
}
