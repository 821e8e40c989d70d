import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { breachIdOf, loadBreach, requireDb } from '../breach-store.js';
import { countPopulation, listPeople, personStatuses } from '../population.js';
import { idParams, jsonResponse, readRoles, shown } from './common.js';

const query = z.object({
  status: z.enum(personStatuses).optional(),
  overdue: z.enum(['true', 'false']).optional().openapi({ description: 'true: only the people whose due date has passed while they are not answered, remedied or closed' }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

const route = defineRoute({
  method: 'get',
  path: '/breaches/{id}/people',
  tags: ['breaches'],
  summary: 'The population: exact counts by status, and one page of people',
  access: { roles: [...readRoles, 'comms'] },
  request: { params: idParams, query },
  responses: { 200: jsonResponse('Counts and people') },
});

export function registerGetPeople(app: App): void {
  app.openapi(route, async (c) => {
    const { deps } = c.var;
    const db = requireDb(deps);
    const id = breachIdOf(c.req.valid('param').id);
    await loadBreach(db, id);
    const { overdue, ...options } = c.req.valid('query');
    const now = deps.clock.now();
    const [counts, people] = await Promise.all([countPopulation(db, id, now), listPeople(db, id, { ...options, overdueAt: overdue === 'true' ? now : undefined })]);
    const page = people.map((p) => ({ ref: p.person_ref, status: p.status, dueAt: p.due_at, notes: p.notes, exposed: p.exposed, firstAt: p.first_at, lastAt: p.last_at, source: p.source }));
    return c.json(shown(c, { counts, people: page }), 200);
  });
}
