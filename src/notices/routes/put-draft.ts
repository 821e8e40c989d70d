import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { editDraft } from '../drafts-service.js';
import { actorOf, body, draftDocumentSchema, draftIdParams, json, partsSchema, reasonSchema } from './schemas.js';

/** The edit's body (the console reads its form with it too). */
export const editDraftBody = z.object({ parts: partsSchema, reason: reasonSchema, expectedVersion: z.number().int().min(1).optional() });

const route = defineRoute({
  method: 'put',
  path: '/drafts/{draftId}',
  tags: ['drafts'],
  summary: 'Edit a draft by hand: a new version (the previous ones are kept); an approval must be given again',
  description: 'Person fields stay placeholders (`[[person.name]]`, `[[person.exposedList]]`, `[[person.when]]`, `[[person.date]]` …); an unknown one is refused.',
  access: { roles: ['dpo', 'comms'] },
  request: {
    params: draftIdParams,
    body: body(editDraftBody),
  },
  responses: { 200: json(draftDocumentSchema, 'The draft, at its new version') },
});

export function registerPutDraft(app: App): void {
  app.openapi(route, async (c) => c.json((await editDraft(c.var.deps, c.req.valid('param').draftId, c.req.valid('json'), actorOf(c))) as never, 200));
}
