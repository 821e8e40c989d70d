import { describe, expect, it } from 'vitest';
import { parseDateInZone } from '../../src/breaches/zoned-time.js';
import { parseWindow } from '../../src/exposure/window.js';
import { instantsFromZoned } from '../../src/maintenance/format-time.js';
import { instantReasons, readInstant } from '../../src/time/parse-instant.js';
import type { FieldError } from '../../src/http/errors.js';
import { readRelation } from '../../src/exposure/relations.js';

const paris = 'Europe/Paris';
const at = (text: string, options?: { dateAlone?: boolean }) => {
  const reading = readInstant(text, paris, options);
  if (reading.kind === 'instant') return reading.at.toISOString();
  if (reading.kind === 'wall') return reading.instants.map((ms) => new Date(ms).toISOString());
  return reading.reason;
};

describe('one reader for the dates people type', () => {
  it('refuses impossible dates and times instead of rolling them over', () => {
    for (const text of ['2020-02-30 10:00', '2020-02-31 25:00', '2021-02-29 10:00', '2020-04-31 10:00', '2020-13-01 10:00', '2020-03-31 10:60', '2020-03-31 10:00:60', '2020-02-30T10:00:00Z', '2020-03-31T10:00:00+25:00']) {
      expect(at(text), text).toBe(instantReasons.impossible);
    }
    expect(at('31/03/2020 10:00')).toBe(instantReasons.shape);
    expect(at('2020-03-31T10:00:00')).toEqual(['2020-03-31T08:00:00.000Z']); // no offset: wall time in the zone
    expect(at('2020-02-29 10:00')).toEqual(['2020-02-29T09:00:00.000Z']);
  });

  it('reads wall time in Paris across both DST changes of 2020, and instants with their offset', () => {
    expect(at('2020-03-31 11:45')).toEqual(['2020-03-31T09:45:00.000Z']); // two days after the change: UTC+2
    expect(at('2020-03-29 02:30')).toEqual([]); // skipped: clocks went from 02:00 to 03:00
    expect(at('2020-10-25 02:30')).toEqual(['2020-10-25T00:30:00.000Z', '2020-10-25T01:30:00.000Z']); // repeated
    expect(at('2020-03-31T11:45:00+02:00')).toBe('2020-03-31T09:45:00.000Z');
    expect(at('2020-03-31T09:45:00Z')).toBe('2020-03-31T09:45:00.000Z');
  });

  it('takes a date alone, as the start of that day in the zone, only where the caller allows it', () => {
    expect(at('2019-01-01')).toBe(instantReasons.shape);
    expect(at('2019-01-01', { dateAlone: true })).toEqual(['2018-12-31T23:00:00.000Z']);
    expect(at('2019-07-01', { dateAlone: true })).toEqual(['2019-06-30T22:00:00.000Z']);
    expect(at('2019-02-30', { dateAlone: true })).toBe(instantReasons.impossible);
  });

  it('is the reader behind the register, the exposure window, maintenance times and relations', () => {
    expect(parseDateInZone('2020-02-30 10:00', paris)).toBeUndefined();
    expect(parseDateInZone('2020-03-31 11:30', paris)?.toISOString()).toBe('2020-03-31T09:30:00.000Z');
    expect(() => parseWindow({ from: '2020-02-31 25:00', to: '2020-03-31 15:15' }, paris)).toThrow(/query\.from/);
    expect(instantsFromZoned('2020-02-30', '11:45', paris)).toBeUndefined();
    expect(instantsFromZoned('2020-03-31', '9:45', paris)).toEqual([Date.parse('2020-03-31T07:45:00Z')]);
    const errors: FieldError[] = [];
    const relation = readRelation({ principal: 'p-2', subject: 'p-1', validFrom: '2019-01-01', validTo: '2020-01-01' }, paris, 'relations.0', errors);
    expect(errors).toEqual([]);
    expect(relation).toMatchObject({ validFrom: new Date('2018-12-31T23:00:00Z'), validTo: new Date('2019-12-31T23:00:00Z') });
  });
});
