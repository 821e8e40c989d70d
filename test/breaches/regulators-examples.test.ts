import { describe, expect, it } from 'vitest';
import type { FactorCode } from '../../src/breaches/risk/factors.js';
import { recommend, type AuthorityAdvice, type PeopleAdvice } from '../../src/breaches/risk/recommend.js';
import { riskInput, type RiskInputDraft } from '../../src/breaches/risk/risk-input.js';

/**
 * The regulators' own worked examples, each with the facts as the example gives them (as a DPO would enter
 * them) and the regulators' conclusion for the authority and for the people. `source` names the paragraph the
 * conclusion comes from; `quote` is the regulators' words where this project holds the text, otherwise a
 * summary of the case (marked as such). The recommendation is built from principles (docs/assessment.md):
 * these examples check it, they are not looked up.
 */
interface Example {
  name: string;
  source: string;
  quote: string;
  facts: RiskInputDraft;
  authority: AuthorityAdvice;
  people: PeopleAdvice;
  /** Factors that must be among the reasons given. */
  because?: FactorCode[];
}

const EDPB = 'EDPB Guidelines 01/2021 on examples regarding personal data breach notification, v2.0';
const WP250 = 'Art. 29 WP, WP250 rev.01, Annex B (kept by EDPB Guidelines 9/2022)';

const edpb: Example[] = [
  {
    name: 'case 01: ransomware with proper backup and without exfiltration (small company, a few dozen people)',
    source: `${EDPB}, §20–§25`,
    quote:
      '§20 “the confidentiality risks to the rights and freedoms of natural persons are reduced to a minimum barring cryptanalytic progress”; §25 “the controller determined that the breach was unlikely to result in a risk to the rights and freedoms of natural persons, hence no communication to the data subjects is necessary, nor does the breach require a notification to the SA”',
    facts: { dataCategories: ['civil-status', 'contact'], personCategories: ['employees', 'customers'], peopleCount: 40, malicious: true, unintelligible: true, recipients: 'unknown', exfiltration: 'ruled-out', backupAvailable: true, restoreHours: 4 },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['unintelligible', 'restored-quickly'],
  },
  {
    name: 'case 02: ransomware without proper backup (restored from paper in 5 working days, no exfiltration)',
    source: `${EDPB}, section 2.2`,
    quote: '(summary) a few dozen employees and clients, no special categories, data restored from paper over five working days with minor delays in deliveries: notification to the SA, no communication to the data subjects',
    facts: { dataCategories: ['civil-status', 'contact'], personCategories: ['employees', 'customers'], peopleCount: 40, malicious: true, exfiltration: 'ruled-out', backupAvailable: false, restoreHours: 120 },
    authority: 'notify',
    people: 'do-not-inform',
    because: ['unavailability'],
  },
  {
    name: 'case 03: ransomware with backup and without exfiltration in a hospital (two days, treatments delayed)',
    source: `${EDPB}, section 2.3`,
    quote: '(summary) thousands of patients and employees, restoration took two working days, operations postponed: notify the SA and communicate to the data subjects',
    facts: { dataCategories: ['health', 'civil-status'], personCategories: ['patients', 'employees'], peopleCount: 4000, malicious: true, exfiltration: 'ruled-out', backupAvailable: true, restoreHours: 48 },
    authority: 'notify',
    people: 'inform',
    because: ['special-categories', 'unavailability'],
  },
  {
    name: 'case 04: ransomware without backup and with exfiltration (identity card numbers, credit card details)',
    source: `${EDPB}, section 2.4`,
    quote: '(summary) a public transport company; clients’ identity card numbers and credit card details exfiltrated, the backup encrypted too: notify both',
    facts: { dataCategories: ['civil-status', 'official-documents', 'financial'], fullPaymentCardData: true, peopleCount: 5000, malicious: true, exfiltration: 'confirmed', availability: 'total', backupAvailable: false },
    authority: 'notify',
    people: 'inform',
    because: ['payment-card', 'identity-fraud'],
  },
  {
    name: 'case 05: exfiltration of job application data from a website (213 forms, malware for a month)',
    source: `${EDPB}, section 3.1`,
    quote: '(summary) malicious code on an employment agency’s website captured 213 application forms, no special categories: notify the SA and the data subjects',
    facts: { dataCategories: ['civil-status', 'contact', 'other'], peopleCount: 213, malicious: true, recipients: 'unknown' },
    authority: 'notify',
    people: 'inform',
    because: ['malicious-exfiltration'],
  },
  {
    name: 'case 06: exfiltration of hashed passwords from a website (strong salted hashing, pseudonymous usernames)',
    source: `${EDPB}, section 3.2`,
    quote: '(summary) SQL injection on a cooking website; 1,200 salted hashes of a state-of-the-art algorithm, salt not compromised: neither the SA nor the data subjects need be notified',
    facts: { dataCategories: ['identification'], easeOfIdentification: 'negligible', peopleCount: 1200, malicious: true, exfiltration: 'confirmed', unintelligible: true },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['unintelligible'],
  },
  {
    name: 'case 07: credential stuffing attack on a banking website (2,000 accounts entered, 100,000 people’s identity data leaked)',
    source: `${EDPB}, section 3.3`,
    quote: '(summary) names, dates and places of birth, fiscal codes leaked, 2,000 accounts entered with a trivial password: notify both',
    facts: { dataCategories: ['civil-status', 'nir', 'financial', 'identification'], peopleCount: 100_000, malicious: true, recipients: 'unknown', fraudVectors: true },
    authority: 'notify',
    people: 'inform',
    because: ['fraud-vectors', 'identity-fraud'],
  },
  {
    name: 'case 08: exfiltration of business data by an employee (customers’ contact data, to lure them away)',
    source: `${EDPB}, section 4.1`,
    quote: '(summary) basic contact data copied during the notice period: notify the SA; communication to the data subjects not required',
    facts: { dataCategories: ['contact'], personCategories: ['customers'], peopleCount: 600, malicious: true, insider: true, exfiltration: 'confirmed' },
    authority: 'notify',
    people: 'do-not-inform',
    because: ['malicious'],
  },
  {
    name: 'case 09: accidental transmission of data to a trusted third party (insurance agent, confirmed deletion)',
    source: `${EDPB}, section 4.2`,
    quote: '(summary) two dozen customers’ contact and insurance data; the agent, bound by professional secrecy and sole recipient, confirmed deletion in writing: internal documentation only',
    facts: { dataCategories: ['contact', 'financial'], peopleCount: 24, recipients: 'single-trusted', recipientAction: 'deletion-confirmed' },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['trusted-recipient-deleted'],
  },
  {
    name: 'case 10: stolen material storing encrypted personal data (kindergarten tablets, remote wipe, backup)',
    source: `${EDPB}, section 5.1`,
    quote: '(summary) children’s names, birth dates and education data on encrypted, password-protected tablets, wiped remotely, backup available: no notification',
    facts: { dataCategories: ['civil-status', 'other'], personCategories: ['minors'], peopleCount: 60, malicious: true, recipients: 'unknown', unintelligible: true, backupAvailable: true, availability: 'without-difficulty' },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['unintelligible'],
  },
  {
    name: 'case 11: stolen material storing non-encrypted personal data (notebook, 100,000 customers)',
    source: `${EDPB}, section 5.2`,
    quote: '(summary) names, sex, addresses and birth dates of more than 100,000 customers on an unprotected notebook: notify both',
    facts: { dataCategories: ['civil-status', 'contact'], peopleCount: 100_000, malicious: true, recipients: 'unknown', backupAvailable: true },
    authority: 'notify',
    people: 'inform',
    because: ['large-scale'],
  },
  {
    name: 'case 12: stolen paper files with sensitive data (logbook of a drug rehabilitation centre)',
    source: `${EDPB}, section 5.3`,
    quote: '(summary) identity and health data of patients, no copy: notify both',
    facts: { dataCategories: ['civil-status', 'health'], personCategories: ['patients'], peopleCount: 150, malicious: true, recipients: 'unknown', backupAvailable: false, availability: 'total' },
    authority: 'notify',
    people: 'inform',
    because: ['special-categories'],
  },
  {
    name: 'case 13: postal mail mistake (two shoe orders swapped, recalled)',
    source: `${EDPB}, section 6.1`,
    quote: '(summary) two customers received each other’s order and packing slip (name, address, item); the orders were recalled: internal documentation only',
    facts: { dataCategories: ['civil-status', 'contact', 'behavioural'], personCategories: ['customers'], peopleCount: 2, recipients: 'known', recipientsCount: 2, recipientAction: 'deletion-confirmed' },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['contained-disclosure'],
  },
  {
    name: 'case 14: highly confidential personal data sent by mail by mistake (60,000 job seekers, social security numbers)',
    source: `${EDPB}, section 6.2`,
    quote: '(summary) names, e-mail and postal addresses and social security numbers of more than 60,000 job seekers attached to a mailing to all of them, who were asked to delete it: notify both',
    facts: { dataCategories: ['civil-status', 'contact', 'nir'], peopleCount: 60_000, recipients: 'known', recipientsCount: 60_000, recipientAction: 'recall-requested' },
    authority: 'notify',
    people: 'inform',
    because: ['identity-fraud', 'wide-disclosure'],
  },
  {
    name: 'case 15: personal data sent by mail by mistake (participants’ list with two food intolerances, 15 recipients asked at once to delete)',
    source: `${EDPB}, section 6.3`,
    quote: '(summary) names, e-mail addresses and food preferences of 15 course participants sent to 15 former participants, discovered immediately: small scale, trivial data, immediate recall',
    facts: {
      dataCategories: ['contact', 'health'],
      dpcAdjustments: [{ code: 'no-insight', justification: 'Only a lactose intolerance, stated by two participants: no substantial insight into their health' }],
      peopleCount: 15,
      recipients: 'known',
      recipientsCount: 15,
      recipientAction: 'recall-requested',
    },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['contained-disclosure'],
  },
  {
    name: 'case 16: postal mail mistake (two insurance letters in one envelope, one recipient)',
    source: `${EDPB}, section 6.4`,
    quote: '(summary) name, address, vehicle registration number, insurance rates, annual mileage and birth date of one policyholder; no health, payment, economic or financial data',
    facts: { dataCategories: ['civil-status', 'contact', 'other'], personCategories: ['customers'], peopleCount: 1, recipients: 'known', recipientsCount: 1 },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['contained-disclosure'],
  },
  {
    name: 'case 17: identity theft (a fraudster impersonating a customer obtains the billing address change)',
    source: `${EDPB}, section 7.1`,
    quote: '(summary) social engineering at a telecom call centre, billing data redirected: notify the SA and the data subject',
    facts: { dataCategories: ['civil-status', 'contact', 'financial'], personCategories: ['customers'], peopleCount: 1, malicious: true, recipients: 'unknown', recipientsCount: 1, fraudVectors: true },
    authority: 'notify',
    people: 'inform',
    because: ['fraud-vectors'],
  },
  {
    name: 'case 18: e-mail exfiltration (forwarding rules on invoices, payments and bank details)',
    source: `${EDPB}, section 7.2`,
    quote: '(summary) a hypermarket chain’s mailboxes forwarded messages about invoices and bank transfers to an outsider: notify both',
    facts: { dataCategories: ['civil-status', 'contact', 'financial'], peopleCount: 99, malicious: true, exfiltration: 'confirmed', fraudVectors: true },
    authority: 'notify',
    people: 'inform',
    because: ['fraud-vectors'],
  },
];

const wp250: Example[] = [
  {
    name: 'encrypted backup on a stolen USB key (strong encryption, key safe, backups exist)',
    source: WP250,
    quote: 'Authority: No. People: No.',
    facts: { dataCategories: ['civil-status', 'contact'], recipients: 'unknown', availability: 'without-difficulty', malicious: true, unintelligible: true },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['unintelligible', 'restored-quickly'],
  },
  {
    name: 'call-centre power outage of a few minutes',
    source: WP250,
    quote: 'Authority: No (record it). People: No.',
    facts: { dataCategories: ['contact'], unavailabilityHours: 0.1 },
    authority: 'record-only',
    people: 'do-not-inform',
    because: ['restored-quickly'],
  },
  {
    name: 'a customer receives someone else’s monthly bank statement',
    source: WP250,
    quote: 'Authority: Yes. People: only those affected, if high risk.',
    facts: { dataCategories: ['financial', 'civil-status'], recipients: 'known', recipientsCount: 1, peopleCount: 1 },
    authority: 'notify',
    people: 'inform',
    because: ['severity-high'],
  },
  {
    name: 'marketplace in several Member States: usernames, passwords and purchase history published',
    source: WP250,
    quote: 'Authority: Yes, to the lead authority. People: Yes.',
    facts: { dataCategories: ['identification', 'behavioural'], recipients: 'public', malicious: true, crossBorder: true },
    authority: 'notify',
    people: 'inform',
    because: ['credentials'],
  },
  {
    name: 'hosting processor: an authorisation flaw lets any user see any other user’s account',
    source: WP250,
    quote: 'Authority: the controller notifies (the processor tells its controllers). People: not if no high risk.',
    facts: { dataCategories: ['civil-status', 'contact'], confidentiality: 'exposed', peopleCount: 20_000, atProcessor: true },
    authority: 'notify',
    people: 'do-not-inform',
    because: ['many-people'],
  },
  {
    name: 'hospital medical records unavailable for 30 hours after an attack',
    source: WP250,
    quote: 'Authority: Yes. People: Yes.',
    facts: { dataCategories: ['health'], unavailabilityHours: 30, malicious: true },
    authority: 'notify',
    people: 'inform',
    because: ['special-categories', 'unavailability'],
  },
];

const check = (example: Example) => {
  const result = recommend(riskInput.parse({ easeOfIdentification: 'maximum', ...example.facts }));
  return { result, answer: { authority: result.authority, people: result.people } };
};

describe.each([
  ['EDPB Guidelines 01/2021 (the 18 cases)', edpb],
  ['WP250 Annex B', wp250],
])('the recommendation agrees with the regulators’ examples: %s', (_, examples) => {
  it.each(examples.map((e) => [e.name, e] as const))('%s', (_name, example) => {
    expect(example.source.length).toBeGreaterThan(20);
    expect(example.quote.length).toBeGreaterThan(20);
    const { result, answer } = check(example);
    expect(answer).toEqual({ authority: example.authority, people: example.people });
    const present = result.factors.filter((f) => f.status === 'present').map((f) => f.code);
    for (const code of example.because ?? []) expect(present).toContain(code);
  });
});

describe('the table is complete', () => {
  it('holds all 18 EDPB cases, each citing its paragraph', () => {
    expect(edpb.map((e) => Number(/case (\d+)/.exec(e.name)?.[1]))).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    for (const example of edpb) expect(example.source).toMatch(/§\d|section \d/);
  });
});
