import { z } from '@hono/zod-openapi';
import type { App } from '../http/context.js';
import { defineRoute } from '../http/route.js';
import { dateTimeInput, viewEvents, windowSchema, writeRoles } from './api-views.js';
import { startMaintenance } from './service.js';

const body = z.object({
  reason: z.string({ message: 'is required' }).trim().min(1, 'is required').max(1000).openapi({
    description: 'Why: kept in the history for the register, never shown to visitors',
    example: 'Données affichées à la mauvaise personne : fermeture du site le temps de corriger le cache',
  }),
  publicMessage: z.string().max(500).optional().openapi({
    description: 'What visitors read on the maintenance page and in the 503 problem (escaped); default: a neutral text in their language',
    example: 'Le service sera de retour vers 15 h. Merci de votre patience.',
  }),
  scope: z.string().optional().openapi({ description: '"site" (default) or a path prefix: /declarations or /declarations/*' }),
  readOnly: z.boolean().optional().openapi({ description: 'GET/HEAD pass, writes get 503' }),
  startsAt: dateTimeInput.optional().openapi({ description: 'Planned start (default: now)' }),
  plannedEnd: dateTimeInput.optional().openapi({ description: 'Planned end (default: open-ended); drives Retry-After' }),
  retryAfterSeconds: z.number().int().min(1).max(86_400).optional().openapi({ description: 'Explicit Retry-After' }),
  bypassLink: z.boolean().optional().openapi({ description: 'Create a secret bypass link (default true)' }),
});

const route = defineRoute({
  method: 'post',
  path: '/maintenance/windows',
  tags: ['maintenance'],
  summary: 'Put the service (or part of it) in maintenance, now or at a planned time',
  description: 'Every instance applies it within a second. The bypass link is returned once.',
  access: { roles: writeRoles },
  request: { body: { required: true, content: { 'application/json': { schema: body } } } },
  responses: {
    201: {
      description: 'The window, and its secret bypass link',
      content: {
        'application/json': {
          schema: z.object({ window: windowSchema, bypassLink: z.string().nullable() }),
        },
      },
    },
  },
});

export function registerPostWindow(app: App): void {
  app.openapi(route, async (c) => {
    const input = c.req.valid('json');
    const { deps, staff, requestId } = c.var;
    const { event, bypassSecret } = await startMaintenance(
      deps,
      {
        reason: input.reason,
        publicMessage: input.publicMessage,
        scope: input.scope,
        readOnly: input.readOnly,
        startsAt: input.startsAt ? new Date(input.startsAt) : undefined,
        plannedEnd: input.plannedEnd ? new Date(input.plannedEnd) : undefined,
        retryAfterSeconds: input.retryAfterSeconds,
        bypassLink: input.bypassLink,
      },
      { subject: staff!.subject, roles: staff!.roles, requestId },
    );
    // This instance applies it at once; the others hear the NOTIFY.
    await deps.maintenance?.refresh();
    const origin = new URL(c.req.url).origin;
    const bypassLink = bypassSecret ? `${origin}${deps.config.adminPrefix}/maintenance/bypass/${bypassSecret}` : null;
    const window = viewEvents(event, undefined, deps.clock.now(), deps.config.timeZone);
    return c.json({ window, bypassLink }, 201, { 'Cache-Control': 'no-store' });
  });
}
