import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { approveDraft } from '../drafts-service.js';
import { actorOf, body, draftDocumentSchema, draftIdParams, json, reasonSchema } from './schemas.js';

/** The approval's body (the console reads its form with it too). */
export const approvalBody = z.object({ version: z.number().int().min(1), reason: reasonSchema });

const route = defineRoute({
  method: 'post',
  path: '/drafts/{draftId}/approval',
  tags: ['drafts'],
  summary: 'The DPO approves the current version; only an approved draft for people can be sent',
  access: { roles: ['dpo'] },
  request: { params: draftIdParams, body: body(approvalBody) },
  responses: { 200: json(draftDocumentSchema, 'The approved draft'), 409: json(z.object({}), 'Not the current version') },
});

export function registerPostDraftApproval(app: App): void {
  app.openapi(route, async (c) => c.json((await approveDraft(c.var.deps, c.req.valid('param').draftId, c.req.valid('json'), actorOf(c))) as never, 200));
}
