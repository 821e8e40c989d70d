import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { UnavailableError, ValidationError } from '../../http/errors.js';
import { defineRoute } from '../../http/route.js';
import { readRoles, recordLogAccess } from '../read-log.js';
import { verifyAccessLog } from '../verify.js';

const dateTime = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset' });

const route = defineRoute({
  method: 'get',
  path: '/audit/verify',
  tags: ['audit'],
  summary: 'Checks the hash chain: edited, deleted, inserted or reordered rows and the first broken link',
  access: { roles: readRoles },
  request: { query: z.object({ from: dateTime.optional(), to: dateTime.optional() }) },
  responses: {
    200: {
      description: 'The verification report (ok false lists every finding)',
      content: {
        'application/json': {
          schema: z.object({
            ok: z.boolean(),
            batches: z.number().int(),
            rows: z.number().int(),
            issues: z.array(z.object({ kind: z.string(), stream: z.string(), seq: z.number().int().optional(), pos: z.number().int().optional(), detail: z.string() })),
            firstBrokenLink: z.object({ stream: z.string(), seq: z.number().int() }).nullable(),
          }),
        },
      },
    },
  },
});

export function registerGetVerify(app: App): void {
  app.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const { deps, staff, requestId } = c.var;
    if (!deps.db || !deps.accessLog) throw new UnavailableError('The access log is not configured on this server', 5);
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && to <= from) throw new ValidationError([{ path: 'query.to', message: 'must be after from' }]);
    await recordLogAccess(deps.db, staff!, 'audit.verify', { from: query.from ?? null, to: query.to ?? null }, 'integrity check', requestId);
    const report = await verifyAccessLog(deps.db, deps.accessLog.crypto, { from, to });
    return c.json(report, 200, { 'Cache-Control': 'no-store' });
  });
}
