import { z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { pendingMigrations } from '../db/migrate.js';
import { UnavailableError } from '../http/errors.js';
import type { App } from '../http/context.js';
import { defineRoute, problemSchema } from '../http/route.js';

const route = defineRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: the database answers and its schema is current',
  access: 'public',
  responses: {
    200: {
      description: 'Ready',
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('ready'), database: z.literal('ok'), migrations: z.literal('current') }),
        },
      },
    },
    503: { description: 'Not ready', content: { 'application/problem+json': { schema: problemSchema } } },
  },
});

export function registerGetReadyz(app: App): void {
  app.openapi(route, async (c) => {
    const db = c.var.deps.db;
    if (!db) throw new UnavailableError('No database is configured', 5);
    try {
      await sql`select 1`.execute(db);
    } catch {
      throw new UnavailableError('The database does not answer', 5);
    }
    const pending = await pendingMigrations(db);
    if (pending.length > 0) throw new UnavailableError(`${pending.length} migration(s) not applied yet`, 5);
    return c.json({ status: 'ready' as const, database: 'ok' as const, migrations: 'current' as const }, 200, {
      'Cache-Control': 'no-store',
    });
  });
}
