import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExposureReport } from '../../src/exposure/report.js';
import { readEntitlements, upsertEntitlements } from '../../src/exposure/relations.js';
import { parseWindow } from '../../src/exposure/window.js';
import { systemClock } from '../../src/clock.js';
import { engines, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { access, writeRecords } from './log.js';

const zone = 'Europe/Paris';
const actor = { subject: 'sync', roles: ['admin'], reason: 'test' };

describe.each(engines())('exposure report (%s)', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
    const input = readEntitlements(
      {
        relations: [
          // parent P1 employs childminder C1 since 2019; P2 employed C2 until 1 March 2020 only.
          { principal: 'P1', subject: 'C1', validFrom: '2019-01-01 00:00' },
          { principal: 'C1', subject: 'P1', validFrom: '2019-01-01 00:00' },
          { principal: 'P2', subject: 'C2', validFrom: '2019-01-01 00:00', validTo: '2020-03-01 00:00' },
        ],
        roles: [{ principal: 'agent-7', role: 'agent', validFrom: '2020-01-01T00:00:00Z' }],
      },
      zone,
    );
    await upsertEntitlements({ db: t.db, clock: systemClock }, { ...input, source: 'test' }, actor);
    await writeRecords(t.db, [
      access('2020-03-31T09:50:00Z', 'P1', ['P1']), // own data
      access('2020-03-31T09:51:00Z', 'P1', ['P1', 'C1']), // related
      access('2020-03-31T09:52:00Z', 'P2', ['C2'], { categories: ['identity', 'bank'] }), // relation ended before
      access('2020-03-31T09:53:00Z', 'P3', ['P1'], { producedFor: 'P1', categories: ['identity', 'address'] }), // cache mix-up
      access('2020-03-31T09:54:00Z', 'P3', ['P1'], { producedFor: 'P1', categories: ['identity'] }),
      access('2020-03-31T09:55:00Z', 'C1', ['P1'], { producedFor: 'P1' }), // related, but produced for P1: mix-up
      access('2020-03-31T09:56:00Z', null, ['C1']), // anonymous
      access('2020-03-31T09:57:00Z', 'agent-7', ['C2', 'P3']), // broad-access role
      access('2020-03-31T13:20:00Z', 'P3', ['C1']), // after the window
      // Around the spring-forward change of 29 March 2020 (02:00 CET → 03:00 CEST, at 01:00 UTC).
      access('2020-03-29T00:20:00Z', 'P3', ['C1']), // 01:20 CET: before the window
      access('2020-03-29T00:40:00Z', 'P3', ['C1']), // 01:40 CET
      access('2020-03-29T01:20:00Z', 'P3', ['C1']), // 03:20 CEST
      access('2020-03-29T01:40:00Z', 'P3', ['C1']), // 03:40 CEST: after
    ]);
  }, 180_000); // migrations on the embedded engine are slow on a busy machine
  afterAll(() => t.close());

  const window = () => parseWindow({ from: '2020-03-31 11:45', to: '2020-03-31 15:15' }, zone);

  it('finds every illegitimate access, by person and by receiver, with totals', async () => {
    const report = await buildExposureReport(t.db, window(), { broadRoles: ['agent'], now: new Date('2020-04-01T10:00:00Z') });
    expect(report.window).toMatchObject({ from: '2020-03-31T11:45:00+02:00', to: '2020-03-31T15:15:00+02:00', fromUtc: '2020-03-31T09:45:00.000Z' });
    expect(report.byPerson.map((p) => [p.subject, p.times, p.receivers.map((r) => `${r.receiver}×${r.times}`)])).toEqual([
      ['C1', 1, ['anonymous:session-1×1']],
      ['C2', 1, ['P2×1']],
      ['P1', 3, ['C1×1', 'P3×2']],
    ]);
    const p1 = report.byPerson.find((p) => p.subject === 'P1')!;
    expect(p1.receivers.find((r) => r.receiver === 'P3')).toMatchObject({
      firstAt: '2020-03-31T11:53:00+02:00',
      lastAt: '2020-03-31T11:54:00+02:00',
      categories: ['address', 'identity'],
      reasons: ['mix-up'],
    });
    expect(report.byReceiver.map((r) => [r.receiver, r.subjects.map((s) => s.subject)])).toEqual([
      ['C1', ['P1']],
      ['P2', ['C2']],
      ['P3', ['P1']],
      ['anonymous:session-1', ['C1']],
    ]);
    expect(report.totals).toEqual({
      peopleExposed: 3,
      receivers: 4,
      responses: 5,
      accesses: 5,
      byCategory: [
        { category: 'address', responses: 1, people: 1 },
        { category: 'bank', responses: 1, people: 1 },
        { category: 'identity', responses: 5, people: 3 },
      ],
    });
    expect(Object.keys(report.covers.heads)).toHaveLength(1);
  });

  it('gives the same answer whatever the number of chunks, and reports progress', async () => {
    const whole = await buildExposureReport(t.db, window(), { broadRoles: ['agent'], now: new Date(0) });
    const seen: number[] = [];
    const pieces = await buildExposureReport(t.db, window(), { broadRoles: ['agent'], chunks: 7, now: new Date(0), onProgress: (done) => seen.push(done) });
    expect(pieces.byPerson).toEqual(whole.byPerson);
    expect(pieces.totals).toEqual(whole.totals);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('handles a window across the DST change: 01:30 → 03:30 local is one real hour', async () => {
    const report = await buildExposureReport(t.db, parseWindow({ from: '2020-03-29 01:30', to: '2020-03-29 03:30' }, zone), { broadRoles: [], now: new Date(0) });
    expect(report.byPerson).toEqual([
      expect.objectContaining({ subject: 'C1', times: 2, firstAt: '2020-03-29T01:40:00+01:00', lastAt: '2020-03-29T03:20:00+02:00' }),
    ]);
  });

  it('without broad-access roles configured, the agent is an illegitimate receiver too', async () => {
    const report = await buildExposureReport(t.db, window(), { broadRoles: [], now: new Date(0) });
    expect(report.byReceiver.find((r) => r.receiver === 'agent-7')?.subjects.map((s) => s.subject)).toEqual(['C2', 'P3']);
  });
});
