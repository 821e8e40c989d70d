import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { UnauthorizedError, UnavailableError, ValidationError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { ingestReceipts, receiptSchema } from '../receipts.js';
import { signatureHeader, verifySignature } from '../signature.js';
import { deliveryContext } from '../wiring.js';

const batchSchema = z.object({ receipts: z.array(receiptSchema).min(1).max(10_000) });

const route = defineRoute({
  method: 'post',
  path: '/delivery/receipts/{provider}',
  tags: ['delivery'],
  summary: 'Delivery receipts from a provider, signed with HMAC-SHA256 (Vigie-Signature: t=…,v1=…)',
  // Providers hold no staff token: the signature over the raw body is the authentication.
  access: 'public',
  request: { params: z.object({ provider: z.string().regex(/^[a-z0-9-]{1,40}$/).openapi({ param: { name: 'provider', in: 'path' } }) }) },
  responses: {
    200: {
      description: 'Receipts applied',
      content: { 'application/json': { schema: z.object({ received: z.number().int(), changed: z.number().int(), ignored: z.number().int() }) } },
    },
    401: { description: 'Missing or bad signature: nothing was applied' },
  },
});

export function registerPostReceipts(app: App): void {
  app.openapi(route, async (c) => {
    const ctx = deliveryContext(c.var.deps);
    const secret = ctx.settings.receiptSecret;
    if (!secret) throw new UnavailableError('Receipts are not accepted: VIGIE_DELIVERY_RECEIPT_SECRET is not set');
    const raw = await c.req.text();
    // Verified on the exact bytes received, before parsing anything.
    if (!(await verifySignature(secret, raw, c.req.header(signatureHeader), ctx.clock.now()))) {
      throw new UnauthorizedError('The receipt signature is missing, stale or wrong');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ValidationError([{ path: 'body', message: 'is not JSON' }]);
    }
    const parsed = batchSchema.safeParse(json);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((issue) => ({ path: ['body', ...issue.path.map(String)].join('.'), message: issue.message })));
    }
    return c.json(await ingestReceipts(ctx, c.req.valid('param').provider, parsed.data.receipts), 200);
  });
}
