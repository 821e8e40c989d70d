import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { breachIdOf, loadBreach, requireDb } from '../breach-store.js';
import { idParams, jsonResponse, readRoles, shown } from './common.js';

const route = defineRoute({
  method: 'get',
  path: '/breaches/{id}/revisions',
  tags: ['breaches'],
  summary: 'Every change of a breach: who, when, what (field, before, after), why',
  access: { roles: readRoles },
  request: { params: idParams },
  responses: { 200: jsonResponse('Revisions, oldest first') },
});

export function registerGetRevisions(app: App): void {
  app.openapi(route, async (c) => {
    const db = requireDb(c.var.deps);
    const id = breachIdOf(c.req.valid('param').id);
    await loadBreach(db, id);
    const rows = await db.selectFrom('breach_revision').select(['version', 'at', 'actor', 'action', 'reason', 'changes']).where('breach_id', '=', id).orderBy('version').execute();
    return c.json(shown(c, { revisions: rows }), 200);
  });
}
