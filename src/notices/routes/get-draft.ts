import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { getDraft } from '../drafts-service.js';
import { draftDocumentSchema, draftIdParams, json } from './schemas.js';

const route = defineRoute({
  method: 'get',
  path: '/drafts/{draftId}',
  tags: ['drafts'],
  summary: 'A draft: its current text, the data it came from, its versions, approval and filing',
  access: { roles: ['dpo', 'comms', 'auditor'] },
  request: { params: draftIdParams },
  responses: { 200: json(draftDocumentSchema, 'The draft') },
});

export function registerGetDraft(app: App): void {
  app.openapi(route, async (c) => c.json((await getDraft(c.var.deps, c.req.valid('param').draftId)) as never, 200));
}
