import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { requireDb } from '../breach-store.js';
import { listRevisions } from '../revisions.js';
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
    const revisions = await listRevisions(requireDb(c.var.deps), c.req.valid('param').id);
    return c.json(shown(c, { revisions }), 200);
  });
}
