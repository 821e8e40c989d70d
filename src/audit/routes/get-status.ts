import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { UnavailableError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';

const route = defineRoute({
  method: 'get',
  path: '/audit/status',
  tags: ['audit'],
  summary: "This instance's access-log writer: mode, commits, refusals (strict) and losses (async); declared data categories the category map does not know",
  access: { roles: ['dpo', 'auditor', 'sre', 'admin'] },
  responses: {
    200: {
      description: 'Counters since start',
      content: {
        'application/json': {
          schema: z.object({
            mode: z.enum(['strict', 'async']),
            committedRecords: z.number().int(),
            committedBatches: z.number().int(),
            failedBatches: z.number().int(),
            refused: z.number().int(),
            lost: z.number().int(),
            queued: z.number().int(),
            stream: z.string(),
            unknownCategories: z.object({
              total: z.number().int().describe('Declared categories (one per response and category) that VIGIE_CATEGORY_MAP and the bundled map do not know, since start'),
              categories: z.record(z.string(), z.number().int()).describe('The same by declared name; each is also logged once as a warning'),
            }),
          }),
        },
      },
    },
  },
});

export function registerGetStatus(app: App): void {
  app.openapi(route, (c) => {
    const log = c.var.deps.accessLog;
    if (!log) throw new UnavailableError('The access log is not configured on this server', 5);
    return c.json({ ...log.writer.stats(), unknownCategories: log.categories.stats() }, 200, { 'Cache-Control': 'no-store' });
  });
}
