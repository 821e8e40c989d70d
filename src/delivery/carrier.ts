import { z } from 'zod';
import builtIn from './data/numbering-plan.json' with { type: 'json' };

/**
 * Which network a phone number is on. The provider's report is the authority (it looks numbers up in the
 * portability database before routing); block allocations are only the fallback, and every message
 * keeps which of the two its carrier came from (`carrier_source`), so that reports can say what was inferred.
 */
export interface NumberingPlan {
  defaultCountry: string;
  /** ARCEP operator code → name. */
  operators: Record<string, string>;
  /** Mobile network code (MCC-MNC, as providers report networks) → ARCEP operator code. */
  mobileNetworkCodes: Record<string, string>;
  /** National prefix (0639…) → E.164 country code of the overseas territory its numbers belong to. */
  overseasCountryCodes: Record<string, string>;
  /** National prefix (0601…) → ARCEP operator code of the block's holder. */
  blocks: Record<string, string>;
}

const code = z.string().min(1).max(20);
const digits = z.string().regex(/^\d{1,10}$/, 'must be digits');

/** A numbering plan file (VIGIE_NUMBERING_PLAN), as scripts/carrier-blocks-from-arcep.mjs writes it. */
export const numberingPlanSchema = z.object({
  defaultCountry: z.string().regex(/^[1-9]\d{0,2}$/, 'must be a country calling code'),
  operators: z.record(code, z.string().min(1).max(200)),
  mobileNetworkCodes: z.record(z.string().regex(/^\d{5,6}$/, 'must be an MCC-MNC'), code),
  overseasCountryCodes: z.record(digits, z.string().regex(/^[1-9]\d{0,2}$/)),
  blocks: z.record(digits, code),
});

/**
 * The plan shipped with Vigie: France's country code, the overseas prefixes and the four networks' mobile network
 * codes, and no block allocations (src/delivery/data/numbering-plan.json says why).
 */
export const builtInNumberingPlan: NumberingPlan = numberingPlanSchema.parse(builtIn);

let active: NumberingPlan = builtInNumberingPlan;

/**
 * Sets the plan this process uses (the entries call it once at start with VIGIE_NUMBERING_PLAN's file). Process-
 * wide like the bundled templates: it is reference data, the same for every request.
 */
export function useNumberingPlan(plan: NumberingPlan): void {
  active = plan;
}

/** The plan in use. */
export const numberingPlan = (): NumberingPlan => active;

/** Country codes that share France's national numbering plan (mainland and overseas departments). */
const frenchCountryCodes = ['33', '262', '508', '590', '594', '596'];

function longestPrefix<T>(table: Record<string, T>, digits: string): T | undefined {
  for (let length = Math.min(digits.length, 10); length >= 2; length--) {
    const value = table[digits.slice(0, length)];
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * A phone number in E.164 (`+33612345678`), or undefined when it cannot be one. National numbers
 * (`06 12 34 56 78`) take the plan's country code — that of the overseas territory for its blocks
 * (`0692…` is `+262692…`), the default otherwise.
 */
export function normalizePhone(raw: string, numbering: NumberingPlan = active): string | undefined {
  const compact = raw.replace(/[\s.\-()]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (compact.startsWith('0')) digits = (longestPrefix(numbering.overseasCountryCodes, compact) ?? numbering.defaultCountry) + compact.slice(1);
  else digits = compact;
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : undefined;
}

/** The national form (0…) of a French E.164 number, or undefined for another country's. */
function nationalNumber(e164: string): string | undefined {
  const code = frenchCountryCodes.find((cc) => e164.startsWith(`+${cc}`));
  return code ? `0${e164.slice(code.length + 1)}` : undefined;
}

/** The operator holding the number's block in the numbering plan, by name, or null: a guess (numbers are ported). */
export function carrierOf(e164: string, numbering: NumberingPlan = active): string | null {
  const national = nationalNumber(e164);
  const code = national ? longestPrefix(numbering.blocks, national) : undefined;
  return code ? (numbering.operators[code] ?? code) : null;
}

/**
 * A network as a provider reports it, in the plan's words: a mobile network code (`20801`) becomes its
 * operator's name (`Orange`); a name is kept as the provider wrote it.
 */
export function reportedCarrier(value: unknown, numbering: NumberingPlan = active): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim().slice(0, 100);
  if (text === '') return null;
  const code = /^\d{5,6}$/.test(text) ? numbering.mobileNetworkCodes[text] : undefined;
  return code ? (numbering.operators[code] ?? code) : text;
}
