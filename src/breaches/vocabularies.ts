import { z } from 'zod';
import clockRulesData from './data/clock-rules.json' with { type: 'json' };
import vocabulariesData from './data/cnil-vocabularies.json' with { type: 'json' };
import enisaData from './data/enisa.json' with { type: 'json' };

/** A term of a vocabulary kept as data (labels may change on the CNIL's side; codes are ours and stable). */
export interface Term {
  code: string;
  fr: string;
  en: string;
}

export const vocabularies = vocabulariesData;
export const enisaTables = enisaData;
export const clockRules = clockRulesData;

function codes<K extends keyof typeof vocabulariesData>(key: K): [string, ...string[]] {
  return (vocabulariesData[key] as unknown as Term[]).map((term) => term.code) as [string, ...string[]];
}

/** zod enum over a vocabulary's codes; an unknown code is named in the error with the accepted ones. */
export function vocabularyEnum(key: keyof typeof vocabulariesData) {
  return z.enum(codes(key));
}

export interface DataCategoryTerm extends Term {
  enisaDpc?: number;
  special?: boolean;
  financial?: boolean;
  identity?: boolean;
  credentials?: boolean;
}

const dataCategoryByCode = new Map((vocabulariesData.dataCategories as DataCategoryTerm[]).map((term) => [term.code, term]));
const vulnerablePeople = new Set(
  (vocabulariesData.personCategories as (Term & { vulnerable?: boolean })[]).filter((t) => t.vulnerable).map((t) => t.code),
);

export const dataCategory = (code: string): DataCategoryTerm | undefined => dataCategoryByCode.get(code);
export const isVulnerablePeopleCategory = (code: string): boolean => vulnerablePeople.has(code);

/** The label of a code in a vocabulary, in French first (docs/architecture.md); the code itself if unknown. */
export function labelOf(key: keyof typeof vocabulariesData, code: string, language: 'fr' | 'en' = 'fr'): string {
  const term = (vocabulariesData[key] as unknown as Term[]).find((t) => t.code === code);
  return term ? term[language] : code;
}

/** The CNIL open-data band of a count of people ("301-5000"), or undefined when the count is unknown. */
export function peopleCountBand(count: number | null | undefined): string | undefined {
  if (count === null || count === undefined) return undefined;
  return vocabulariesData.peopleCountBands.find((band) => count >= band.min && (band.max === null || count <= band.max))?.code;
}
