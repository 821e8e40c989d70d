import { describe, expect, it } from 'vitest';
import { instantsForWallTime, isKnownZone, isoInZone, offsetMinutes, offsetText, wallTimeIn, wallTimeToUtc } from '../../src/time/zoned.js';

const paris = 'Europe/Paris';
const at = (iso: string) => new Date(iso).getTime();
const wall = (year: number, month: number, day: number, hour: number, minute: number) => ({ year, month, day, hour, minute, second: 0 });
const iso = (ms: number) => new Date(ms).toISOString();

describe('time in a zone (Europe/Paris)', () => {
  it('shows a winter and a summer instant with their offset', () => {
    expect(offsetMinutes(new Date('2020-01-15T10:00:00Z'), paris)).toBe(60);
    expect(isoInZone(new Date('2020-01-15T10:00:00Z'), paris)).toBe('2020-01-15T11:00:00+01:00');
    expect(offsetMinutes(at('2020-03-31T13:15:00Z'), paris)).toBe(120);
    expect(isoInZone(at('2020-03-31T13:15:00.999Z'), paris)).toBe('2020-03-31T15:15:00+02:00');
    expect(wallTimeIn(at('2020-03-31T13:15:00Z'), paris)).toEqual({ year: 2020, month: 3, day: 31, hour: 15, minute: 15, second: 0 });
    expect(isoInZone(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe('2026-01-15T07:00:00-05:00');
    expect(`UTC${offsetText(offsetMinutes(0, 'UTC'))}`).toBe('UTC+00:00');
  });

  it('changes offset at 01:00 UTC on 29 March 2020 (02:00 → 03:00), one second apart', () => {
    expect(isoInZone(at('2020-03-29T00:59:59Z'), paris)).toBe('2020-03-29T01:59:59+01:00');
    expect(isoInZone(at('2020-03-29T01:00:00Z'), paris)).toBe('2020-03-29T03:00:00+02:00');
  });

  it('has no instant for a wall time in the skipped hour; wallTimeToUtc reads it with the winter offset', () => {
    expect(instantsForWallTime(wall(2020, 3, 29, 2, 30), paris)).toEqual([]);
    expect(wallTimeToUtc(wall(2020, 3, 29, 2, 30), paris).toISOString()).toBe('2020-03-29T01:30:00.000Z'); // shown as 03:30 +02:00
    expect(instantsForWallTime(wall(2020, 3, 29, 3, 0), paris).map(iso)).toEqual(['2020-03-29T01:00:00.000Z']);
  });

  it('changes back at 01:00 UTC on 25 October 2020 (03:00 → 02:00): 02:30 happens twice', () => {
    expect(isoInZone(at('2020-10-25T00:59:59Z'), paris)).toBe('2020-10-25T02:59:59+02:00');
    expect(isoInZone(at('2020-10-25T01:00:00Z'), paris)).toBe('2020-10-25T02:00:00+01:00');
    expect(instantsForWallTime(wall(2020, 10, 25, 2, 30), paris).map(iso)).toEqual(['2020-10-25T00:30:00.000Z', '2020-10-25T01:30:00.000Z']);
    expect(wallTimeToUtc(wall(2020, 10, 25, 2, 30), paris).toISOString()).toBe('2020-10-25T00:30:00.000Z'); // first occurrence
    expect(instantsForWallTime(wall(2020, 10, 25, 3, 0), paris).map(iso)).toEqual(['2020-10-25T02:00:00.000Z']);
  });

  it('refuses an unknown zone', () => {
    expect(isKnownZone(paris)).toBe(true);
    expect(isKnownZone('Europe/Nowhere')).toBe(false);
    expect(() => isoInZone(at('2020-03-31T13:15:00Z'), 'Europe/Nowhere')).toThrow(RangeError);
  });
});
