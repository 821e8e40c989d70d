import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { openBreachBody } from '../../src/breaches/breach-facts.js';
import type { BreachDeps } from '../../src/breaches/breach-store.js';
import { openBreach } from '../../src/breaches/edit-breach.js';
import { getBreach } from '../../src/breaches/get-breach.js';
import { attachExposureSnapshot, recordAlert } from '../../src/breaches/hooks.js';
import { ValidationError } from '../../src/http/errors.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { testConfig } from '../helpers/test-app.js';

const vigie = { subject: 'vigie', roles: ['system'] };

describe.each(engines())('alerts and exposure snapshots on a breach, on %s', (engine) => {
  let database: TestDatabase;
  const clock = manualClock('2020-03-31T09:30:00Z');
  let deps: BreachDeps;
  beforeAll(async () => {
    database = await openTestDatabase(engine);
    deps = { db: database.db, clock, config: testConfig() };
  });
  afterAll(() => database.close());

  it('an alert and a snapshot land on the timeline; the snapshot gives the population and the exposure window', async () => {
    const { id } = await openBreach(deps, openBreachBody.parse({ title: 'Détection', natures: ['confidentiality'] }), { subject: 'dora', roles: ['dpo'] });
    await recordAlert(deps, id, { alertId: '17', at: new Date('2020-03-31T07:05:00Z'), summary: 'Réponse produite pour A servie à B' }, vigie);
    clock.set('2020-03-31T14:00:00Z');
    const people = [
      { ref: 'P-1', exposed: ['civil-status', 'contact'], firstAt: '2020-03-31T07:02:00Z', lastAt: '2020-03-31T09:40:00Z' },
      { ref: 'P-2', exposed: ['contact'], firstAt: '2020-03-31T08:00:00Z', lastAt: '2020-03-31T09:44:00Z' },
    ];
    const window = { from: new Date('2020-03-31T07:02:00Z'), to: new Date('2020-03-31T09:45:00Z') };
    expect(await attachExposureSnapshot(deps, id, { snapshotId: '42', ...window, people }, vigie)).toEqual({ received: 2, added: 2, alreadyThere: 0, dataCategories: ['civil-status', 'contact'] });
    const record = await getBreach(database.db, id, { config: deps.config, now: clock.now() });
    expect(record.timeline.map((e) => [e.kind, e.source])).toEqual([
      ['alert', 'alert:17'],
      ['exposure-snapshot', 'snapshot:42'],
    ]);
    expect(record.exposureWindows[0]).toMatchObject({ from: window.from, to: null, basis: 'ongoing' });
    expect(record.exposureWindows[1]).toEqual({ ...window, basis: 'snapshot snapshot:42' });
    expect(record.people.total).toBe(2);
    expect(record.facts.dataCategories).toEqual(['civil-status', 'contact']);

    // A snapshot with a bad person attaches nothing: no people, no event.
    await expect(attachExposureSnapshot(deps, id, { snapshotId: '43', ...window, people: [{ ref: 'P 3' }] }, vigie)).rejects.toBeInstanceOf(ValidationError);
    const after = await getBreach(database.db, id, { config: deps.config, now: clock.now() });
    expect(after.timeline).toHaveLength(2);
    expect(after.people.total).toBe(2);
  });
});
