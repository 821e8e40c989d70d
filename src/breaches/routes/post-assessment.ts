import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { assessBody, assessBreach } from '../decide.js';
import { actorOf, idParams, inBody, jsonBody, jsonResponse, shown, writeRoles } from './common.js';

const route = defineRoute({
  method: 'post',
  path: '/breaches/{id}/assessments',
  tags: ['breaches'],
  summary: 'Score the breach (ENISA) and get the recommendation on notifying, factor by factor',
  description:
    'Every field left out is read from the register (the answer lists them in fromRegister). The DPC moves by ENISA context adjustments (dpcAdjustments), each with its justification, or is stated with dpcJustification. Method: docs/assessment.md.',
  access: { roles: writeRoles },
  request: { params: idParams, body: jsonBody(assessBody) },
  responses: { 201: jsonResponse('The score and the recommendation') },
});

export function registerPostAssessment(app: App): void {
  app.openapi(route, async (c) => {
    const result = await inBody(assessBreach(c.var.deps, c.req.valid('param').id, c.req.valid('json'), actorOf(c)));
    return c.json(shown(c, result), 201);
  });
}
