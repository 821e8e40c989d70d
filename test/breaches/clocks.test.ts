import { describe, expect, it } from 'vitest';
import { computeClocks, overdueClocks, type ClockInput } from '../../src/breaches/clocks/compute-clocks.js';
import { addCalendarMonths, formatInZone, parseDateInZone } from '../../src/breaches/zoned-time.js';
import { isoInZone } from '../../src/time/zoned.js';

const paris = 'Europe/Paris';
const at = (text: string) => {
  const date = parseDateInZone(text, paris);
  if (!date) throw new Error(`bad date ${text}`);
  return date;
};
const base = (overrides: Partial<ClockInput> = {}): ClockInput => ({
  awareAt: at('2026-03-27 16:00'),
  classifiedAt: null,
  regimes: [],
  filings: [],
  gdprNotificationNotRequired: false,
  now: at('2026-03-28 09:00'),
  timeZone: paris,
  ...overrides,
});
const find = (clocks: ReturnType<typeof computeClocks>, regime: string, step: string) => {
  const clock = clocks.find((c) => c.regime === regime && c.step === step);
  if (!clock) throw new Error(`no clock ${regime}/${step}`);
  return clock;
};
const shown = (date: Date | null) => (date ? formatInZone(date, paris) : null);

describe('dates in the organisation’s zone', () => {
  it('stores UTC, shows the zone with its offset', () => {
    const start = at('2020-03-31 11:45');
    expect(start.toISOString()).toBe('2020-03-31T09:45:00.000Z');
    expect(formatInZone(start, paris)).toBe('2020-03-31 11:45 +02:00');
    expect(isoInZone(start, paris)).toBe('2020-03-31T11:45:00+02:00');
    expect(formatInZone(new Date('2026-01-15T12:00:00Z'), paris)).toBe('2026-01-15 13:00 +01:00');
    expect(formatInZone(new Date('2026-01-15T12:00:00Z'), 'America/New_York')).toBe('2026-01-15 07:00 -05:00');
  });

  it('reads local times across DST changes, and ISO with an offset as is', () => {
    expect(at('2026-03-29 01:30').toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(at('2026-03-29 03:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // The skipped hour reads with the winter offset: 02:30 does not exist, clocks jump to 03:30 CEST.
    expect(at('2026-03-29 02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // The repeated hour in October: the first occurrence (CEST).
    expect(at('2026-10-25 02:30').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(parseDateInZone('2026-03-27T16:00:00+01:00', paris)?.toISOString()).toBe('2026-03-27T15:00:00.000Z');
    expect(parseDateInZone('2026-03-27T16:00:00', paris)?.toISOString()).toBe('2026-03-27T15:00:00.000Z');
    expect(parseDateInZone('27/03/2026', paris)).toBeUndefined();
    expect(parseDateInZone('2026-13-45T99:00:00Z', paris)).toBeUndefined();
  });

  it('adds calendar months on the wall clock, clamped to the month’s last day', () => {
    expect(shown(addCalendarMonths(at('2026-03-30 17:00'), 1, paris))).toBe('2026-04-30 17:00 +02:00');
    expect(shown(addCalendarMonths(at('2026-10-10 09:00'), 1, paris))).toBe('2026-11-10 09:00 +01:00');
    expect(shown(addCalendarMonths(at('2026-01-31 12:00'), 1, paris))).toBe('2026-02-28 12:00 +01:00');
    expect(shown(addCalendarMonths(at('2028-01-31 12:00'), 1, paris))).toBe('2028-02-29 12:00 +01:00');
    expect(shown(addCalendarMonths(at('2026-12-15 12:00'), 1, paris))).toBe('2027-01-15 12:00 +01:00');
  });
});

describe('GDPR 72-hour clock', () => {
  it('aware 2026-03-27 16:00 Europe/Paris → due 2026-03-30 17:00 Europe/Paris (absolute time across DST and a weekend)', () => {
    const gdpr = find(computeClocks(base()), 'gdpr', 'notification');
    expect(gdpr.dueAt?.toISOString()).toBe('2026-03-30T15:00:00.000Z');
    expect(shown(gdpr.dueAt)).toBe('2026-03-30 17:00 +02:00');
    expect(gdpr).toMatchObject({ state: 'running', overdue: false, provisional: false });
  });

  it('running, then missed one millisecond after the due time; met when filed in time; missed when filed late', () => {
    const due = new Date('2026-03-30T15:00:00.000Z');
    expect(find(computeClocks(base({ now: due })), 'gdpr', 'notification').state).toBe('running');
    const late = computeClocks(base({ now: new Date(due.getTime() + 1) }));
    expect(find(late, 'gdpr', 'notification')).toMatchObject({ state: 'missed', overdue: true });
    expect(overdueClocks(late).map((c) => c.regime)).toEqual(['gdpr']);
    const filedInTime = computeClocks(base({ now: at('2026-04-02 10:00'), filings: [{ regime: 'gdpr', step: 'notification', filedAt: due }] }));
    expect(find(filedInTime, 'gdpr', 'notification')).toMatchObject({ state: 'met', overdue: false, satisfiedAt: due });
    const filedLate = computeClocks(base({ filings: [{ regime: 'gdpr', step: 'notification', filedAt: new Date(due.getTime() + 60_000) }] }));
    expect(find(filedLate, 'gdpr', 'notification')).toMatchObject({ state: 'missed', overdue: false });
  });

  it('waits while the awareness time is unknown; does not run once the DPO decided not to notify', () => {
    expect(find(computeClocks(base({ awareAt: null })), 'gdpr', 'notification')).toMatchObject({ state: 'waiting', dueAt: null });
    const waived = computeClocks(base({ gdprNotificationNotRequired: true, now: at('2026-04-10 10:00') }));
    expect(find(waived, 'gdpr', 'notification')).toMatchObject({ state: 'not-required', overdue: false });
  });

  it('only the GDPR runs unless the organisation declared other regimes', () => {
    expect(computeClocks(base()).map((c) => c.regime)).toEqual(['gdpr']);
  });
});

describe('NIS2, ePrivacy and DORA clocks', () => {
  it('NIS2: early warning 24 h, notification 72 h, final report one calendar month after the notification', () => {
    const clocks = computeClocks(base({ regimes: ['nis2'] }));
    expect(shown(find(clocks, 'nis2', 'early-warning').dueAt)).toBe('2026-03-28 16:00 +01:00');
    expect(shown(find(clocks, 'nis2', 'incident-notification').dueAt)).toBe('2026-03-30 17:00 +02:00');
    const final = find(clocks, 'nis2', 'final-report');
    expect(final).toMatchObject({ provisional: true, state: 'running' });
    expect(shown(final.dueAt)).toBe('2026-04-30 17:00 +02:00');
    const filed = computeClocks(base({ regimes: ['nis2'], filings: [{ regime: 'nis2', step: 'incident-notification', filedAt: at('2026-03-29 10:15') }] }));
    expect(find(filed, 'nis2', 'final-report')).toMatchObject({ provisional: false });
    expect(shown(find(filed, 'nis2', 'final-report').dueAt)).toBe('2026-04-29 10:15 +02:00');
  });

  it('NIS2 trust service providers: notification within 24 h', () => {
    const clocks = computeClocks(base({ regimes: ['nis2-trust-service'] }));
    expect(shown(find(clocks, 'nis2-trust-service', 'incident-notification').dueAt)).toBe('2026-03-28 16:00 +01:00');
  });

  it('ePrivacy 611/2013: 24 h after detection, the second within 3 days of the initial one', () => {
    const clocks = computeClocks(base({ regimes: ['eprivacy'], filings: [{ regime: 'eprivacy', step: 'initial', filedAt: at('2026-03-28 08:00') }] }));
    expect(find(clocks, 'eprivacy', 'initial')).toMatchObject({ state: 'met' });
    // 72 h of absolute time across the DST change: 08:00 CET + 72 h = 09:00 CEST.
    expect(shown(find(clocks, 'eprivacy', 'second').dueAt)).toBe('2026-03-31 09:00 +02:00');
  });

  it('DORA: initial 4 h after classification but at most 24 h after awareness; intermediate 72 h; final one month', () => {
    const early = computeClocks(base({ regimes: ['dora'], classifiedAt: at('2026-03-27 18:00') }));
    expect(shown(find(early, 'dora', 'initial').dueAt)).toBe('2026-03-27 22:00 +01:00');
    const lateClassification = computeClocks(base({ regimes: ['dora'], classifiedAt: at('2026-03-28 15:00') }));
    expect(shown(find(lateClassification, 'dora', 'initial').dueAt)).toBe('2026-03-28 16:00 +01:00');
    const unclassified = computeClocks(base({ regimes: ['dora'] }));
    expect(find(unclassified, 'dora', 'initial')).toMatchObject({ provisional: true });
    expect(shown(find(unclassified, 'dora', 'initial').dueAt)).toBe('2026-03-28 16:00 +01:00');
    const filed = computeClocks(
      base({
        regimes: ['dora'],
        classifiedAt: at('2026-03-27 18:00'),
        filings: [
          { regime: 'dora', step: 'initial', filedAt: at('2026-03-27 21:00') },
          { regime: 'dora', step: 'intermediate', filedAt: at('2026-03-30 20:00') },
        ],
      }),
    );
    expect(shown(find(filed, 'dora', 'intermediate').dueAt)).toBe('2026-03-30 22:00 +02:00');
    expect(find(filed, 'dora', 'intermediate').state).toBe('met');
    expect(shown(find(filed, 'dora', 'final').dueAt)).toBe('2026-04-30 20:00 +02:00');
  });
});
