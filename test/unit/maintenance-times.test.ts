import { describe, expect, it } from 'vitest';
import { parseWhen } from '../../src/cli/maintenance-command.js';

const zone = 'Europe/Paris';

describe('maintenance CLI times (--from, --until) across DST changes', () => {
  it('reads a wall time in the zone, on the given day or today', () => {
    expect(parseWhen('2020-03-31T15:15', '--until', new Date('2020-03-31T09:00:00Z'), zone).toISOString()).toBe('2020-03-31T13:15:00.000Z');
    expect(parseWhen('15:15', '--until', new Date('2020-03-31T09:00:00Z'), zone).toISOString()).toBe('2020-03-31T13:15:00.000Z');
    expect(parseWhen('15:15', '--until', new Date('2020-01-15T09:00:00Z'), zone).toISOString()).toBe('2020-01-15T14:15:00.000Z');
    expect(parseWhen('2020-10-25T02:30:00+01:00', '--until', new Date(), zone).toISOString()).toBe('2020-10-25T01:30:00.000Z');
  });

  it('refuses a time the clocks skip, naming the flag', () => {
    expect(() => parseWhen('2020-03-29T02:30', '--from', new Date(), zone)).toThrow(/--from 2020-03-29 02:30 does not exist in Europe\/Paris/);
    // "today" on the night clocks go forward
    expect(() => parseWhen('2:30', '--until', new Date('2020-03-28T23:30:00Z'), zone)).toThrow(/does not exist/);
  });

  it('refuses a time that happens twice, and spells both readings with their offsets', () => {
    expect(() => parseWhen('2020-10-25T02:30', '--until', new Date(), zone)).toThrow(
      'maintenance: --until 2020-10-25 02:30 happens twice in Europe/Paris (clocks go back that night); write 2020-10-25T02:30+02:00 or 2020-10-25T02:30+01:00',
    );
    expect(() => parseWhen('02:30', '--until', new Date('2020-10-24T23:00:00Z'), zone)).toThrow(/happens twice/);
    // the hour after is unambiguous
    expect(parseWhen('2020-10-25T03:30', '--until', new Date(), zone).toISOString()).toBe('2020-10-25T02:30:00.000Z');
  });

  it('refuses what is not a time', () => {
    expect(() => parseWhen('half past three', '--until', new Date(), zone)).toThrow(/must look like 15:15/);
    expect(() => parseWhen('2020-02-30T10:00', '--until', new Date(), zone)).toThrow(/must look like 15:15/);
  });
});
