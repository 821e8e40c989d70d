import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { campaignProgress } from '../control.js';
import { idParam, progressSchema, progressView, readingRoles } from '../views.js';
import { deliveryContext } from '../wiring.js';

const route = defineRoute({
  method: 'get',
  path: '/delivery/campaigns/{id}',
  tags: ['delivery'],
  summary: 'A campaign and its progress: messages per state',
  access: { roles: readingRoles },
  request: { params: idParam },
  responses: {
    200: { description: 'Progress', content: { 'application/json': { schema: progressSchema } } },
    404: { description: 'No such campaign' },
  },
});

export function registerGetCampaign(app: App): void {
  app.openapi(route, async (c) => {
    const progress = await campaignProgress(deliveryContext(c.var.deps), c.req.valid('param').id);
    return c.json(progressView(progress, c.var.deps.config.timeZone), 200);
  });
}
