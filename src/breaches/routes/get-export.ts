import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { requireDb } from '../breach-store.js';
import { registerCsv } from '../exports.js';
import { listBreaches } from '../get-breach.js';
import { readRoles, shown } from './common.js';

const route = defineRoute({
  method: 'get',
  path: '/breaches/export',
  tags: ['breaches'],
  summary: 'Export the register as CSV or JSON (for the CNIL or an auditor)',
  access: { roles: readRoles },
  request: { query: z.object({ format: z.enum(['csv', 'json']).default('json') }) },
  responses: { 200: { description: 'The register', content: { 'text/csv': { schema: z.string() }, 'application/json': { schema: z.record(z.string(), z.unknown()) } } } },
});

export function registerGetExport(app: App): void {
  app.openapi(route, async (c) => {
    const { deps } = c.var;
    const lines = await listBreaches(requireDb(deps), { config: deps.config, now: deps.clock.now() });
    const disposition = (ext: string) => ({ 'Content-Disposition': `attachment; filename="breach-register.${ext}"`, 'Cache-Control': 'no-store' });
    if (c.req.valid('query').format === 'csv') {
      return c.body(registerCsv(lines, deps.config.timeZone), 200, { 'Content-Type': 'text/csv; charset=utf-8', ...disposition('csv') });
    }
    return c.json(shown(c, { exportedAt: deps.clock.now(), timeZone: deps.config.timeZone, breaches: lines }), 200, disposition('json'));
  });
}
