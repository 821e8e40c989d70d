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
  request: { params: idParam },
  responses: {
    200: { description: 'Reconciliation report', content: { 'application/json': { schema: reconciliationSchema } } },
    404: { description: 'No such campaign' },
  },
});

export function registerGetReconciliation(app: App): void {
  app.openapi(route, async (c) => {
    const report = await reconcile(deliveryContext(c.var.deps), c.req.valid('param').id);
    return c.json(reconciliationView(report, c.var.deps.config.timeZone), 200);
  });
}
