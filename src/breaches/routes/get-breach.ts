import type { App } from '../../http/context.js';
import { defineRoute } from '../../http/route.js';
import { requireDb } from '../breach-store.js';
import { getBreach, type BreachRecord } from '../get-breach.js';
import { idParams, jsonResponse, readRoles, reducedRoles, seesFullRecord, shown } from './common.js';

const route = defineRoute({
  method: 'get',
  path: '/breaches/{id}',
  tags: ['breaches'],
  summary: 'One breach: facts, timeline, people counts, assessment, decision, clocks, what is missing',
  description: 'dpo and auditor get the whole record; sre and comms a reduced view (facts of the incident, timeline, counts).',
  access: { roles: [...readRoles, ...reducedRoles] },
  request: { params: idParams },
  responses: { 200: jsonResponse('The breach, dates in the configured zone with their offset') },
});

/** What SREs and communications staff need: what happened, when, to how many; not the risk or decisions. */
export function reducedView(record: BreachRecord) {
  const f = record.facts;
  return {
    id: record.id,
    title: record.title,
    status: record.status,
    facts: { summary: f.summary, natures: f.natures, startedAt: f.startedAt, discoveredAt: f.discoveredAt, endedAt: f.endedAt, ongoing: f.ongoing, dataCategories: f.dataCategories, adviceToPeople: f.adviceToPeople, peopleInformed: f.peopleInformed },
    timeline: record.timeline.map(({ at, kind, summary, until }) => ({ at, kind, summary, until })),
    exposureWindows: record.exposureWindows,
    people: record.people,
  };
}

export function registerGetBreach(app: App): void {
  app.openapi(route, async (c) => {
    const { deps } = c.var;
    const record = await getBreach(requireDb(deps), c.req.valid('param').id, { config: deps.config, now: deps.clock.now() });
    return c.json(shown(c, seesFullRecord(c) ? record : reducedView(record)), 200);
  });
}
