import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { recordAction } from '../actor.js';
import { buildExposureReport } from '../report.js';
import { parseWindow } from '../window.js';
import { reportSchema, requireDb, windowQuery } from './schemas.js';

const route = defineRoute({
  method: 'get',
  path: '/exposure/report',
  tags: ['exposure'],
  summary: 'Whose personal data was served to whom, illegitimately, in a window',
  description:
    'Every illegitimate access in [from, to): receiver not entitled to a subject (relations valid at the time of the ' +
    'access, broad-access roles), anonymous receiver, or response produced for someone else (cache mix-up). Grouped by ' +
    'exposed person and by receiver, with totals. Reading it is recorded (who, when, why).',
  access: { roles: ['dpo', 'auditor'] },
  request: { query: z.object({ ...windowQuery, reason: z.string().max(2000).optional() }) },
  responses: {
    200: { description: 'The report', content: { 'application/json': { schema: reportSchema } } },
  },
});

export function registerGetReport(app: App): void {
  app.openapi(route, async (c) => {
    const deps = c.var.deps;
    const db = requireDb(deps);
    const query = c.req.valid('query');
    const window = parseWindow(query, deps.config.timeZone, 'query');
    const now = deps.clock.now();
    const report = await buildExposureReport(db, window, { broadRoles: deps.config.exposure.broadRoles, now });
    const staff = c.var.staff!;
    await recordAction(
      db,
      { subject: staff.subject, roles: staff.roles, reason: query.reason ?? 'exposure report read', requestId: c.var.requestId },
      'exposure.report.read',
      `${window.from.toISOString()}/${window.to.toISOString()}`,
      now,
    );
    return c.json(report, 200);
  });
}
