import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { jsonResponse } from '../../breaches/routes/common.js';
import { describePlaybook, listPlaybooks } from '../describe.js';
import { readRoles } from './common.js';

const list = defineRoute({
  method: 'get',
  path: '/playbooks',
  tags: ['playbooks'],
  summary: 'The playbooks this Vigie knows: bundled ones and the organisation’s (VIGIE_PLAYBOOKS_DIR)',
  access: { roles: readRoles },
  responses: { 200: jsonResponse('Playbooks, by id') },
});

const show = defineRoute({
  method: 'get',
  path: '/playbooks/{playbook}',
  tags: ['playbooks'],
  summary: 'One playbook: its steps, owners, due times, conditions, checklists and actions, with its sources',
  access: { roles: readRoles },
  request: { params: z.object({ playbook: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a playbook id') }) },
  responses: { 200: jsonResponse('The playbook') },
});

export function registerGetPlaybooks(app: App): void {
  app.openapi(list, (c) => c.json({ playbooks: listPlaybooks(c.var.deps) }, 200));
  app.openapi(show, (c) => c.json(describePlaybook(c.var.deps, c.req.valid('param').playbook) as Record<string, unknown>, 200));
}
