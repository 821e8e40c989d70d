import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { UnavailableError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';

const route = defineRoute({
  method: 'get',
  path: '/audit/status',
  tags: ['audit'],
  summary: "This instance's access-log writer: mode, commits, refusals (strict) and losses (async)",
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
    return c.json(log.writer.stats(), 200, { 'Cache-Control': 'no-store' });
  });
}
