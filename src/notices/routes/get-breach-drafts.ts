import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { isApproved } from '../draft-record.js';
import { listDraftsOfBreach } from '../drafts-store.js';
import { requireDb } from '../notice-deps.js';
import { json } from './schemas.js';

const route = defineRoute({
  method: 'get',
  path: '/breaches/{breachId}/drafts',
  tags: ['drafts'],
  summary: 'The drafts of a breach: kind, channel, language, version, approval and filing',
  access: { roles: ['dpo', 'comms', 'auditor'] },
  request: { params: z.object({ breachId: z.string().min(1).max(100) }) },
  responses: {
    200: json(
      z.array(
        z.object({
          id: z.string(),
          kind: z.string(),
          channel: z.string(),
          lang: z.string(),
          version: z.number().int(),
          isApproved: z.boolean(),
          filedAt: z.string().nullable(),
          cnilReference: z.string().nullable(),
        }),
      ),
      'The drafts, oldest first',
    ),
  },
});

export function registerGetBreachDrafts(app: App): void {
  app.openapi(route, async (c) => {
    const rows = await listDraftsOfBreach(requireDb(c.var.deps), c.req.valid('param').breachId);
    return c.json(
      rows.map((row) => ({
        id: String(row.id),
        kind: row.kind,
        channel: row.channel,
        lang: row.lang,
        version: row.current_version,
        isApproved: isApproved(row),
        filedAt: row.filed_at ? new Date(row.filed_at).toISOString() : null,
        cnilReference: row.cnil_reference,
      })),
      200,
    );
  });
}
