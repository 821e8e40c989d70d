import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { resendCampaign, resendStates } from '../resend.js';
import { actorOf, campaignSchema, campaignView, idParam, reasonField, sendingRoles } from '../views.js';
import { deliveryContext } from '../wiring.js';

const route = defineRoute({
  method: 'post',
  path: '/delivery/campaigns/{id}/resend',
  tags: ['delivery'],
  summary: 'A new campaign for the failed, unknown and/or silent subset, on the same or another channel',
  access: { roles: sendingRoles },
  request: {
    params: idParam,
    body: {
      content: {
        'application/json': {
          schema: z.object({
            states: z.array(z.enum(resendStates)).min(1).openapi({ description: 'silent: accepted, no receipt for silentAfterMinutes yet (SMS)' }),
            silentAfterMinutes: z.number().int().min(1).max(1440).optional(),
            channel: z.enum(['email', 'sms', 'letter']).optional(),
            carrier: z.string().min(1).max(100).optional(),
            segment: z.string().min(1).max(200).optional(),
            reason: reasonField,
            expectedCount: z.number().int().min(1).optional().openapi({ description: 'The count the operator confirmed: refused (400) if the selection no longer has exactly this many people' }),
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'The resend campaign (status ready)',
      content: { 'application/json': { schema: z.object({ campaign: campaignSchema, queued: z.number().int(), withoutDestination: z.number().int() }) } },
    },
    404: { description: 'No such campaign' },
    409: { description: 'Nothing to resend' },
  },
});

export function registerPostResend(app: App): void {
  app.openapi(route, async (c) => {
    const created = await resendCampaign(deliveryContext(c.var.deps), actorOf(c.var.staff!, c.var.requestId), c.req.valid('param').id, c.req.valid('json'));
    return c.json({ ...created, campaign: campaignView(created.campaign, c.var.deps.config.timeZone) }, 201);
  });
}
