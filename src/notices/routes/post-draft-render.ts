import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { draftInputSchema } from '../draft-input.js';
import { getDraft, rerenderDraft } from '../drafts-service.js';
import { draftInputFromRegister } from '../from-breach.js';
import { actorOf, body, draftDocumentSchema, draftIdParams, json, reasonSchema } from './schemas.js';

const route = defineRoute({
  method: 'post',
  path: '/drafts/{draftId}/render',
  tags: ['drafts'],
  summary: 'Render the draft again from the breach’s current facts (or `input`): a new version',
  description: 'A hand-edited current version is not rendered over (409) unless `discardEdits` is true; it stays in the history either way.',
  access: { roles: ['dpo', 'comms'] },
  request: {
    params: draftIdParams,
    body: body(z.object({ input: draftInputSchema.optional(), reason: reasonSchema, discardEdits: z.boolean().default(false), fromRegister: z.boolean().default(true) })),
  },
  responses: { 200: json(draftDocumentSchema, 'The draft, at its new version') },
});

export function registerPostDraftRender(app: App): void {
  app.openapi(route, async (c) => {
    const { draftId } = c.req.valid('param');
    const request = c.req.valid('json');
    const deps = c.var.deps;
    const input = request.input ?? (request.fromRegister ? await draftInputFromRegister(deps, (await getDraft(deps, draftId)).breachId) : undefined);
    return c.json((await rerenderDraft(deps, draftId, { ...request, input }, actorOf(c))) as never, 200);
  });
}
