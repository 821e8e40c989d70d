import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { requireDb } from '../breach-store.js';
import { breachHtml, breachMarkdown } from '../exports.js';
import { getBreach } from '../get-breach.js';
import { idParams, readRoles } from './common.js';

const route = defineRoute({
  method: 'get',
  path: '/breaches/{id}/document',
  tags: ['breaches'],
  summary: 'One breach as a readable document with its timeline, recommendation and decision (Markdown or HTML, French or English)',
  access: { roles: readRoles },
  request: { params: idParams, query: z.object({ format: z.enum(['md', 'html']).default('md'), lang: z.enum(['fr', 'en']).default('fr') }) },
  responses: { 200: { description: 'The document', content: { 'text/markdown': { schema: z.string() }, 'text/html': { schema: z.string() } } } },
});

export function registerGetDocument(app: App): void {
  app.openapi(route, async (c) => {
    const { deps } = c.var;
    const record = await getBreach(requireDb(deps), c.req.valid('param').id, { config: deps.config, now: deps.clock.now() });
    const zone = deps.config.timeZone;
    const { format, lang } = c.req.valid('query');
    if (format === 'html') return c.body(breachHtml(record, zone, lang), 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    return c.body(breachMarkdown(record, zone, lang), 200, { 'Content-Type': 'text/markdown; charset=utf-8', 'Cache-Control': 'no-store' });
  });
}
