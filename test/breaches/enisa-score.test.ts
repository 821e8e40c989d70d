import { describe, expect, it } from 'vitest';
import { scoreEnisa, severityBand } from '../../src/breaches/risk/enisa-score.js';
import { riskInput, type RiskInputDraft } from '../../src/breaches/risk/risk-input.js';
import { ValidationError } from '../../src/http/errors.js';

const score = (draft: RiskInputDraft) => scoreEnisa(riskInput.parse(draft));

describe('ENISA severity: SE = DPC × EI + CB', () => {
  it('bands are exact at the boundaries: < 2 low, 2 ≤ SE < 3 medium, 3 ≤ SE < 4 high, ≥ 4 very high', () => {
    expect(severityBand(1.99)).toBe('low');
    expect(severityBand(2)).toBe('medium');
    expect(severityBand(2.99)).toBe('medium');
    expect(severityBand(3)).toBe('high');
    expect(severityBand(3.99)).toBe('high');
    expect(severityBand(4)).toBe('very-high');
    expect(severityBand(0.25)).toBe('low');
    expect(severityBand(6)).toBe('very-high');
  });

  it('scores reach the boundaries exactly from real inputs', () => {
    // 1 × 1 + 0.5 + 0.5 = 2 (not 1.999…): medium, where the wrong public calculator says high.
    expect(score({ dataCategories: ['contact'], easeOfIdentification: 'maximum', confidentiality: 'unknown-recipients', malicious: true })).toMatchObject({
      dpc: 1,
      ei: 1,
      cb: 1,
      score: 2,
      band: 'medium',
    });
    expect(score({ dataCategories: ['financial'], easeOfIdentification: 'maximum' })).toMatchObject({ score: 3, band: 'high' });
    expect(score({ dataCategories: ['health'], easeOfIdentification: 'maximum' })).toMatchObject({ score: 4, band: 'very-high' });
    expect(score({ dataCategories: ['health'], easeOfIdentification: 'significant', integrity: 'recoverable', availability: 'temporary', confidentiality: 'known-recipients', malicious: false })).toMatchObject({
      score: 3.75,
      band: 'high',
    });
    expect(
      score({ dataCategories: ['health'], easeOfIdentification: 'maximum', confidentiality: 'unknown-recipients', integrity: 'not-recoverable', availability: 'total', malicious: true }),
    ).toMatchObject({ score: 6, band: 'very-high' });
    expect(score({ dataCategories: ['contact'], easeOfIdentification: 'negligible' })).toMatchObject({ score: 0.25, band: 'low' });
  });

  it('several data types: the highest DPC wins', () => {
    expect(score({ dataCategories: ['contact', 'location', 'financial'], easeOfIdentification: 'limited' })).toMatchObject({ dpcBase: 3, dpc: 3, score: 1.5 });
  });

  it('changing the DPC needs a written justification; keeping it does not', () => {
    const attempt = () => score({ dataCategories: ['contact'], dpc: 3, easeOfIdentification: 'maximum' });
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).errors[0]?.path).toBe('dpcJustification');
    }
    expect(() => score({ dataCategories: ['contact'], dpc: 3, dpcJustification: 'ok', easeOfIdentification: 'maximum' })).toThrow(ValidationError);
    const raised = score({
      dataCategories: ['contact'],
      personCategories: ['minors'],
      dpc: 3,
      dpcJustification: 'Contact details of minors in care: vulnerable people (ENISA context)',
      easeOfIdentification: 'maximum',
    });
    expect(raised).toMatchObject({ dpcBase: 1, dpc: 3, score: 3, band: 'high' });
    expect(raised.dpcJustification).toContain('minors');
    const lowered = score({ dataCategories: ['financial'], dpc: 1, dpcJustification: 'Amounts already public in the annual report', easeOfIdentification: 'maximum' });
    expect(lowered).toMatchObject({ dpcBase: 3, dpc: 1 });
    expect(score({ dataCategories: ['financial'], dpc: 3, easeOfIdentification: 'maximum' }).dpc).toBe(3);
  });

  it('no data category with a base score: the DPC must be stated and justified', () => {
    expect(() => score({ dataCategories: ['unknown'], easeOfIdentification: 'maximum' })).toThrow(/dpc/);
    expect(score({ dataCategories: ['unknown'], dpc: 2, dpcJustification: 'Data not yet known; behavioural at most', easeOfIdentification: 'limited' }).score).toBe(1);
  });

  it('the two flags are reported, not scored', () => {
    const many = score({ dataCategories: ['contact'], easeOfIdentification: 'maximum', peopleCount: 101, unintelligible: true });
    const few = score({ dataCategories: ['contact'], easeOfIdentification: 'maximum', peopleCount: 100 });
    expect(many.flags).toEqual({ manyPeople: true, unintelligible: true });
    expect(few.flags).toEqual({ manyPeople: false, unintelligible: false });
    expect(many.score).toBe(few.score);
    expect(score({ dataCategories: ['contact'], easeOfIdentification: 'maximum' }).flags.manyPeople).toBeNull();
  });

  it('ENISA’s context adjustments move the DPC both ways within 1–4, each with its written justification', () => {
    const adjusted = score({
      dataCategories: ['contact'],
      easeOfIdentification: 'maximum',
      dpcAdjustments: [{ code: 'sensitive-inference', justification: 'Patient list of a specialised clinic' }],
    });
    expect(adjusted).toMatchObject({ dpcBase: 1, dpc: 3, adjustments: [{ code: 'sensitive-inference', from: 1, to: 3, automatic: false }] });
    expect(adjusted.dpcJustification).toBe('Patient list of a specialised clinic');
    const lowered = score({ dataCategories: ['health'], easeOfIdentification: 'maximum', dpcAdjustments: [{ code: 'no-insight', justification: 'A dietary preference, no diagnosis' }] });
    expect(lowered).toMatchObject({ dpcBase: 4, dpc: 2, score: 2 });
    // Never below 1 nor above 4.
    expect(score({ dataCategories: ['contact'], easeOfIdentification: 'maximum', dpcAdjustments: [{ code: 'inaccurate', justification: 'Addresses known to be outdated' }] }).dpc).toBe(1);
    expect(score({ dataCategories: ['financial'], easeOfIdentification: 'maximum', dpcAdjustments: [{ code: 'safety-critical', justification: 'Addresses of protected persons' }, { code: 'profiling', justification: 'Years of statements' }] }).dpc).toBe(4);
    expect(() => score({ dataCategories: ['contact'], easeOfIdentification: 'maximum', dpcAdjustments: [{ code: 'profiling', justification: 'short' }] })).toThrow(/dpcAdjustments\.0\.justification/);
    expect(() => riskInput.parse({ easeOfIdentification: 'maximum', dpcAdjustments: [{ code: 'made-up', justification: 'Something long enough' }] })).toThrow();
  });

  it('circumstances are scored as ENISA’s elements: the recipients, unintelligible data, a restore time', () => {
    const unintelligible = score({ dataCategories: ['health'], easeOfIdentification: 'maximum', recipients: 'unknown', unintelligible: true });
    expect(unintelligible.elements.confidentiality).toMatchObject({ code: 'exposed', value: 0, before: 'unknown-recipients' });
    expect(score({ dataCategories: ['contact'], easeOfIdentification: 'maximum', recipients: 'public' }).elements.confidentiality).toMatchObject({ code: 'unknown-recipients', value: 0.5 });
    expect(score({ dataCategories: ['contact'], easeOfIdentification: 'maximum', restoreHours: 48 }).elements.availability).toMatchObject({ code: 'temporary', value: 0.25 });
  });
});
