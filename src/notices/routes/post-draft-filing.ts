import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { recordFiling } from '../file-draft.js';
import { fileWithRegister } from '../from-breach.js';
import { actorOf, body, draftDocumentSchema, draftIdParams, json, reasonSchema } from './schemas.js';

/** The filing's body (the console reads its form with it too). */
export const draftFilingBody = z.object({
  filedAt: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset' }),
  reference: z.string().trim().min(1).max(200),
  reason: reasonSchema,
});

const route = defineRoute({
  method: 'post',
  path: '/drafts/{draftId}/filing',
  tags: ['drafts'],
  summary: 'Record that this CNIL notification was filed: when, and the CNIL’s reference (closes the GDPR clock)',
  access: { roles: ['dpo'] },
  request: {
    params: draftIdParams,
    body: body(draftFilingBody),
  },
  responses: { 200: json(draftDocumentSchema, 'The filed draft'), 409: json(z.object({}), 'Not a CNIL draft, or already filed') },
});

export function registerPostDraftFiling(app: App): void {
  app.openapi(route, async (c) => {
    const deps = c.var.deps;
    return c.json((await recordFiling(deps, c.req.valid('param').draftId, c.req.valid('json'), actorOf(c), fileWithRegister(deps))) as never, 200);
  });
}
