import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { defineRoute } from '../http/route.js';

const route = defineRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  access: 'public',
  responses: {
    200: {
      description: 'Alive',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
});

export function registerGetHealthz(app: App): void {
  app.openapi(route, (c) => c.json({ status: 'ok' as const }, 200, { 'Cache-Control': 'no-store' }));
}
