import { describe, expect, it } from 'vitest';
import { findAnomalies, type Cell } from '../../src/delivery/anomalies.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInNumberingPlan, carrierOf, normalizePhone, numberingPlan, reportedCarrier, useNumberingPlan } from '../../src/delivery/carrier.js';
import { parseConfig } from '../../src/config.js';
import { withNumberingPlan } from '../../src/entry/numbering-plan.js';
import { numberingFixtureFile } from './fixtures.js';
import { anomalyRules } from '../../src/delivery/channels.js';
import { describeAnomaly } from '../../src/delivery/monitor.js';
import { backoffMs } from '../../src/delivery/queue.js';

const failure = anomalyRules.kinds['failure-rate'];
const cell = (carrier: string, segment: string, sample: number, hits: number, total = sample, inferred = 0): Cell => ({ carrier, segment, sample, hits, total, inferred });

/** Four carriers × two segments, independent: every carrier has people in both segments. */
function campaign(rates: Record<string, number | Record<string, number>>, perCell: Record<string, number>): Cell[] {
  return Object.entries(perCell).flatMap(([carrier, n]) =>
    ['clients', 'agents'].map((segment) => {
      const rate = rates[carrier] ?? 0.01;
      const r = typeof rate === 'number' ? rate : (rate[segment] ?? 0.01);
      return cell(carrier, segment, n, Math.round(n * r));
    }),
  );
}

// 170,000 of 650,000 on one carrier (Pôle emploi, 2013), at a hundredth of the scale.
const poleEmploi = { Orange: 850, SFR: 800, 'Bouygues Telecom': 800, 'Free mobile': 800 };

describe('one anomaly, one alert, on the most specific slice that explains it', () => {
  it('a failing carrier is one alert on that carrier, with the share of the campaign it covers — not also its segments nor the campaign', () => {
    const found = findAnomalies(campaign({ Orange: 0.26 }, poleEmploi), failure, 0.01);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ carrier: 'Orange', segment: null, against: 'rest', sample: 1_700, hits: 442, total: 1_700, campaignTotal: 6_500 });
    expect(found[0]!.baseline).toBeCloseTo(0.01, 3);
    expect(describeAnomaly('failure-rate', found[0]!, 0.012)).toBe(
      'failure-rate on carrier Orange: 26.0 % failed (442 of 1,700 messages with a final outcome (delivery receipt, or refusal at hand-off)) against 1.0 % for the rest of the campaign; 1.2 % in past campaigns. It covers 26.2 % of the campaign (1,700 of 6,500 messages).',
    );
  });

  it('narrows to the carrier × segment cell when only that cell fails', () => {
    const found = findAnomalies(campaign({ Orange: { clients: 0.4 } }, poleEmploi), failure, undefined);
    expect(found).toMatchObject([{ carrier: 'Orange', segment: 'clients', sample: 850, total: 850 }]);
  });

  it('with one segment only ("(unknown)": the register has none), nothing is said about segments', () => {
    const cells = Object.entries(poleEmploi).map(([carrier, n]) => cell(carrier, '(unknown)', 2 * n, Math.round(2 * n * (carrier === 'Orange' ? 0.26 : 0.01))));
    expect(findAnomalies(cells, failure, undefined)).toMatchObject([{ carrier: 'Orange', segment: null }]);
  });

  it('a rise everywhere (a provider down) is one campaign-wide alert against past campaigns', () => {
    const found = findAnomalies(campaign({ Orange: 0.3, SFR: 0.3, 'Bouygues Telecom': 0.3, 'Free mobile': 0.3 }, poleEmploi), failure, 0.01);
    expect(found).toMatchObject([{ carrier: null, segment: null, against: 'history', baseline: 0.01, total: 6_500 }]);
  });

  it('waits while the slices are too small to say whether a failure is everywhere or in one of them', () => {
    const early = [cell('(unknown)', 'agents', 40, 40), cell('(unknown)', 'clients', 40, 0)];
    expect(findAnomalies(early, failure, undefined)).toEqual([]);
    const later = [cell('(unknown)', 'agents', 60, 60), cell('(unknown)', 'clients', 60, 0)];
    expect(findAnomalies(later, failure, undefined)).toMatchObject([{ carrier: null, segment: 'agents', against: 'rest' }]);
  });

  it('two independent failures are two alerts', () => {
    const found = findAnomalies(campaign({ Orange: 0.3, 'Free mobile': 0.5 }, poleEmploi), failure, undefined);
    expect(found.map((f) => f.carrier).sort()).toEqual(['Free mobile', 'Orange']);
  });

  it('normal spread, small samples and an even campaign raise nothing', () => {
    expect(findAnomalies(campaign({ Orange: 0.02, SFR: 0.025 }, poleEmploi), failure, 0.01)).toEqual([]);
    expect(findAnomalies([cell('Orange', 'a', 1_000, 10), cell('SFR', 'a', 20, 20)], failure, undefined)).toEqual([]);
  });

  it('says which carriers were inferred from the numbering plan', () => {
    const cells = [cell('Orange', 'a', 1_000, 300, 1_000, 400), cell('SFR', 'a', 1_000, 10, 1_000, 0)];
    const [found] = findAnomalies(cells, failure, undefined);
    expect(describeAnomaly('failure-rate', found!, undefined)).toContain('carrier inferred from the numbering plan (not reported by the provider) for 400 of them');
  });

  it('flags receipts that stopped arriving for one carrier', () => {
    const rule = anomalyRules.kinds['receipts-missing'];
    const cells = [cell('Orange', 'a', 1_000, 10), cell('Free mobile', 'a', 1_000, 1_000)];
    expect(findAnomalies(cells, rule, undefined)).toMatchObject([{ carrier: 'Free mobile', rate: 1, baseline: 0.01 }]);
  });
});

describe('numbers and carriers (a numbering plan as a fallback)', () => {
  it('normalises French numbers to E.164, overseas blocks to their own country code', () => {
    expect(normalizePhone('06 07 12 34 56')).toBe('+33607123456');
    expect(normalizePhone('+33 6 07 12 34 56')).toBe('+33607123456');
    expect(normalizePhone('0033607123456')).toBe('+33607123456');
    expect(normalizePhone('0692 12 34 56')).toBe('+262692123456');
    expect(normalizePhone('0690 12 34 56')).toBe('+590690123456');
    expect(normalizePhone('12')).toBeUndefined();
  });

  it('names the block holder, by the longest prefix', () => {
    expect(carrierOf('+33607123456')).toBe('Orange');
    expect(carrierOf('+33601600000')).toBe('SFR');
    expect(carrierOf('+33601630000')).toBe('Another operator'); // a longer block inside SFR's
    expect(carrierOf('+262692123456')).toBe('Société réunionnaise du radiotéléphone');
    expect(carrierOf('+4915112345678')).toBeNull();
  });

  it('guesses no carrier with the built-in plan, which holds no block allocations, but still reads network codes', () => {
    expect(carrierOf('+33607123456', builtInNumberingPlan)).toBeNull();
    expect(normalizePhone('0692 12 34 56', builtInNumberingPlan)).toBe('+262692123456');
    expect(reportedCarrier('20820', builtInNumberingPlan)).toBe('Bouygues Telecom');
  });

  it('loads VIGIE_NUMBERING_PLAN at start, and refuses a missing or malformed file naming the setting', () => {
    const before = numberingPlan();
    try {
      useNumberingPlan(builtInNumberingPlan);
      withNumberingPlan(parseConfig({ VIGIE_NUMBERING_PLAN: numberingFixtureFile }));
      expect(carrierOf('+33650123456')).toBe('Bouygues Telecom');
      const dir = mkdtempSync(join(tmpdir(), 'vigie-plan-'));
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...builtInNumberingPlan, blocks: { '06x': 'FRTE' } }));
      expect(() => withNumberingPlan(parseConfig({ VIGIE_NUMBERING_PLAN: join(dir, 'bad.json') }))).toThrow(/^VIGIE_NUMBERING_PLAN: blocks/);
      expect(() => withNumberingPlan(parseConfig({ VIGIE_NUMBERING_PLAN: join(dir, 'none.json') }))).toThrow(/^VIGIE_NUMBERING_PLAN: no such file/);
    } finally {
      useNumberingPlan(before);
    }
  });

  it("takes the provider's network as reported, mobile network codes by their operator's name", () => {
    expect(reportedCarrier('20801')).toBe('Orange');
    expect(reportedCarrier(20815)).toBe('Free mobile');
    expect(reportedCarrier(' Bouygues Telecom ')).toBe('Bouygues Telecom');
    expect(reportedCarrier('')).toBeNull();
    expect(reportedCarrier(undefined)).toBeNull();
  });

  it('backs off exponentially with jitter, capped', () => {
    const settings = { backoffBaseMs: 30_000, backoffMaxMs: 600_000 };
    expect(backoffMs(1, settings, () => 0)).toBe(15_000);
    expect(backoffMs(1, settings, () => 1)).toBe(30_000);
    expect(backoffMs(3, settings, () => 1)).toBe(120_000);
    expect(backoffMs(12, settings, () => 1)).toBe(600_000);
  });
});
