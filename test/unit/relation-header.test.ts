import { describe, expect, it } from 'vitest';
import { parseRelationsHeader } from '../../src/exposure/relation-header.js';

describe('the Vigie-Relations header', () => {
  it('reads each item, with optional end and kind, and local times in the zone', () => {
    const { relations, bad } = parseRelationsHeader(
      'principal=P1; subject=C1; from=2019-09-01T00:00:00Z; kind=employment, PRINCIPAL = C1 ;subject=P1;from=2019-09-01 00:00;to=2020-03-01 00:00',
      'Europe/Paris',
    );
    expect(bad).toBe(0);
    expect(relations).toEqual([
      { principal: 'P1', subject: 'C1', validFrom: new Date('2019-09-01T00:00:00Z'), validTo: null, kind: 'employment' },
      // Paris wall time: UTC+2 in September, UTC+1 in March.
      { principal: 'C1', subject: 'P1', validFrom: new Date('2019-08-31T22:00:00Z'), validTo: new Date('2020-02-29T23:00:00Z'), kind: null },
    ]);
  });

  it('skips malformed items and keeps the rest: no start, no subject, an end before the start', () => {
    const { relations, bad } = parseRelationsHeader(
      'principal=P1; subject=C1, principal=P2; subject=; from=2019-01-01T00:00:00Z, principal=P3; subject=C3; from=2020-01-01T00:00:00Z; to=2019-01-01T00:00:00Z, principal=P4; subject=C4; from=2019-01-01T00:00:00Z',
      'UTC',
    );
    expect(bad).toBe(3);
    expect(relations.map((r) => r.principal)).toEqual(['P4']);
  });

  it('reads at most 100 items of one response', () => {
    const items = Array.from({ length: 150 }, (_, i) => `principal=P${i}; subject=C${i}; from=2019-01-01T00:00:00Z`).join(', ');
    expect(parseRelationsHeader(items, 'UTC').relations).toHaveLength(100);
  });
});
