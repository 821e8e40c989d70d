import { z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { filingBody, recordNotificationFiled } from '../decide.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, writeRoles } from './common.js';

const route = defineRoute({
  method: 'post',
  path: '/breaches/{id}/filings',
  tags: ['breaches'],
  summary: 'Record that the CNIL notification was filed (initial or complementary); late needs delayReasons',
  access: { roles: writeRoles },
  request: { params: idParams, body: jsonBody(filingBody) },
  responses: { 201: jsonResponse('The filing', z.object({ regime: z.string(), step: z.string(), kind: z.string() })) },
});

export function registerPostFiling(app: App): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const result = await inBody(recordNotificationFiled(c.var.deps, c.req.valid('param').id, { ...body, filedAt: new Date(body.filedAt) }, actorOf(c)));
    return c.json(result, 201);
  });
}
