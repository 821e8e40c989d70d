import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { createCampaign } from '../campaigns.js';
import { actorOf, campaignSchema, campaignView, reasonField, sendingRoles } from '../views.js';
import { deliveryContext } from '../wiring.js';

const route = defineRoute({
  method: 'post',
  path: '/delivery/campaigns',
  tags: ['delivery'],
  summary: 'Create a campaign: render an approved draft for every person of a breach population (or segment) and queue it',
  access: { roles: sendingRoles },
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            draftId: z.string().min(1).max(200),
            channel: z.enum(['email', 'sms', 'letter']),
            segment: z.string().min(1).max(200).nullable().optional(),
            reason: reasonField,
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: 'Created and queued (status ready: nothing leaves before start)',
      content: { 'application/json': { schema: z.object({ campaign: campaignSchema, queued: z.number().int(), withoutDestination: z.number().int() }) } },
    },
    404: { description: 'No such draft' },
    409: { description: 'The draft is not approved' },
  },
});

export function registerPostCampaign(app: App): void {
  app.openapi(route, async (c) => {
    const ctx = deliveryContext(c.var.deps);
    const created = await createCampaign(ctx, actorOf(c.var.staff!, c.var.requestId), c.req.valid('json'));
    return c.json({ ...created, campaign: campaignView(created.campaign, c.var.deps.config.timeZone) }, 201);
  });
}
