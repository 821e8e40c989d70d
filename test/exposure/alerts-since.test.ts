import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAlerts, storeAccesses } from '../../src/exposure/alerts.js';
import type { IllegitimateAccess } from '../../src/exposure/entitlement-check.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const now = new Date('2020-04-01T12:00:00Z');
let pos = 0;
const accessAt = (at: string, subject: string): IllegitimateAccess => ({
  at: new Date(at),
  requestId: `r-${++pos}`,
  receiver: 'B',
  subject,
  reason: 'mix-up',
  route: '/espace',
  categories: ['identity'],
  stream: 's1',
  seq: 1,
  pos,
  principal: 'B',
});

describe.each(engines())('exposure alerts of a period (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    // Three bursts: two days before, the evening before (ending within 24 hours of now), this morning.
    await storeAccesses(t.db, [accessAt('2020-03-30T09:00:00Z', 'P1'), accessAt('2020-03-30T09:01:00Z', 'P2')], 300, now);
    await storeAccesses(t.db, [accessAt('2020-03-31T11:50:00Z', 'P3'), accessAt('2020-03-31T12:10:00Z', 'P4')], 3600, now);
    await storeAccesses(t.db, [accessAt('2020-04-01T08:00:00Z', 'P5')], 300, now);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lists, with `since`, only the alerts whose burst went on until then or later, newest first, with their counts', async () => {
    const recent = await listAlerts(t.db, 'Europe/Paris', { since: new Date(now.getTime() - 24 * 3600_000) });
    expect(recent.map((a) => [a.firstAt, a.lastAt, a.peopleExposed])).toEqual([
      ['2020-04-01T10:00:00+02:00', '2020-04-01T10:00:00+02:00', 1],
      ['2020-03-31T13:50:00+02:00', '2020-03-31T14:10:00+02:00', 2],
    ]);
    expect(await listAlerts(t.db, 'Europe/Paris')).toHaveLength(3);
  });
});
