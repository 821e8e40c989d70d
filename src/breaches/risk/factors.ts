import riskFactorData from '../data/risk-factors.json' with { type: 'json' };
import { dataCategory, enisaTables, isVulnerablePeopleCategory } from '../vocabularies.js';
import type { Circumstances } from './circumstances.js';
import type { EnisaScore } from './enisa-score.js';
import type { RiskInput } from './risk-input.js';

export type FactorCode = keyof typeof riskFactorData.factors;
export type FactorStatus = 'present' | 'absent' | 'unknown';

const t = riskFactorData.thresholds;

/**
 * The state of each dimension of the breach once neutralising and containing circumstances are read: what is
 * left is what the regulators weigh (EDPB 01/2021: the same data stolen or kept by a trusted recipient who
 * deleted it are not the same breach).
 */
export interface Dimensions {
  /** Some confidentiality was lost at all (exposed or received), before mitigations. */
  exposed: boolean;
  neutralised: { unintelligible: boolean; trustedDeleted: boolean };
  contained: boolean;
  /** Confidentiality lost and neither neutralised nor contained. */
  disclosed: boolean;
  unknownRecipients: boolean;
  integrityLost: boolean;
  restoredQuickly: boolean;
  prolongedOutage: boolean;
  dataKnown: boolean;
  has: (flag: 'special' | 'financial' | 'identity' | 'credentials') => boolean;
}

export function readDimensions(input: RiskInput, c: Circumstances, score: EnisaScore | null): Dimensions {
  const categories = input.dataCategories.map((code) => dataCategory(code));
  const has = (flag: 'special' | 'financial' | 'identity' | 'credentials') => categories.some((term) => term?.[flag] === true);
  const dataKnown = input.dataCategories.length > 0 && !input.dataCategories.includes('unknown');
  const exposed = c.confidentiality !== 'none';
  const received = c.recipients !== 'none';
  const unintelligible = exposed && input.unintelligible;
  const trustedDeleted = c.recipients === 'single-trusted' && c.recipientAction === 'deletion-confirmed';
  const fewRecipients = !received || (c.recipientsCount !== null && c.recipientsCount <= t.containedRecipients);
  const fewPeople = input.peopleCount !== null && input.peopleCount <= t.containedPeople;
  const recall = c.recipientAction !== 'none';
  // Ordinary data: simple data, or habits and preferences (a purchase); location data only once recalled.
  const ordinary =
    dataKnown && !has('credentials') && !has('identity') && !input.fullPaymentCardData && !input.fraudVectors &&
    !input.personCategories.some(isVulnerablePeopleCategory) &&
    score !== null && (score.dpc <= t.ordinaryDpc || (score.dpc <= t.ordinaryDpcWithRecall && (recall || !input.dataCategories.includes('location'))));
  const accidental = !input.malicious;
  const contained = exposed && !unintelligible && !trustedDeleted && c.recipients !== 'unknown' && c.recipients !== 'public' && accidental && fewRecipients && fewPeople && ordinary;
  const disclosed = exposed && !unintelligible && !trustedDeleted && !contained;

  const hours = c.unavailabilityHours;
  const lost = c.availability !== 'none';
  const restoredQuickly = lost && c.availability !== 'total' && input.backupAvailable !== false && (c.availability === 'without-difficulty' || (hours !== null && hours < t.prolongedUnavailabilityHours));
  // An outage of unknown length, or with no backup, counts as prolonged: when in doubt, notify (CNIL).
  const prolongedOutage = lost && !restoredQuickly;
  return {
    exposed,
    neutralised: { unintelligible, trustedDeleted },
    contained,
    disclosed,
    unknownRecipients: disclosed && (c.recipients === 'unknown' || c.recipients === 'public'),
    integrityLost: input.integrity === 'recoverable' || input.integrity === 'not-recoverable',
    restoredQuickly,
    prolongedOutage,
    dataKnown,
    has,
  };
}

const status = (value: boolean | 'unknown'): FactorStatus => (value === 'unknown' ? 'unknown' : value ? 'present' : 'absent');

/**
 * Whether each factor of data/risk-factors.json applies, one predicate per code (the factor's meaning, effect
 * and source are in the data file). "unknown" when a fact the factor needs is missing.
 */
export function findFactors(input: RiskInput, c: Circumstances, score: EnisaScore | null, d: Dimensions): Record<FactorCode, FactorStatus> {
  const affected = d.disclosed || d.integrityLost || d.prolongedOutage;
  const ei = enisaTables.easeOfIdentification.find((level) => level.code === input.easeOfIdentification)?.value ?? 1;
  const identifiable = ei >= t.identifyingEi;
  // Without a DPC (data not known yet) the score is unknown, and so is whatever rests on it.
  const scoreAtLeast = (level: number, reached: boolean) => (!reached ? false : score === null ? 'unknown' : score.score >= level);
  const readable = d.disclosed || d.integrityLost;
  const unknownWithoutData = (present: boolean, reached: boolean) => (present ? true : reached && !d.dataKnown ? 'unknown' : false);
  const count = (value: number | null, above: number, reached: boolean) => (!reached ? false : value === null ? 'unknown' : value > above);
  const sensitive = d.has('special') && (score?.dpc ?? 4) >= 3;
  const judged = input.likelyConsequences;
  return {
    unintelligible: status(d.neutralised.unintelligible),
    'trusted-recipient-deleted': status(d.neutralised.trustedDeleted),
    'restored-quickly': status(d.restoredQuickly),
    'contained-disclosure': status(d.contained),
    'risk-unlikely': status(judged === 'unlikely'),
    malicious: status(input.malicious && affected),
    'unknown-recipients': status(d.unknownRecipients),
    'wide-disclosure': status(count(c.recipients === 'known' ? c.recipientsCount : null, t.wideDisclosureRecipients, d.disclosed && c.recipients === 'known')),
    'many-people': status(count(input.peopleCount, t.manyPeopleAbove, d.disclosed)),
    unavailability: status(d.prolongedOutage),
    'integrity-loss': status(d.integrityLost),
    'identity-documents': status(d.disclosed && d.has('identity')),
    'severity-medium': status(scoreAtLeast(2, readable)),
    'likely-consequences': status(judged === 'limited' || judged === 'severe'),
    'special-categories': status(unknownWithoutData(sensitive && identifiable && affected, affected)),
    'minors-or-vulnerable': status(identifiable && readable && input.personCategories.some(isVulnerablePeopleCategory)),
    credentials: status(d.disclosed && d.has('credentials')),
    'payment-card': status(d.disclosed && input.fullPaymentCardData),
    'identity-fraud': status(
      d.disclosed && d.has('identity') &&
        (d.unknownRecipients || input.malicious || (c.recipientsCount ?? 0) > t.wideDisclosureRecipients || (input.peopleCount ?? 0) > t.manyPeopleAbove),
    ),
    'fraud-vectors': status(affected && input.fraudVectors),
    'large-scale': status(count(input.peopleCount, t.largeScalePeople - 1, d.unknownRecipients)),
    'malicious-exfiltration': status(d.unknownRecipients && input.malicious && ei >= t.directlyIdentifyingEi),
    'severity-high': status(scoreAtLeast(3, readable)),
    'severe-consequences': status(judged === 'severe'),
  };
}
