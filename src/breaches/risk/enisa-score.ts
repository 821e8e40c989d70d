import { ValidationError } from '../../http/errors.js';
import { dataCategory, enisaTables } from '../vocabularies.js';
import type { RiskInput } from './risk-input.js';

export type SeverityBand = 'low' | 'medium' | 'high' | 'very-high';

export interface EnisaScore {
  /** Highest base DPC of the data categories (null when none has one). */
  dpcBase: number | null;
  dpc: number;
  dpcJustification: string | null;
  ei: number;
  cb: number;
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

/**
 * The ENISA severity of a breach. Several data types → the highest DPC; a DPC moved by context needs a
 * written justification (ENISA requires it, and the register must show why).
 */
export function scoreEnisa(input: RiskInput): EnisaScore {
  const bases = input.dataCategories.map((code) => dataCategory(code)?.enisaDpc).filter((v): v is number => v !== undefined);
  const dpcBase = bases.length > 0 ? Math.max(...bases) : null;
  const dpc = input.dpc ?? dpcBase;
  const justification = input.dpcJustification?.trim() || null;
  if (dpc === null) {
    throw new ValidationError([{ path: 'dpc', message: 'no data category gives a base score: state dpc (1–4) with dpcJustification' }]);
  }
  if (dpc !== dpcBase && (justification === null || justification.length < minimumJustification)) {
    throw new ValidationError([
      {
        path: 'dpcJustification',
        message: `a DPC of ${dpc} differs from the base score ${dpcBase ?? '(none)'}: a written justification of at least ${minimumJustification} characters is required`,
      },
    ]);
  }
  const ei = valueOf(enisaTables.easeOfIdentification, input.easeOfIdentification);
  const circumstances = enisaTables.circumstances;
  const cb =
    valueOf(circumstances.confidentiality, input.confidentiality) +
    valueOf(circumstances.integrity, input.integrity) +
    valueOf(circumstances.availability, input.availability) +
    (input.malicious ? circumstances.malicious.value : 0);
  // Every term is a multiple of 0.25, exact in binary floating point: no rounding is needed or done.
  const score = dpc * ei + cb;
  return {
    dpcBase,
    dpc,
    dpcJustification: justification,
    ei,
    cb,
    score,
    band: severityBand(score),
    flags: {
      manyPeople: input.peopleCount === null ? null : input.peopleCount > enisaTables.flags.manyPeopleAbove,
      unintelligible: input.unintelligible,
    },
  };
}
