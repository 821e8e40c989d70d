import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { readEntitlements, upsertEntitlements } from '../relations.js';
import { reasonField, requireDb } from './schemas.js';

const period = { validFrom: z.string(), validTo: z.string().nullable().optional() };

const route = defineRoute({
  method: 'post',
  path: '/exposure/relations',
  tags: ['exposure'],
  summary: 'Declare or update who may see whose data (bulk upsert, all or nothing)',
  description:
    'Relations (principal may see subject) and principal roles, each with a validity period. An item with the same ' +
    'principal, subject (or role) and validFrom replaces the stored one. One invalid item and nothing is stored.',
  access: { roles: ['admin'] },
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            reason: reasonField,
            source: z.string().trim().min(1).max(200).default('api'),
            relations: z.array(z.object({ principal: z.string(), subject: z.string(), kind: z.string().nullable().optional(), ...period })).max(100_000).optional(),
            roles: z.array(z.object({ principal: z.string(), role: z.string(), ...period })).max(100_000).optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Stored',
      content: {
        'application/json': {
          schema: z.object({
            relations: z.number().int(),
            roles: z.number().int(),
            changed: z.object({ relations: z.number().int(), roles: z.number().int() }).openapi({ description: 'Inserted or changed; rows sent as already stored are not written' }),
          }),
        },
      },
    },
  },
});

export function registerPostRelations(app: App): void {
  app.openapi(route, async (c) => {
    const deps = c.var.deps;
    const db = requireDb(deps);
    const body = c.req.valid('json');
    const staff = c.var.staff!;
    const input = readEntitlements(body, deps.config.timeZone);
    const result = await upsertEntitlements(
      { db, clock: deps.clock },
      { ...input, source: body.source },
      { subject: staff.subject, roles: staff.roles, reason: body.reason, requestId: c.var.requestId },
    );
    return c.json(result, 200);
  });
}
