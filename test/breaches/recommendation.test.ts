import { describe, expect, it } from 'vitest';
import { recommend, type Recommendation } from '../../src/breaches/risk/recommend.js';
import { riskInput, type RiskInputDraft } from '../../src/breaches/risk/risk-input.js';
import { scoreEnisa } from '../../src/breaches/risk/enisa-score.js';

// Facts are checked by the schema at run time; the type only checks the names.
const advise = (draft: { [K in keyof RiskInputDraft]?: unknown }) =>
  recommend(riskInput.parse({ easeOfIdentification: 'maximum', ...draft }));

const answer = (r: Recommendation) => ({ authority: r.authority, people: r.people });
const present = (r: Recommendation) => r.factors.filter((f) => f.status === 'present').map((f) => f.code).sort();

// Each example of WP250 rev.01 Annex B (docs/regulation.md §5), with its facts as the example gives them.
// Where the regulators answer "if …" or "depends", the facts that decide are varied and each variant checked.
describe('the recommendation gives the regulators’ answer for every WP250 example', () => {
  it('1. encrypted backup on a stolen USB key (strong encryption, key safe, backups exist): no, no', () => {
    const r = advise({
      dataCategories: ['civil-status', 'contact'],
      confidentiality: 'unknown-recipients',
      availability: 'without-difficulty',
      malicious: true,
      unintelligible: true,
    });
    expect(answer(r)).toEqual({ authority: 'record-only', people: 'do-not-inform' });
    expect(present(r)).toEqual(['brief-unavailability', 'unintelligible']);
  });

  describe('2. cyber-attack exfiltrates data of an online service (one Member State)', () => {
    const facts = { dataCategories: ['civil-status', 'contact'], confidentiality: 'unknown-recipients', malicious: true } as const;
    it('likely consequences: notify the authority; people only if severe', () => {
      expect(answer(advise({ ...facts, likelyConsequences: 'limited' }))).toEqual({ authority: 'notify', people: 'do-not-inform' });
      expect(answer(advise({ ...facts, likelyConsequences: 'severe' }))).toEqual({ authority: 'notify', people: 'inform' });
    });
    it('consequences judged unlikely: record only', () => {
      const r = advise({ ...facts, likelyConsequences: 'unlikely' });
      expect(answer(r)).toEqual({ authority: 'record-only', people: 'do-not-inform' });
      expect(present(r)).toContain('risk-unlikely');
    });
    it('consequences not yet judged: in doubt, notify', () => {
      expect(advise(facts).authority).toBe('notify');
    });
  });

  it('3. call-centre power outage of a few minutes: no (record it), no', () => {
    const r = advise({ dataCategories: ['contact'], availability: 'temporary', unavailabilityHours: 0.1 });
    expect(answer(r)).toEqual({ authority: 'record-only', people: 'do-not-inform' });
    expect(present(r)).toEqual(['brief-unavailability']);
  });

  describe('4. ransomware encrypts all data, no backup, no exfiltration', () => {
    const facts = { availability: 'total', malicious: true } as const;
    it('notify the authority (loss of availability); people depend on the data and the effect', () => {
      const r = advise(facts);
      expect(answer(r)).toEqual({ authority: 'notify', people: 'depends' });
      expect(present(r)).toEqual(['malicious', 'unavailability']);
    });
    it('health data: inform; simple contact data: do not', () => {
      expect(answer(advise({ ...facts, dataCategories: ['health'] }))).toEqual({ authority: 'notify', people: 'inform' });
      expect(answer(advise({ ...facts, dataCategories: ['contact'] }))).toEqual({ authority: 'notify', people: 'do-not-inform' });
    });
  });

  it('5. a customer receives someone else’s monthly bank statement: yes; only those affected', () => {
    const r = advise({ dataCategories: ['financial', 'civil-status'], confidentiality: 'known-recipients', recipientsCount: 1, peopleCount: 1 });
    expect(answer(r)).toEqual({ authority: 'notify', people: 'inform' });
    expect(r.notes).toContain('affected-only');
    expect(present(r)).toContain('financial-or-identity');
  });

  it('6. marketplace in several Member States: usernames, passwords, purchase history published: yes (lead authority), yes', () => {
    const r = advise({
      dataCategories: ['identification', 'behavioural'],
      confidentiality: 'unknown-recipients',
      published: true,
      malicious: true,
      crossBorder: true,
    });
    expect(answer(r)).toEqual({ authority: 'notify', people: 'inform' });
    expect(r.notes).toContain('cross-border');
    expect(present(r)).toContain('credentials-or-fraud');
  });

  it('7. hosting processor: an authorisation flaw lets any user see any other user’s account: controller notifies; people not without high risk', () => {
    const r = advise({ dataCategories: ['civil-status', 'contact'], confidentiality: 'exposed', peopleCount: 20_000, atProcessor: true });
    expect(answer(r)).toEqual({ authority: 'notify', people: 'do-not-inform' });
    expect(r.notes).toContain('processor');
  });

  it('8. hospital medical records unavailable for 30 hours after an attack: yes, yes', () => {
    const r = advise({ dataCategories: ['health'], availability: 'temporary', unavailabilityHours: 30, malicious: true });
    expect(answer(r)).toEqual({ authority: 'notify', people: 'inform' });
    expect(present(r)).toEqual(['malicious', 'special-categories', 'unavailability']);
  });

  describe('9. personal data of many students sent to a wrong list of 1000+ recipients', () => {
    const facts = { confidentiality: 'known-recipients', recipientsCount: 1200, personCategories: ['students'] } as const;
    it('notify; people depend on scope, data and consequences', () => {
      const r = advise(facts);
      expect(answer(r)).toEqual({ authority: 'notify', people: 'depends' });
      expect(r.factors.find((f) => f.code === 'special-categories')?.status).toBe('unknown');
    });
    it('with minors among them, or health data: inform; contact data only: do not', () => {
      expect(advise({ ...facts, dataCategories: ['contact'], personCategories: ['minors'] }).people).toBe('inform');
      expect(advise({ ...facts, dataCategories: ['health'] }).people).toBe('inform');
      expect(advise({ ...facts, dataCategories: ['contact'] }).people).toBe('do-not-inform');
    });
  });

  describe('10. marketing e-mail with every recipient in "to:" or "cc:"', () => {
    const facts = { dataCategories: ['contact'], confidentiality: 'known-recipients' } as const;
    it('maybe, depends: volume and sensitivity decide', () => {
      const r = advise(facts);
      expect(answer(r)).toEqual({ authority: 'depends', people: 'depends' });
      expect(r.factors.find((f) => f.code === 'many-people')?.status).toBe('unknown');
    });
    it('a small list with no effect: record only; thousands: notify; passwords in the mail: inform', () => {
      expect(answer(advise({ ...facts, peopleCount: 20, recipientsCount: 20 }))).toEqual({ authority: 'record-only', people: 'do-not-inform' });
      expect(advise({ ...facts, peopleCount: 5000, recipientsCount: 5000 }).authority).toBe('notify');
      expect(answer(advise({ ...facts, dataCategories: ['contact', 'identification'] }))).toEqual({ authority: 'notify', people: 'inform' });
    });
  });
});

describe('the recommendation weighs what the score does not (docs/regulation.md §4–§5)', () => {
  it('an unencrypted stolen laptop with names, addresses, birth dates of 100,000 customers scores Low but must be notified to both', () => {
    const input = riskInput.parse({
      dataCategories: ['civil-status', 'contact'],
      easeOfIdentification: 'maximum',
      confidentiality: 'unknown-recipients',
      peopleCount: 100_000,
    });
    expect(scoreEnisa(input)).toMatchObject({ score: 1.5, band: 'low', flags: { manyPeople: true } });
    const r = recommend(input);
    expect(answer(r)).toEqual({ authority: 'notify', people: 'inform' });
    expect(present(r)).toContain('large-scale');
  });

  it('a trusted recipient who confirmed deletion: usually no notification', () => {
    const r = advise({ dataCategories: ['financial'], confidentiality: 'known-recipients', recipientsCount: 1, trustedRecipientDeleted: true, peopleCount: 1 });
    expect(answer(r)).toEqual({ authority: 'record-only', people: 'do-not-inform' });
  });

  it('a malicious insider with low-sensitivity data: authority only', () => {
    expect(answer(advise({ dataCategories: ['contact'], confidentiality: 'known-recipients', recipientsCount: 1, peopleCount: 40, malicious: true }))).toEqual({
      authority: 'notify',
      people: 'do-not-inform',
    });
  });

  it('Art. 34(3): measures that remove the high risk, or a disproportionate effort (public communication)', () => {
    const facts = { dataCategories: ['health'], confidentiality: 'unknown-recipients' } as const;
    const removed = advise({ ...facts, measuresRemoveHighRisk: true });
    expect(answer(removed)).toEqual({ authority: 'notify', people: 'do-not-inform' });
    expect(removed.notes).toContain('measures-removed-high-risk');
    expect(advise({ ...facts, disproportionateEffort: true }).people).toBe('public-communication');
  });

  it('explains itself factor by factor, in French and English, and informing people always comes with notifying', () => {
    const r = advise({ dataCategories: ['health'], confidentiality: 'unknown-recipients', malicious: true });
    expect(r.factors.length).toBeGreaterThan(10);
    for (const factor of r.factors) {
      expect(factor.fr.length).toBeGreaterThan(10);
      expect(factor.en.length).toBeGreaterThan(10);
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
});
