import { describe, expect, it } from 'vitest';
import { findAnomalies } from '../../src/delivery/monitor.js';
import { carrierOf, normalizePhone } from '../../src/delivery/carrier.js';
import { backoffMs } from '../../src/delivery/queue.js';

const slice = (value: string, finished: number, failed: number, old = 0, awaitingOld = 0) => ({ value, finished, failed, old, awaitingOld });

describe('anomaly rules', () => {
  it('flags one carrier at 26 % failure while the others are at 1 % (Pôle emploi, 2013)', () => {
    const found = findAnomalies('carrier', [slice('a', 10_000, 100), slice('b', 10_000, 100), slice('c', 10_000, 2_600)], new Map([['c', 0.01]]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'failure-rate', value: 'c', rate: 0.26, baseline: 0.01 });
    expect(found[0]!.detail).toBe('carrier c: 26.0 % failed (2600 of 10000 with a receipt) against 1.0 % for the other carrier values; 1.0 % in past campaigns');
  });

  it('does not flag normal spread, small samples, or a uniform rise (that is the campaign-level rule)', () => {
    expect(findAnomalies('carrier', [slice('a', 1_000, 10), slice('b', 1_000, 25), slice('c', 1_000, 30)], new Map())).toEqual([]);
    expect(findAnomalies('carrier', [slice('a', 1_000, 10), slice('c', 20, 20)], new Map())).toEqual([]);
    expect(findAnomalies('carrier', [slice('a', 1_000, 300), slice('b', 1_000, 300)], new Map())).toEqual([]);
    const campaign = findAnomalies('campaign', [slice('all', 2_000, 600)], new Map([['*', 0.01]]));
    expect(campaign).toMatchObject([{ kind: 'failure-rate', dimension: 'campaign', rate: 0.3, baseline: 0.01 }]);
  });

  it('flags receipts that stopped arriving for one carrier', () => {
    const found = findAnomalies('carrier', [slice('a', 900, 9, 1_000, 10), slice('d', 0, 0, 1_000, 1_000)], new Map());
    expect(found).toMatchObject([{ kind: 'receipts-missing', value: 'd', rate: 1, baseline: 0.01 }]);
  });
});

describe('numbers and carriers', () => {
  it('normalises French numbers to E.164 and guesses the carrier by the longest prefix', () => {
    expect(normalizePhone('06 02 12 34 56')).toBe('+33602123456');
    expect(normalizePhone('+33 6 02 12 34 56')).toBe('+33602123456');
    expect(normalizePhone('0033602123456')).toBe('+33602123456');
    expect(normalizePhone('12')).toBeUndefined();
    expect(carrierOf('+33602123456')).toBe('carrier-c');
    expect(carrierOf('+33650123456')).toBe('carrier-a');
    expect(carrierOf('+4915112345678')).toBeNull();
  });

  it('backs off exponentially with jitter, capped', () => {
    const settings = { backoffBaseMs: 30_000, backoffMaxMs: 600_000 };
    expect(backoffMs(1, settings, () => 0)).toBe(15_000);
    expect(backoffMs(1, settings, () => 1)).toBe(30_000);
    expect(backoffMs(3, settings, () => 1)).toBe(120_000);
    expect(backoffMs(12, settings, () => 1)).toBe(600_000);
  });
});
