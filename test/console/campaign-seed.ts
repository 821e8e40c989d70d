import type { Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/database.js';
import type { Person } from '../../src/delivery/ports.js';
import { deliveryDeps } from '../../src/entry/delivery-ports.js';
import { makePeople, receiptSecret } from '../delivery/fixtures.js';
import { testConfig } from '../helpers/test-app.js';
import { pajemploiInput } from '../notices/fixtures.js';
import { consoleApp } from './console-app.js';

/**
 * The console over the real register and drafts, with the organisation's contact directory standing in as
 * `people` (the register keeps identifiers only): what communications work with.
 */
export function campaignConsoleApp(db: Db, clock: Clock, people: Person[]) {
  const env = { VIGIE_DELIVERY_RECEIPT_SECRET: receiptSecret };
  const byId = new Map(people.map((p) => [p.id, p]));
  const findContacts = async (_breach: string, ids: string[]) =>
    new Map(ids.flatMap((id) => {
      const person = byId.get(id);
      if (!person) return [];
      const { id: _id, ...contact } = person;
      return [[id, contact] as const];
    }));
  return consoleApp({ db, clock, env, deps: { delivery: deliveryDeps({ db, clock, config: testConfig(env), overrides: { findContacts } }) } });
}

/**
 * A breach with its population and an SMS notice the DPO approved, through the API as the DPO and
 * communications would make them. Returns the breach and draft ids.
 */
export async function seedApprovedSmsDraft(built: ReturnType<typeof consoleApp>, people: Person[]): Promise<{ breachId: string; draftId: string }> {
  const call = async (path: string, roles: ('dpo' | 'comms')[], body: unknown) => {
    const res = await built.app.request(`/_vigie${path}`, { method: 'POST', headers: { ...(await built.auth(roles, roles[0])), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { id: string | number };
  };
  const breach = await call('/breaches', ['dpo'], { title: 'Données affichées à la mauvaise personne', awareAt: '2020-03-31T09:45:00Z' });
  const breachId = String(breach.id);
  await call(`/breaches/${breachId}/people`, ['dpo'], { people: people.map((p) => ({ ref: p.id })) });
  const draft = await call(`/breaches/${breachId}/drafts`, ['comms'], { kind: 'notice', channel: 'sms', lang: 'fr', input: pajemploiInput(), reason: 'Art. 34' });
  await call(`/drafts/${draft.id}/approval`, ['dpo'], { version: 1, reason: 'relu' });
  return { breachId, draftId: String(draft.id) };
}

export { makePeople };
