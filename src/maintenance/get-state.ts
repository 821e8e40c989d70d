import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { defineRoute } from '../http/route.js';
import { isoInZone } from '../time/zoned.js';
import { readRoles, viewActive, zonedTime } from './api-views.js';
import { windowInForce } from './window.js';

const activeSchema = z.object({
  id: z.string(),
  scope: z.string(),
  readOnly: z.boolean(),
  reason: z.string(),
  publicMessage: z.string().nullable(),
  status: z.enum(['scheduled', 'in-force']),
  startsAt: zonedTime,
  plannedEnd: zonedTime.nullable(),
  retryAfterSeconds: z.number().int().nullable(),
});

const route = defineRoute({
  method: 'get',
  path: '/maintenance/state',
  tags: ['maintenance'],
  summary: "This instance's maintenance state: windows in force and planned, and how fresh the knowledge is",
  access: { roles: readRoles },
  responses: {
    200: {
      description: 'State',
      content: {
        'application/json': {
          schema: z.object({
            inMaintenance: z.boolean(),
            source: z.enum(['database', 'default', 'none']),
            loadedAt: zonedTime.nullable(),
            windows: z.array(activeSchema),
          }),
        },
      },
    },
  },
});

export function registerGetState(app: App): void {
  app.openapi(route, (c) => {
    const { deps } = c.var;
    const now = deps.clock.now().getTime();
    const state = deps.maintenance?.state;
    const windows = (state?.windows ?? []).filter((w) => w.plannedEnd === null || w.plannedEnd > now);
    return c.json(
      {
        inMaintenance: windows.some((w) => windowInForce(w, now)),
        source: state?.source ?? ('none' as const),
        loadedAt: state?.loadedAt ? isoInZone(state.loadedAt, deps.config.timeZone) : null,
        windows: windows.map((w) => viewActive(w, now, deps.config.timeZone)),
      },
      200,
      { 'Cache-Control': 'no-store' },
    );
  });
}
