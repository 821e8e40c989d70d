import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { draftInputSchema, personSchema, type DraftInput } from '../draft-input.js';
import { getDraft } from '../drafts-service.js';
import { previewDraft } from '../preview.js';
import { body, draftIdParams, json, previewSchema } from './schemas.js';

const route = defineRoute({
  method: 'post',
  path: '/drafts/{draftId}/preview',
  tags: ['drafts'],
  summary: 'The message as its recipient would see it (a sample person from the breach’s facts, or `person`), with SMS length, encoding and segments',
  access: { roles: ['dpo', 'comms'] },
  request: { params: draftIdParams, body: body(z.object({ person: personSchema.optional() })) },
  responses: { 200: json(previewSchema, 'The rendered message') },
});

export function registerPostDraftPreview(app: App): void {
  app.openapi(route, async (c) => {
    const deps = c.var.deps;
    const draft = await getDraft(deps, c.req.valid('param').draftId);
    const source = draftInputSchema.safeParse(draft.source);
    const preview = previewDraft(draft, {
      timeZone: deps.config.timeZone,
      smsMaxSegments: deps.config.notices.smsMaxSegments,
      person: c.req.valid('json').person,
      source: source.success ? (source.data as DraftInput) : undefined,
    });
    return c.json(preview as never, 200);
  });
}
