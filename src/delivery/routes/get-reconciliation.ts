import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { reconcile } from '../reconciliation.js';
import { idParam, readingRoles, reconciliationSchema, reconciliationView } from '../views.js';
import { deliveryContext } from '../wiring.js';

const route = defineRoute({
  method: 'get',
  path: '/delivery/campaigns/{id}/reconciliation',
  tags: ['delivery'],
  summary: 'Accepted vs delivered vs failed vs unknown, by carrier, segment and provider, with the alerts raised',
  access: { roles: readingRoles },
  request: {
    params: idParam,
    query: z.object({
      silentAfterMinutes: z.coerce.number().int().min(1).max(1440).optional().openapi({ description: 'What counts as silent: accepted this many minutes ago with no receipt (default VIGIE_DELIVERY_SILENT_AFTER_SECONDS)' }),
    }),
  },
  responses: {
    200: { description: 'Reconciliation report', content: { 'application/json': { schema: reconciliationSchema } } },
    404: { description: 'No such campaign' },
  },
});

export function registerGetReconciliation(app: App): void {
  app.openapi(route, async (c) => {
    const minutes = c.req.valid('query').silentAfterMinutes;
    const report = await reconcile(deliveryContext(c.var.deps), c.req.valid('param').id, minutes === undefined ? undefined : minutes * 60_000);
    return c.json(reconciliationView(report, c.var.deps.config.timeZone), 200);
  });
}
