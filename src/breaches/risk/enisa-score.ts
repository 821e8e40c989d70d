import { ValidationError } from '../../http/errors.js';
import { dataCategory, enisaTables } from '../vocabularies.js';
import { readCircumstances, type Circumstances } from './circumstances.js';
import type { RiskInput } from './risk-input.js';

export type SeverityBand = 'low' | 'medium' | 'high' | 'very-high';

/** One ENISA context adjustment of the DPC, as applied, with its written justification. */
export interface AppliedAdjustment {
  code: string;
  from: number;
  to: number;
  justification: string;
  /** Applied by Vigie from a stated fact (e.g. full payment-card data), not stated by the DPO. */
  automatic: boolean;
}

/** One circumstance element (CB) as scored, and the fact that moved it from what was stated, if any. */
export interface ScoredElement {
  code: string;
  value: number;
  /** The code stated or derived before a fact moved it (e.g. deletion confirmed by the recipient). */
  before?: string;
  reason?: { fr: string; en: string };
}

export interface EnisaScore {
  /** Highest base DPC of the data categories (null when none has one). */
  dpcBase: number | null;
  dpc: number;
  /** Why the DPC differs from its base: the DPO's text or the adjustments' justifications. */
  dpcJustification: string | null;
  adjustments: AppliedAdjustment[];
  ei: number;
  cb: number;
  elements: { confidentiality: ScoredElement; integrity: ScoredElement; availability: ScoredElement; malicious: ScoredElement };
  /** SE = DPC × EI + CB. */
  score: number;
  band: SeverityBand;
  flags: { manyPeople: boolean | null; unintelligible: boolean };
}

const minimumJustification = 10;

/** Band of a score: < 2 low, [2, 3) medium, [3, 4) high, ≥ 4 very high (ENISA 2013; data/enisa.json). */
export function severityBand(score: number): SeverityBand {
  const band = enisaTables.bands.find((b) => score >= b.from && (b.below === null || score < b.below));
  return (band?.code ?? 'low') as SeverityBand;
}

const valueOf = (list: { code: string; value: number }[], code: string): number => list.find((item) => item.code === code)?.value ?? 0;
const clamp = (dpc: number) => Math.min(enisaTables.dpcRange.max, Math.max(enisaTables.dpcRange.min, dpc));

/**
 * The DPC: stated outright (with a justification when it moves from the base), or the base moved by ENISA's
 * context adjustments, each justified in writing; full payment-card data raise it by themselves (ENISA's
 * "full financial information enabling fraud"). Always within 1–4.
 */
function dataProcessingContext(input: RiskInput) {
  const bases = input.dataCategories.map((code) => dataCategory(code)?.enisaDpc).filter((v): v is number => v !== undefined);
  const dpcBase = bases.length > 0 ? Math.max(...bases) : null;
  const justification = input.dpcJustification?.trim() || null;
  if (input.dpc !== undefined) {
    if (input.dpc !== dpcBase && (justification === null || justification.length < minimumJustification)) {
      throw new ValidationError([
        { path: 'dpcJustification', message: `a DPC of ${input.dpc} differs from the base score ${dpcBase ?? '(none)'}: a written justification of at least ${minimumJustification} characters is required` },
      ]);
    }
    return { dpcBase, dpc: input.dpc, dpcJustification: justification, adjustments: [] as AppliedAdjustment[] };
  }
  if (dpcBase === null) throw new ValidationError([{ path: 'dpc', message: 'no data category gives a base score: state dpc (1–4) with dpcJustification' }]);
  const stated = input.dpcAdjustments.map((a) => ({ ...a, automatic: false }));
  stated.forEach((a, index) => {
    if (a.justification.length < minimumJustification) {
      throw new ValidationError([{ path: `dpcAdjustments.${index}.justification`, message: `each adjustment of the DPC needs a written justification of at least ${minimumJustification} characters (ENISA)` }]);
    }
  });
  const automatic = enisaTables.dpcAdjustments
    .filter((a) => a.automaticFrom === 'fullPaymentCardData' && input.fullPaymentCardData && !stated.some((s) => s.code === a.code))
    .map((a) => ({ code: a.code, justification: a.fr, automatic: true }));
  let dpc = dpcBase;
  const adjustments: AppliedAdjustment[] = [];
  for (const { code, justification: text, automatic: byFact } of [...automatic, ...stated]) {
    const rule = enisaTables.dpcAdjustments.find((a) => a.code === code)!;
    const to = clamp('to' in rule && rule.to !== undefined ? Math.max(dpc, rule.to) : dpc + (rule.step ?? 0));
    adjustments.push({ code, from: dpc, to, justification: text, automatic: byFact });
    dpc = to;
  }
  const joined = adjustments.map((a) => a.justification).join(' ; ') || justification;
  return { dpcBase, dpc, dpcJustification: dpc !== dpcBase ? joined : justification, adjustments };
}

/** CB elements: confidentiality as the recipients give it, moved to "exposed" when the data cannot be used or were deleted. */
function circumstanceElements(input: RiskInput, c: Circumstances) {
  const tables = enisaTables.circumstances;
  const moves = enisaTables.elementAdjustments;
  const element = (list: { code: string; value: number }[], code: string, move?: { to: string; fr: string; en: string }): ScoredElement =>
    move && move.to !== code ? { code: move.to, value: valueOf(list, move.to), before: code, reason: { fr: move.fr, en: move.en } } : { code, value: valueOf(list, code) };
  const received = c.confidentiality === 'known-recipients' || c.confidentiality === 'unknown-recipients';
  const deleted = c.recipientAction === 'deletion-confirmed' && (c.recipients === 'single-trusted' || c.recipients === 'known');
  const move = received ? (input.unintelligible ? moves.unintelligible : deleted ? moves.deletionConfirmed : undefined) : undefined;
  return {
    confidentiality: element(tables.confidentiality, c.confidentiality, move),
    integrity: element(tables.integrity, input.integrity),
    availability: element(tables.availability, c.availability),
    malicious: { code: input.malicious ? 'malicious' : 'none', value: input.malicious ? tables.malicious.value : 0 },
  };
}

/**
 * The ENISA severity of a breach. Several data types → the highest DPC; a DPC moved by context needs a
 * written justification (ENISA requires it, and the register must show why).
 */
export function scoreEnisa(input: RiskInput, circumstances: Circumstances = readCircumstances(input)): EnisaScore {
  const context = dataProcessingContext(input);
  const ei = valueOf(enisaTables.easeOfIdentification, input.easeOfIdentification);
  const elements = circumstanceElements(input, circumstances);
  const cb = elements.confidentiality.value + elements.integrity.value + elements.availability.value + elements.malicious.value;
  // Every term is a multiple of 0.25, exact in binary floating point: no rounding is needed or done.
  const score = context.dpc * ei + cb;
  return {
    ...context,
    ei,
    cb,
    elements,
    score,
    band: severityBand(score),
    flags: {
      manyPeople: input.peopleCount === null ? null : input.peopleCount > enisaTables.flags.manyPeopleAbove,
      unintelligible: input.unintelligible,
    },
  };
}
