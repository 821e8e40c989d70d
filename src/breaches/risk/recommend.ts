import riskFactorData from '../data/risk-factors.json' with { type: 'json' };
import { readCircumstances, type Circumstances } from './circumstances.js';
import { scoreEnisa, type EnisaScore } from './enisa-score.js';
import { ValidationError } from '../../http/errors.js';
import { findFactors, readDimensions, type Dimensions, type FactorCode, type FactorStatus } from './factors.js';
import type { RiskInput } from './risk-input.js';

export type { FactorCode };
export type FactorEffect = 'mitigates' | 'risk' | 'high-risk';
export type AuthorityAdvice = 'notify' | 'record-only' | 'depends';
export type PeopleAdvice = 'inform' | 'public-communication' | 'do-not-inform' | 'depends';
type DecidingFact = keyof typeof riskFactorData.decidedBy;

export interface FactorFinding {
  code: FactorCode;
  /** present: it weighs in this breach; unknown: a fact it needs is missing. */
  status: FactorStatus;
  effect: FactorEffect;
  /** neutralises/lowers (mitigating factors), firm/yields (high-risk factors: whether the DPO's judgement of limited consequences sets it aside). */
  strength?: string;
  fr: string;
  en: string;
  /** The regulators' text the factor comes from. */
  source: string;
}

export interface Recommendation {
  authority: AuthorityAdvice;
  people: PeopleAdvice;
  /** Every factor the regulators weigh, with whether it applies here, so the advice explains itself. */
  factors: FactorFinding[];
  /** When an answer is "depends": the facts or judgements that would decide it. */
  decidedBy: { code: DecidingFact; fr: string; en: string }[];
  notes: (keyof typeof riskFactorData.outcomes.notes)[];
  summary: { fr: string; en: string };
}

/**
 * The regulators' reading of a breach (WP250 Annex B, EDPB Guidelines 01/2021, ENISA 2013; sources in
 * data/risk-factors.json), factor by factor. Circumstances move it both ways: what neutralises or contains a
 * disclosure, what makes it worse. It advises; the DPO decides and records the decision with its reasons.
 */
export function recommend(input: RiskInput, circumstances: Circumstances = readCircumstances(input), score: EnisaScore | null = scoreIfKnown(input, circumstances)): Recommendation {
  const dims = readDimensions(input, circumstances, score);
  const statuses = findFactors(input, circumstances, score, dims);
  const factors = (Object.keys(riskFactorData.factors) as FactorCode[]).map((code) => ({ code, status: statuses[code], ...riskFactorData.factors[code] }) as FactorFinding);
  const present = (f: FactorFinding) => f.status === 'present';
  const judged = input.likelyConsequences;
  const judgedNotSevere = judged === 'limited' || judged === 'unlikely';
  // Firm high-risk factors stand whatever the judgement; the others yield to a DPO who judged the consequences limited.
  const high = factors.some((f) => present(f) && f.effect === 'high-risk' && (f.strength !== 'yields' || !judgedNotSevere));
  const risk = factors.some((f) => present(f) && f.effect === 'risk');
  const decidedBy = new Set<DecidingFact>();

  let authority: AuthorityAdvice;
  if (high) authority = 'notify';
  else if (judged === 'unlikely') authority = 'record-only';
  else if (risk || judged === 'limited') authority = 'notify';
  else if (authorityUndecided(input, circumstances, dims, decidedBy)) authority = 'depends';
  else authority = 'record-only';

  const notes: Recommendation['notes'] = [];
  let people: PeopleAdvice;
  if (authority === 'depends') people = 'depends';
  else if (high && input.measuresRemoveHighRisk) {
    people = 'do-not-inform';
    notes.push('measures-removed-high-risk');
  } else if (high) people = input.disproportionateEffort ? 'public-communication' : 'inform';
  else if (authority === 'record-only') people = 'do-not-inform';
  else people = peopleUndecided(factors, judged, score, dims, decidedBy) ? 'depends' : 'do-not-inform';

  if (people === 'inform' && circumstances.recipientsCount !== null && circumstances.recipientsCount <= 1) notes.push('affected-only');
  if (authority !== 'record-only' && input.atProcessor) notes.push('processor');
  if (authority !== 'record-only' && input.crossBorder) notes.push('cross-border');

  const deciding = [...decidedBy].map((code) => ({ code, fr: riskFactorData.decidedBy[code].fr, en: riskFactorData.decidedBy[code].en }));
  return { authority, people, factors, decidedBy: deciding, notes, summary: summaryOf(authority, people, deciding) };
}

/** Disclosed to known recipients, nothing else weighs, and the volume that decides is not known yet (WP250, to/cc example). */
function authorityUndecided(input: RiskInput, c: Circumstances, d: Dimensions, decidedBy: Set<DecidingFact>): boolean {
  if (input.likelyConsequences !== 'unknown') return false;
  if ((d.disclosed || d.integrityLost || d.prolongedOutage) && !d.dataKnown) decidedBy.add('data-categories');
  if (d.disclosed && c.recipients === 'known') {
    if (input.peopleCount === null) decidedBy.add('people-count');
    if (c.recipientsCount === null) decidedBy.add('recipients-count');
  }
  return decidedBy.size > 0;
}

/**
 * Not high risk on the facts, yet not clearly low: a sensitive factor waits for a missing fact, or the score is
 * in ENISA's medium band and nobody has judged the consequences. Then "depends", never a firm "do not inform".
 */
function peopleUndecided(factors: FactorFinding[], judged: RiskInput['likelyConsequences'], score: EnisaScore | null, d: Dimensions, decidedBy: Set<DecidingFact>): boolean {
  const waiting = factors.filter((f) => f.status === 'unknown' && f.effect === 'high-risk');
  if (waiting.some((f) => f.code === 'special-categories')) decidedBy.add('data-categories');
  if (judged === 'unknown' && waiting.some((f) => f.code === 'large-scale')) decidedBy.add('people-count');
  if (judged === 'unknown' && (d.disclosed || d.integrityLost) && (score === null || score.band === 'medium')) decidedBy.add('likely-consequences');
  return decidedBy.size > 0;
}

/** The score when the data give a DPC; the advice is still given without one (the data may not be known yet). */
function scoreIfKnown(input: RiskInput, circumstances: Circumstances): EnisaScore | null {
  try {
    return scoreEnisa(input, circumstances);
  } catch (error) {
    if (error instanceof ValidationError && error.errors.every((e) => e.path === 'dpc')) return null;
    throw error;
  }
}

function summaryOf(authority: AuthorityAdvice, people: PeopleAdvice, deciding: Recommendation['decidedBy']): Recommendation['summary'] {
  const o = riskFactorData.outcomes;
  const tail = (lang: 'fr' | 'en') => (deciding.length > 0 ? ` (${o.decidedBy[lang]} : ${deciding.map((d) => d[lang]).join(' ; ')})`.replace(' :', lang === 'fr' ? ' :' : ':') : '');
  return {
    fr: `${o.authority[authority].fr}. ${o.people[people].fr}${tail('fr')}.`,
    en: `${o.authority[authority].en}. ${o.people[people].en}${tail('en')}.`,
  };
}
