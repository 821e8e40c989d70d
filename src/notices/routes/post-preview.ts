import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { draftInputSchema, languageSchema, personSchema } from '../draft-input.js';
import { templatesOf } from '../notice-deps.js';
import { previewDraft } from '../preview.js';
import { renderDraft } from '../render-draft.js';
import { body, json, kindSchema, previewSchema } from './schemas.js';

const route = defineRoute({
  method: 'post',
  path: '/drafts/preview',
  tags: ['drafts'],
  summary: 'Render a document from given facts without saving it (to try facts or an organisation’s templates)',
  access: { roles: ['dpo', 'comms'] },
  request: {
    body: body(z.object({ kind: kindSchema, channel: z.string().min(1).max(20), lang: languageSchema.default('fr'), input: draftInputSchema, person: personSchema.optional() })),
  },
  responses: { 200: json(previewSchema, 'The rendered document') },
});

export function registerPostPreview(app: App): void {
  app.openapi(route, (c) => {
    const deps = c.var.deps;
    const request = c.req.valid('json');
    const draft = renderDraft(templatesOf(deps), { ...request, timeZone: deps.config.timeZone, at: deps.clock.now(), smsMaxSegments: deps.config.notices.smsMaxSegments });
    const preview = previewDraft(draft, { timeZone: deps.config.timeZone, smsMaxSegments: deps.config.notices.smsMaxSegments, person: request.person, source: request.input });
    return c.json(preview as never, 200);
  });
}
