import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposureMinuteSeries } from '../../src/exposure/minute-series.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { access, writeRecords } from './log.js';

const minute = 60_000;

describe.each(engines())('the exposure chart per minute (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    // Written today (the batches' time is now), their records on 31 March 2020: a batch is never before its
    // records, and the series finds them in later days' partitions.
    await writeRecords(t.db, [
      access('2020-03-31T09:59:59Z', 'P1', ['P1']), // before the window
      access('2020-03-31T10:00:10Z', 'P1', ['P1']), // own data: personal
      access('2020-03-31T10:00:40Z', null, [], { categories: [] }), // no one's data
      access('2020-03-31T10:01:05Z', 'P3', ['P1'], { producedFor: 'P1' }), // a cache mix-up: personal, someone else's
      access('2020-03-31T10:04:59Z', 'P2', ['P2']),
      access('2020-03-31T10:05:00Z', 'P1', ['P1']), // the end is excluded
    ]);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('counts, minute by minute, responses with personal data and those showing someone else', async () => {
    const from = new Date('2020-03-31T10:00:00Z');
    const series = await exposureMinuteSeries(t.db, { from, to: new Date(from.getTime() + 5 * minute) }, { broadRoles: [] });
    expect(series.minutes).toEqual([0, 1, 2, 3, 4].map((i) => from.getTime() + i * minute));
    expect(series.personal).toEqual([1, 1, 0, 0, 1]);
    expect(series.others).toEqual([0, 1, 0, 0, 0]);
  });

  it('shows nothing for a window after the records, even though their batches were written later', async () => {
    const from = new Date('2020-03-31T10:06:00Z');
    const series = await exposureMinuteSeries(t.db, { from, to: new Date(from.getTime() + 3 * minute) }, { broadRoles: [] });
    expect(series.personal).toEqual([0, 0, 0]);
    expect(series.others).toEqual([0, 0, 0]);
  });
});
