import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { requireDb } from '../breach-store.js';
import { populationCsv } from '../population-export.js';
import { idParams, readRoles } from './common.js';

const route = defineRoute({
  method: 'get',
  path: '/breaches/{id}/people/export',
  tags: ['breaches'],
  summary: 'The whole population as CSV: person, status, due, notes (the import’s columns), then exposed, first, last, source',
  access: { roles: [...readRoles, 'comms'] },
  request: { params: idParams },
  responses: { 200: { description: 'The population', content: { 'text/csv': { schema: z.string() } } } },
});

/** The file name of a breach's population export (the console's download uses the same). */
export const populationFileName = (id: string) => `breach-${id}-population.csv`;

export function registerGetPeopleExport(app: App): void {
  app.openapi(route, async (c) => {
    const { deps } = c.var;
    const id = c.req.valid('param').id;
    const csv = await populationCsv(requireDb(deps), id, deps.config.timeZone);
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${populationFileName(id)}"`, 'Cache-Control': 'no-store' });
  });
}
