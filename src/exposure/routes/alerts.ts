import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { getAlert, listAlerts } from '../alerts.js';
import { attachAlertToBreach } from '../attach.js';
import { reasonField, requireDb } from './schemas.js';

const alertSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    firstAt: z.string(),
    lastAt: z.string(),
    storedAt: z.string(),
    accesses: z.number().int(),
    peopleExposed: z.number().int(),
    receivers: z.number().int(),
    breaker: z.object({ at: z.string(), scope: z.string() }).nullable(),
  })
  .openapi('ExposureAlert');

const list = defineRoute({
  method: 'get',
  path: '/exposure/alerts',
  tags: ['exposure'],
  summary: 'Live-detection alerts (one per burst of illegitimate accesses), newest first; counts only',
  access: { roles: ['sre', 'dpo', 'auditor'] },
  responses: {
    200: { description: 'Alerts', content: { 'application/json': { schema: z.object({ alerts: z.array(alertSchema) }) } } },
  },
});

const get = defineRoute({
  method: 'get',
  path: '/exposure/alerts/{id}',
  tags: ['exposure'],
  summary: 'One alert with its accesses (who saw whose data): DPO and auditors only',
  access: { roles: ['dpo', 'auditor'] },
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: {
      description: 'The alert',
      content: {
        'application/json': {
          schema: alertSchema.extend({
            accessList: z.array(z.object({ at: z.string(), requestId: z.string(), receiver: z.string(), subject: z.string(), reason: z.string(), route: z.string(), categories: z.array(z.string()) })),
          }),
        },
      },
    },
    404: { description: 'No alert has this id' },
  },
});

const attach = defineRoute({
  method: 'post',
  path: '/exposure/alerts/{id}/attach',
  tags: ['exposure'],
  summary: "Put an alert on a breach's timeline",
  access: { roles: ['dpo'] },
  request: {
    params: z.object({ id: z.string() }),
    body: { required: true, content: { 'application/json': { schema: z.object({ breachId: z.union([z.string().min(1), z.number().int().positive()]).transform(String), reason: reasonField }) } } },
  },
  responses: {
    200: { description: 'Attached', content: { 'application/json': { schema: z.object({ breachId: z.string(), alertId: z.string() }) } } },
    404: { description: 'No alert or breach with this id' },
  },
});

export function registerAlerts(app: App): void {
  app.openapi(attach, async (c) => {
    const deps = c.var.deps;
    requireDb(deps);
    const body = c.req.valid('json');
    const staff = c.var.staff!;
    const result = await attachAlertToBreach(deps, c.req.valid('param').id, body.breachId, { subject: staff.subject, roles: staff.roles, reason: body.reason, requestId: c.var.requestId });
    return c.json(result, 200);
  });
  app.openapi(list, async (c) => {
    const deps = c.var.deps;
    return c.json({ alerts: await listAlerts(requireDb(deps), deps.config.timeZone) }, 200);
  });
  app.openapi(get, async (c) => {
    const deps = c.var.deps;
    return c.json(await getAlert(requireDb(deps), c.req.valid('param').id, deps.config.timeZone), 200);
  });
}
