import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { bounceSchema, ingestBounces, ingestReceipts, receiptSchema } from '../receipts.js';
import { deliveryContext } from '../wiring.js';
import { createReplayGuard } from '../signature.js';
import { readSignedBody } from './signed-body.js';

const providerParam = z.object({ provider: z.string().regex(/^[a-z0-9-]{1,40}$/).openapi({ param: { name: 'provider', in: 'path' } }) });

const resultSchema = z.object({
  received: z.number().int(),
  changed: z.number().int(),
  ignored: z.number().int(),
  held: z.number().int().openapi({ description: 'Reports naming a provider message id not recorded yet: kept, applied when the hand-off lands' }),
});

/** A provider's webhook: no staff token, the signature over the raw body (Vigie-Signature: t=…,v1=…) authenticates. */
const webhook = (path: string, summary: string, applied: string) =>
  defineRoute({
    method: 'post',
    path,
    tags: ['delivery'],
    summary,
    access: 'public',
    request: { params: providerParam },
    responses: {
      200: { description: applied, content: { 'application/json': { schema: resultSchema } } },
      401: { description: 'Missing or bad signature: nothing was applied' },
    },
  });

const receipts = webhook('/delivery/receipts/{provider}', 'Delivery receipts from a provider, signed with HMAC-SHA256', 'Receipts applied, or kept until their hand-off is recorded (held)');
const bounces = webhook('/delivery/bounces/{provider}', 'Bounces (e-mail non-delivery reports, returned letters), signed like receipts: the person is to inform again', 'Hard bounces applied (soft ones ignored)');

export function registerPostProviderReports(app: App): void {
  // One per app (a process serves one): a signed request is accepted once. Not per module, so that two apps in
  // one process (tests, both engines) do not refuse each other's receipts.
  const replays = createReplayGuard();
  app.openapi(receipts, async (c) => {
    const ctx = deliveryContext(c.var.deps);
    const body = await readSignedBody(c, ctx, replays, z.object({ receipts: z.array(receiptSchema).min(1).max(10_000) }), 'Receipts');
    return c.json(await ingestReceipts(ctx, c.req.valid('param').provider, body.receipts), 200);
  });
  app.openapi(bounces, async (c) => {
    const ctx = deliveryContext(c.var.deps);
    const body = await readSignedBody(c, ctx, replays, z.object({ bounces: z.array(bounceSchema).min(1).max(10_000) }), 'Bounces');
    return c.json(await ingestBounces(ctx, c.req.valid('param').provider, body.bounces), 200);
  });
}
