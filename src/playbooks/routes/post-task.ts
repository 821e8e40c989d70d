import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, shown } from '../../breaches/routes/common.js';
import { changeTask, taskChangeBody } from '../runs.js';
import { taskRoles } from './common.js';

const params = idParams.extend({ change: z.enum(['done', 'undo']) });

const route = defineRoute({
  method: 'post',
  path: '/playbook-tasks/{id}/{change}',
  tags: ['playbooks'],
  summary: 'Mark a task done, or undo it, saying why (on the breach timeline: who, when, why)',
  description: 'Allowed to the task’s owner role, the DPO and admins.',
  access: { roles: taskRoles },
  request: { params, body: jsonBody(taskChangeBody) },
  responses: { 200: jsonResponse('The change') },
});

export function registerPostTask(app: App): void {
  app.openapi(route, async (c) => {
    const { id, change } = c.req.valid('param');
    const result = await inBody(changeTask(c.var.deps, id, change === 'done', c.req.valid('json'), actorOf(c)));
    return c.json(shown(c, result), 200);
  });
}
