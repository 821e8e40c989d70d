import riskFactorData from '../data/risk-factors.json' with { type: 'json' };
import { dataCategory, isVulnerablePeopleCategory } from '../vocabularies.js';
import type { RiskInput } from './risk-input.js';

export type FactorCode = keyof typeof riskFactorData.factors;
export type FactorEffect = 'mitigates' | 'risk' | 'high-risk';
export type AuthorityAdvice = 'notify' | 'record-only' | 'depends';
export type PeopleAdvice = 'inform' | 'public-communication' | 'do-not-inform' | 'depends';

export interface FactorFinding {
  code: FactorCode;
  /** present: it weighs in this breach; unknown: a fact it needs is missing. */
  status: 'present' | 'absent' | 'unknown';
  effect: FactorEffect;
  fr: string;
  en: string;
}

export interface Recommendation {
  authority: AuthorityAdvice;
  people: PeopleAdvice;
  /** Every factor the regulators weigh, with whether it applies here, so the advice explains itself. */
  factors: FactorFinding[];
  notes: (keyof typeof riskFactorData.outcomes.notes)[];
  summary: { fr: string; en: string };
}

const thresholds = riskFactorData.thresholds;

/**
 * The regulators' reading of a breach (WP250 Annex B; docs/regulation.md §5), factor by factor. It advises;
 * the DPO decides and records the decision with its reasons.
 */
export function recommend(input: RiskInput): Recommendation {
  const categories = input.dataCategories.map((code) => dataCategory(code));
  const has = (flag: 'special' | 'financial' | 'identity' | 'credentials') => categories.some((term) => term?.[flag] === true);
  const dataKnown = input.dataCategories.length > 0 && !input.dataCategories.includes('unknown');

  const confidentialityLost = input.confidentiality !== 'none' || input.published;
  const neutralised = input.unintelligible || input.trustedRecipientDeleted;
  const disclosed = confidentialityLost && !neutralised;
  const integrityLost = input.integrity === 'recoverable' || input.integrity === 'not-recoverable';
  const hours = input.unavailabilityHours;
  const availabilityLost = input.availability !== 'none';
  const briefOutage =
    availabilityLost && input.availability !== 'total' && (input.availability === 'without-difficulty' || (hours !== null && hours < thresholds.briefUnavailabilityHours));
  // Unknown duration of a temporary outage counts as prolonged: when in doubt, notify (CNIL).
  const outage = availabilityLost && (input.availability === 'total' || (input.availability === 'temporary' && (hours === null || hours >= thresholds.prolongedUnavailabilityHours)));
  const affected = disclosed || integrityLost || outage;
  const unknownRecipients = disclosed && (input.confidentiality === 'unknown-recipients' || input.published);

  const findings = new Map<FactorCode, FactorFinding['status']>();
  const set = (code: FactorCode, status: boolean | 'unknown') => findings.set(code, status === 'unknown' ? 'unknown' : status ? 'present' : 'absent');

  set('unintelligible', confidentialityLost && input.unintelligible);
  set('trusted-recipient-deleted', confidentialityLost && input.trustedRecipientDeleted);
  set('brief-unavailability', briefOutage);
  set('special-categories', affected && has('special') ? true : affected && !dataKnown ? 'unknown' : false);
  set('minors-or-vulnerable', affected && input.personCategories.some(isVulnerablePeopleCategory));
  set('financial-or-identity', disclosed && (has('financial') || has('identity')) ? true : disclosed && !dataKnown ? 'unknown' : false);
  set('credentials-or-fraud', disclosed && (has('credentials') || input.fraudVectors));
  set('large-scale', unknownRecipients && (input.peopleCount === null ? 'unknown' : input.peopleCount >= thresholds.largeScalePeople));
  set('severe-consequences', input.likelyConsequences === 'severe');
  set('malicious', input.malicious && affected);
  set('unknown-recipients', unknownRecipients);
  set('wide-disclosure', disclosed && (input.recipientsCount ?? 0) > thresholds.wideDisclosureRecipients);
  set('many-people', disclosed && (input.peopleCount === null ? 'unknown' : input.peopleCount > thresholds.manyPeopleAbove));
  set('unavailability', outage);
  set('integrity-loss', integrityLost);
  set('likely-consequences', input.likelyConsequences === 'limited' || input.likelyConsequences === 'severe');
  set('risk-unlikely', input.likelyConsequences === 'unlikely');

  const factors: FactorFinding[] = [...findings].map(([code, status]) => ({ code, status, ...riskFactorData.factors[code] }) as FactorFinding);
  const present = (effect: FactorEffect) => factors.some((f) => f.effect === effect && f.status === 'present');
  const highRisk = present('high-risk');
  const someRisk = factors.some((f) => f.effect === 'risk' && f.code !== 'likely-consequences' && f.status === 'present');

  let authority: AuthorityAdvice;
  if (highRisk) authority = 'notify';
  else if (input.likelyConsequences === 'unlikely') authority = 'record-only';
  else if (someRisk || input.likelyConsequences === 'limited') authority = 'notify';
  // Disclosed to known recipients, nothing else weighs, and neither the volume nor the effect is known yet.
  else if (disclosed && input.peopleCount === null && input.likelyConsequences === 'unknown') authority = 'depends';
  else authority = 'record-only';

  const notes: Recommendation['notes'] = [];
  let people: PeopleAdvice;
  if (authority === 'depends') people = 'depends';
  else if (highRisk && input.measuresRemoveHighRisk) {
    people = 'do-not-inform';
    notes.push('measures-removed-high-risk');
  } else if (highRisk) people = input.disproportionateEffort ? 'public-communication' : 'inform';
  else if (authority === 'notify' && !dataKnown) people = 'depends';
  else people = 'do-not-inform';

  if (people === 'inform' && input.recipientsCount !== null && input.recipientsCount <= 1) notes.push('affected-only');
  if (authority !== 'record-only' && input.atProcessor) notes.push('processor');
  if (authority !== 'record-only' && input.crossBorder) notes.push('cross-border');

  const outcomes = riskFactorData.outcomes;
  return {
    authority,
    people,
    factors,
    notes,
    summary: {
      fr: `${outcomes.authority[authority].fr}. ${outcomes.people[people].fr}.`,
      en: `${outcomes.authority[authority].en}. ${outcomes.people[people].en}.`,
    },
  };
}
