import { describe, expect, it } from 'vitest';
import riskFactors from '../../src/breaches/data/risk-factors.json' with { type: 'json' };
import { readCircumstances } from '../../src/breaches/risk/circumstances.js';
import { scoreEnisa } from '../../src/breaches/risk/enisa-score.js';
import { recommend, type Recommendation } from '../../src/breaches/risk/recommend.js';
import { riskInput, type RiskInputDraft } from '../../src/breaches/risk/risk-input.js';
import { ValidationError } from '../../src/http/errors.js';

// Facts are checked by the schema at run time; the type only checks the names.
const advise = (draft: { [K in keyof RiskInputDraft]?: unknown }) => recommend(riskInput.parse({ easeOfIdentification: 'maximum', ...draft }));
const answer = (r: Recommendation) => ({ authority: r.authority, people: r.people });
const present = (r: Recommendation) => r.factors.filter((f) => f.status === 'present').map((f) => f.code).sort();

// WP250 rev.01 Annex B (regulation.md §5): where the regulators answer "if …" or "depends", the facts that
// decide are varied and each variant checked. The examples with one answer are in regulators-examples.test.ts.
describe('WP250 examples whose answer depends on a fact', () => {
  describe('cyber-attack exfiltrates data of an online service: “Yes, if likely consequences; people yes, if severe consequences are likely”', () => {
    const facts = { dataCategories: ['civil-status', 'contact'], recipients: 'unknown', malicious: true } as const;
    it('the DPO judges the consequences: limited → authority only; severe → both; unlikely → record only', () => {
      expect(answer(advise({ ...facts, likelyConsequences: 'limited' }))).toEqual({ authority: 'notify', people: 'do-not-inform' });
      expect(answer(advise({ ...facts, likelyConsequences: 'severe' }))).toEqual({ authority: 'notify', people: 'inform' });
      const unlikely = advise({ ...facts, likelyConsequences: 'unlikely' });
      expect(answer(unlikely)).toEqual({ authority: 'record-only', people: 'do-not-inform' });
      expect(present(unlikely)).toContain('risk-unlikely');
    });
    it('not judged yet: an attacker holds identifying data, so both (EDPB 01/2021 case 05)', () => {
      const r = advise(facts);
      expect(answer(r)).toEqual({ authority: 'notify', people: 'inform' });
      expect(present(r)).toContain('malicious-exfiltration');
    });
  });

  describe('ransomware encrypts all data, no backup, no exfiltration: “people depend on the data and the effect”', () => {
    const facts = { availability: 'total', backupAvailable: false, malicious: true } as const;
    it('data not known yet: notify; people depend, and the answer says the data categories decide', () => {
      const r = advise(facts);
      expect(answer(r)).toEqual({ authority: 'notify', people: 'depends' });
      expect(r.decidedBy.map((d) => d.code)).toEqual(['data-categories']);
      expect(r.summary.fr).toContain('les catégories de données touchées');
    });
    it('health data: inform; simple contact data: do not', () => {
      expect(answer(advise({ ...facts, dataCategories: ['health'] }))).toEqual({ authority: 'notify', people: 'inform' });
      expect(answer(advise({ ...facts, dataCategories: ['contact'] }))).toEqual({ authority: 'notify', people: 'do-not-inform' });
    });
  });

  describe('students’ data sent to a wrong list of 1000+ recipients: “depends on scope, data and consequences”', () => {
    const facts = { recipients: 'known', recipientsCount: 1200, personCategories: ['students'] } as const;
    it('notify; people depend on the data', () => {
      const r = advise(facts);
      expect(answer(r)).toEqual({ authority: 'notify', people: 'depends' });
      expect(r.factors.find((f) => f.code === 'special-categories')?.status).toBe('unknown');
    });
    it('minors among them, or health data: inform; contact data only: do not', () => {
      expect(advise({ ...facts, dataCategories: ['contact'], personCategories: ['minors'] }).people).toBe('inform');
      expect(advise({ ...facts, dataCategories: ['health'] }).people).toBe('inform');
      expect(advise({ ...facts, dataCategories: ['contact'] }).people).toBe('do-not-inform');
    });
  });

  describe('marketing e-mail with every recipient in “to:” or “cc:”: “maybe (volume, sensitivity, passwords); depends”', () => {
    const facts = { dataCategories: ['contact'], recipients: 'known' } as const;
    it('volume unknown: depends on both, and the numbers decide', () => {
      const r = advise(facts);
      expect(answer(r)).toEqual({ authority: 'depends', people: 'depends' });
      expect(r.decidedBy.map((d) => d.code).sort()).toEqual(['people-count', 'recipients-count']);
    });
    it('a small list: record only; thousands: notify; passwords in the mail: both', () => {
      expect(answer(advise({ ...facts, peopleCount: 20, recipientsCount: 20 }))).toEqual({ authority: 'record-only', people: 'do-not-inform' });
      expect(advise({ ...facts, peopleCount: 5000, recipientsCount: 5000 }).authority).toBe('notify');
      expect(answer(advise({ ...facts, dataCategories: ['contact', 'identification'] }))).toEqual({ authority: 'notify', people: 'inform' });
    });
  });
});

describe('circumstances move the advice both ways (issue 16: not one category)', () => {
  it('health data: not high risk by itself when identification is negligible, a trusted recipient deleted them, or the DPO lowered the DPC for a trivial datum', () => {
    const health = { dataCategories: ['health'], recipients: 'known', recipientsCount: 1, peopleCount: 1 } as const;
    expect(advise(health).people).toBe('inform');
    expect(advise({ ...health, easeOfIdentification: 'negligible' }).people).not.toBe('inform');
    expect(answer(advise({ ...health, recipients: 'single-trusted', recipientAction: 'deletion-confirmed' }))).toEqual({ authority: 'record-only', people: 'do-not-inform' });
    const trivial = advise({ ...health, recipientAction: 'recall-requested', dpcAdjustments: [{ code: 'no-insight', justification: 'A dietary preference only, no medical detail' }] });
    expect(answer(trivial)).toEqual({ authority: 'record-only', people: 'do-not-inform' });
  });

  it('financial data: the volume, the ease of identification and the recipient decide, not the category alone', () => {
    const statement = { dataCategories: ['financial'], recipients: 'known', recipientsCount: 1, peopleCount: 1 } as const;
    expect(advise(statement).people).toBe('inform');
    expect(advise({ ...statement, easeOfIdentification: 'limited' }).people).toBe('do-not-inform');
    expect(advise({ ...statement, recipients: 'single-trusted', recipientAction: 'deletion-confirmed' }).authority).toBe('record-only');
  });

  it('full payment-card data apart from other financial data: DPC raised to 4 with its justification, and a fraud vector', () => {
    const facts = { dataCategories: ['financial'], recipients: 'known', recipientsCount: 1, peopleCount: 1, easeOfIdentification: 'limited' } as const;
    expect(advise(facts).people).toBe('do-not-inform');
    const input = riskInput.parse({ ...facts, fullPaymentCardData: true });
    const score = scoreEnisa(input);
    expect(score).toMatchObject({ dpcBase: 3, dpc: 4, adjustments: [{ code: 'full-financial', from: 3, to: 4, automatic: true }] });
    expect(score.dpcJustification).toContain('carte de paiement');
    expect(present(recommend(input))).toContain('payment-card');
    expect(recommend(input).people).toBe('inform');
  });

  it('a recall or a confirmed deletion lowers the score; an exfiltration raises it', () => {
    const base = { dataCategories: ['contact'], recipients: 'known', recipientsCount: 3, peopleCount: 3 } as const;
    const plain = scoreEnisa(riskInput.parse({ ...base, easeOfIdentification: 'maximum' }));
    const deleted = scoreEnisa(riskInput.parse({ ...base, easeOfIdentification: 'maximum', recipientAction: 'deletion-confirmed' }));
    expect(plain.elements.confidentiality).toMatchObject({ code: 'known-recipients', value: 0.25 });
    expect(deleted.elements.confidentiality).toMatchObject({ code: 'exposed', value: 0, before: 'known-recipients' });
    expect(deleted.score).toBe(plain.score - 0.25);
    const stolen = riskInput.parse({ dataCategories: ['contact'], easeOfIdentification: 'maximum', exfiltration: 'confirmed' });
    expect(readCircumstances(stolen)).toMatchObject({ recipients: 'unknown', confidentiality: 'unknown-recipients' });
    expect(scoreEnisa(stolen).score).toBe(1.5);
  });

  it('backups and restore time decide an outage: restored within the day, or prolonged and without backup', () => {
    expect(answer(advise({ dataCategories: ['contact'], malicious: true, backupAvailable: true, restoreHours: 6 }))).toEqual({ authority: 'record-only', people: 'do-not-inform' });
    expect(advise({ dataCategories: ['contact'], malicious: true, backupAvailable: true, restoreHours: 30 }).authority).toBe('notify');
    const noBackup = advise({ dataCategories: ['contact'], backupAvailable: false, availability: 'temporary', restoreHours: 6 });
    expect(present(noBackup)).toContain('unavailability');
    expect(readCircumstances(riskInput.parse({ easeOfIdentification: 'maximum', restoreHours: 0.5 })).availability).toBe('without-difficulty');
  });

  it('an insider who took data is a known recipient; with low-sensitivity data: authority only', () => {
    const r = advise({ dataCategories: ['contact'], peopleCount: 40, malicious: true, insider: true, exfiltration: 'confirmed' });
    expect(answer(r)).toEqual({ authority: 'notify', people: 'do-not-inform' });
    expect(readCircumstances(riskInput.parse({ easeOfIdentification: 'maximum', malicious: true, insider: true, exfiltration: 'confirmed' }))).toMatchObject({ recipients: 'known', recipientsCount: 1 });
  });

  it('an unencrypted stolen laptop with names, addresses, birth dates of 100,000 customers scores Low but must be notified to both', () => {
    const input = riskInput.parse({ dataCategories: ['civil-status', 'contact'], easeOfIdentification: 'maximum', recipients: 'unknown', peopleCount: 100_000 });
    expect(scoreEnisa(input)).toMatchObject({ score: 1.5, band: 'low', flags: { manyPeople: true } });
    expect(answer(recommend(input))).toEqual({ authority: 'notify', people: 'inform' });
  });

  it('contradictory circumstances are refused, naming the field', () => {
    const refused = (draft: object) => {
      try {
        advise(draft);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).errors.map((e) => e.path);
      }
      throw new Error('expected a refusal');
    };
    expect(refused({ recipients: 'unknown', confidentiality: 'known-recipients' })).toEqual(['confidentiality']);
    expect(refused({ recipients: 'single-trusted', recipientsCount: 3 })).toEqual(['recipientsCount']);
    expect(refused({ recipients: 'none', exfiltration: 'confirmed' })).toEqual(['exfiltration']);
    expect(refused({ recipientAction: 'recall-requested' })).toEqual(['recipientAction']);
  });
});

describe('when in doubt, say so', () => {
  it('a medium-band disclosure whose consequences nobody judged: “depends”, with what decides it — never a firm “do not inform”', () => {
    const facts = { dataCategories: ['location'], recipients: 'known', recipientsCount: 300, peopleCount: 300 } as const;
    const r = advise(facts);
    expect(scoreEnisa(riskInput.parse({ ...facts, easeOfIdentification: 'maximum' })).band).toBe('medium');
    expect(answer(r)).toEqual({ authority: 'notify', people: 'depends' });
    expect(r.decidedBy.map((d) => d.code)).toEqual(['likely-consequences']);
    expect(r.summary.en).toContain('what decides: the DPO');
    expect(answer(advise({ ...facts, likelyConsequences: 'limited' }))).toEqual({ authority: 'notify', people: 'do-not-inform' });
    expect(answer(advise({ ...facts, likelyConsequences: 'severe' }))).toEqual({ authority: 'notify', people: 'inform' });
  });

  it('a firm “do not inform” only when the facts show a low risk', () => {
    const grid = [
      { dataCategories: ['contact'], recipients: 'known', recipientsCount: 500, peopleCount: 500 },
      { dataCategories: ['civil-status'], confidentiality: 'exposed', peopleCount: 20_000 },
    ];
    for (const facts of grid) {
      const r = advise(facts);
      expect(r.people).toBe('do-not-inform');
      expect(r.factors.some((f) => f.effect === 'high-risk' && f.status !== 'absent')).toBe(false);
    }
  });
});

describe('the recommendation explains itself', () => {
  it('factor by factor, in French and English, each with its source; informing people always comes with notifying', () => {
    const r = advise({ dataCategories: ['health'], recipients: 'unknown', malicious: true });
    expect(r.factors.length).toBe(Object.keys(riskFactors.factors).length);
    for (const factor of r.factors) {
      expect(factor.fr.length).toBeGreaterThan(10);
      expect(factor.en.length).toBeGreaterThan(10);
      expect(factor.source).toMatch(/GDPR|WP250|EDPB|ENISA/);
    }
    expect(r.summary.fr).toContain('Notifier la CNIL');
    const grid = ['none', 'exposed', 'known-recipients', 'unknown-recipients'] as const;
    for (const confidentiality of grid) {
      for (const dataCategories of [['contact'], ['health'], []] as string[][]) {
        for (const likelyConsequences of ['unknown', 'unlikely', 'limited', 'severe'] as const) {
          const result = advise({ dataCategories: dataCategories as never, confidentiality, likelyConsequences, availability: 'temporary', unavailabilityHours: 2 });
          if (result.people === 'inform' || result.people === 'public-communication') expect(result.authority).toBe('notify');
        }
      }
    }
  });

  it('Art. 34(3): measures that remove the high risk, or a disproportionate effort (public communication)', () => {
    const facts = { dataCategories: ['health'], recipients: 'unknown' } as const;
    const removed = advise({ ...facts, measuresRemoveHighRisk: true });
    expect(answer(removed)).toEqual({ authority: 'notify', people: 'do-not-inform' });
    expect(removed.notes).toContain('measures-removed-high-risk');
    expect(advise({ ...facts, disproportionateEffort: true }).people).toBe('public-communication');
  });

  it('older spellings still read: published, trustedRecipientDeleted, confidentiality', () => {
    expect(readCircumstances(riskInput.parse({ easeOfIdentification: 'maximum', published: true })).recipients).toBe('public');
    expect(readCircumstances(riskInput.parse({ easeOfIdentification: 'maximum', trustedRecipientDeleted: true }))).toMatchObject({ recipients: 'single-trusted', recipientAction: 'deletion-confirmed', recipientsCount: 1 });
    expect(readCircumstances(riskInput.parse({ easeOfIdentification: 'maximum', confidentiality: 'known-recipients' })).recipients).toBe('known');
  });
});
