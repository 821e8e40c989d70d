import { describe, expect, it } from 'vitest';
import clockRules from '../../src/breaches/data/clock-rules.json' with { type: 'json' };
import enisa from '../../src/breaches/data/enisa.json' with { type: 'json' };
import nextSteps from '../../src/breaches/data/next-steps.json' with { type: 'json' };
import riskFactors from '../../src/breaches/data/risk-factors.json' with { type: 'json' };
import { labelOf, peopleCountBand, vocabularies, type Term } from '../../src/breaches/vocabularies.js';

describe('CNIL vocabularies and regulatory tables are data, with their source', () => {
  it('every data file names its source', () => {
    for (const data of [vocabularies, clockRules, enisa, nextSteps, riskFactors, riskFactors.thresholds]) {
      expect(data.source.length).toBeGreaterThan(30);
    }
  });

  it('every vocabulary has unique codes and French and English labels', () => {
    const lists = Object.entries(vocabularies).filter(([, value]) => Array.isArray(value)) as [string, Term[]][];
    expect(lists.map(([name]) => name).sort()).toEqual(
      ['consequences', 'causes', 'dataCategories', 'dataMedia', 'establishment', 'natures', 'origins', 'peopleCountBands', 'peopleInformed', 'personCategories', 'severityScale'].sort(),
    );
    for (const [, terms] of lists) {
      expect(new Set(terms.map((t) => t.code)).size).toBe(terms.length);
      for (const term of terms) {
        expect(term.fr.length).toBeGreaterThan(0);
        expect(term.en.length).toBeGreaterThan(0);
      }
    }
  });

  it('keeps the CNIL’s own words, e.g. the Pajemploi origin and the special categories one by one', () => {
    expect(labelOf('origins', 'wrong-person-on-portal')).toBe('Données de la mauvaise personne affichées sur le portail du client');
    expect(labelOf('origins', 'wrong-person-on-portal', 'en')).toBe("Wrong person's data shown on the customer portal");
    const special = vocabularies.dataCategories.filter((c) => 'special' in c && c.special).map((c) => c.code);
    expect(special).toEqual(['offences', 'racial-ethnic', 'political', 'religious', 'trade-union', 'sexual-orientation', 'health', 'biometric', 'genetic']);
    expect(vocabularies.causes).toHaveLength(6);
    expect(vocabularies.origins).toHaveLength(12);
    expect(vocabularies.peopleInformed.map((t) => t.code)).toEqual(['informed', 'will-be', 'will-not', 'undetermined']);
  });

  it('bands counts of people as the CNIL open data does', () => {
    expect([0, 5, 6, 50, 51, 300, 301, 5000, 5001, 650_000].map(peopleCountBand)).toEqual(['0-5', '0-5', '6-50', '6-50', '51-300', '51-300', '301-5000', '301-5000', '5001+', '5001+']);
    expect(peopleCountBand(null)).toBeUndefined();
  });

  it('every recommendation factor and outcome has both languages', () => {
    for (const factor of Object.values(riskFactors.factors)) {
      expect(['mitigates', 'risk', 'high-risk']).toContain(factor.effect);
      expect(factor.fr && factor.en).toBeTruthy();
    }
  });
});
