import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { campaignActions, changeCampaign } from '../control.js';
import { actorOf, campaignSchema, campaignView, reasonField, sendingRoles } from '../views.js';
import { deliveryContext } from '../wiring.js';

const route = defineRoute({
  method: 'post',
  path: '/delivery/campaigns/{id}/{action}',
  tags: ['delivery'],
  summary: 'Start, pause, resume or cancel a campaign (who, when and why are recorded)',
  access: { roles: sendingRoles },
  request: {
    params: z.object({
      id: z.string().uuid('must be a campaign id').openapi({ param: { name: 'id', in: 'path' } }),
      action: z.enum(campaignActions).openapi({ param: { name: 'action', in: 'path' } }),
    }),
    body: { content: { 'application/json': { schema: z.object({ reason: reasonField }) } } },
  },
  responses: {
    200: { description: 'The campaign after the change', content: { 'application/json': { schema: campaignSchema } } },
    404: { description: 'No such campaign' },
    409: { description: 'Not allowed from the current status' },
  },
});

export function registerPostCampaignAction(app: App): void {
  app.openapi(route, async (c) => {
    const { id, action } = c.req.valid('param');
    const campaign = await changeCampaign(deliveryContext(c.var.deps), actorOf(c.var.staff!, c.var.requestId), id, action, c.req.valid('json').reason);
    return c.json(campaignView(campaign, c.var.deps.config.timeZone), 200);
  });
}
