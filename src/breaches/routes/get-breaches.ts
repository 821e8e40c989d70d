import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { requireDb } from '../breach-store.js';
import { listBreaches } from '../get-breach.js';
import { jsonResponse, readRoles, reducedRoles, seesFullRecord, shown } from './common.js';

const route = defineRoute({
  method: 'get',
  path: '/breaches',
  tags: ['breaches'],
  summary: 'The register: every breach, notified or not, with its GDPR clock and overdue clocks',
  access: { roles: [...readRoles, ...reducedRoles] },
  responses: { 200: jsonResponse('The register, newest first') },
});

export function registerGetBreaches(app: App): void {
  app.openapi(route, async (c) => {
    const { deps } = c.var;
    const lines = await listBreaches(requireDb(deps), { config: deps.config, now: deps.clock.now() });
    const full = seesFullRecord(c);
    const view = lines.map((line) => (full ? line : { id: line.id, title: line.title, status: line.status, awareAt: line.awareAt, population: line.population }));
    return c.json(shown(c, { breaches: view }), 200);
  });
}
