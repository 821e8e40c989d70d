import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { draftInputSchema, languageSchema } from '../draft-input.js';
import { createDraft } from '../drafts-service.js';
import { draftInputFromRegister } from '../from-breach.js';
import { actorOf, body, draftDocumentSchema, json, kindSchema, reasonSchema } from './schemas.js';

/** The new draft's body (the console reads its form with it too). */
export const createDraftBody = z.object({
  kind: kindSchema,
  channel: z.string().min(1).max(20),
  lang: languageSchema.default('fr'),
  input: draftInputSchema.optional(),
  reason: reasonSchema,
});

const route = defineRoute({
  method: 'post',
  path: '/breaches/{breachId}/drafts',
  tags: ['drafts'],
  summary: 'Write a draft (CNIL notification, notice to people, apology, public notice, partner notice) from the breach’s facts',
  description:
    'Refused with 400 and the list of missing fields when the facts lack what the document legally needs (Art. 33(3) a–d, Art. 34(2), delay reasons past 72 h, the initial reference for a complementary notification). `input` replaces the facts read from the breach register.',
  access: { roles: ['dpo', 'comms'] },
  request: {
    params: z.object({ breachId: z.string().min(1).max(100) }),
    body: body(createDraftBody),
  },
  responses: { 201: json(draftDocumentSchema, 'The draft, version 1'), 404: json(z.object({}), 'No such breach') },
});

export function registerPostDraft(app: App): void {
  app.openapi(route, async (c) => {
    const { breachId } = c.req.valid('param');
    const request = c.req.valid('json');
    const deps = c.var.deps;
    const input = request.input ?? (await draftInputFromRegister(deps, breachId));
    const draft = await createDraft(deps, { ...request, breachId, input }, actorOf(c));
    return c.json(draft as never, 201);
  });
}
