import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/http/errors.js';
import { parseWindow } from '../../src/exposure/window.js';
import { isoInZone } from '../../src/time/zoned.js';

const zone = 'Europe/Paris';
const fieldErrors = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('exposure window', () => {
  it('reads local wall time in the zone (CEST on 31 March 2020) or an ISO instant', () => {
    const w = parseWindow({ from: '2020-03-31 11:45', to: '2020-03-31T13:15:00Z' }, zone);
    expect(w.from.toISOString()).toBe('2020-03-31T09:45:00.000Z');
    expect(w.to.toISOString()).toBe('2020-03-31T13:15:00.000Z');
    expect(isoInZone(w.from, zone)).toBe('2020-03-31T11:45:00+02:00');
    expect(isoInZone(new Date('2020-01-15T10:00:00Z'), zone)).toBe('2020-01-15T11:00:00+01:00');
  });

  it('spans the spring-forward change: 01:30 → 03:30 on 29 March 2020 is one hour', () => {
    const w = parseWindow({ from: '2020-03-29 01:30', to: '2020-03-29 03:30' }, zone);
    expect(w.from.toISOString()).toBe('2020-03-29T00:30:00.000Z');
    expect(w.to.toISOString()).toBe('2020-03-29T01:30:00.000Z');
    expect(w.notes).toEqual([]);
  });

  it('reads a skipped wall time as the moment of the change, and says so', () => {
    const w = parseWindow({ from: '2020-03-29 02:30', to: '2020-03-29 04:00' }, zone);
    expect(w.from.toISOString()).toBe('2020-03-29T01:00:00.000Z');
    expect(w.notes[0]).toMatch(/does not exist in Europe\/Paris/);
  });

  it('widens a repeated wall time (fall back, 25 October 2020): first occurrence for from, second for to', () => {
    const w = parseWindow({ from: '2020-10-25 02:30', to: '2020-10-25 02:45' }, zone);
    expect(w.from.toISOString()).toBe('2020-10-25T00:30:00.000Z'); // 02:30 CEST
    expect(w.to.toISOString()).toBe('2020-10-25T01:45:00.000Z'); // 02:45 CET
    expect(w.notes).toHaveLength(2);
  });

  it('names the field for bad input: end before start, unknown zone, malformed dates', () => {
    expect(fieldErrors(() => parseWindow({ from: '2020-03-31 15:15', to: '2020-03-31 11:45' }, zone))).toEqual([{ path: 'query.to', message: 'must be after from' }]);
    expect(fieldErrors(() => parseWindow({ from: '2020-03-31 11:45', to: '2020-03-31 15:15', zone: 'Europe/Nowhere' }, zone))).toEqual([
      { path: 'query.zone', message: 'is not a known IANA time zone' },
    ]);
    const errors = fieldErrors(() => parseWindow({ from: '31/03/2020', to: '2020-02-30 10:00' }, zone, 'body'));
    expect(errors.map((e) => e.path)).toEqual(['body.from', 'body.to']);
    expect(errors[1]!.message).toBe('is not a valid date and time');
  });
});
