import table from './data/carrier-prefixes.json' with { type: 'json' };

export interface CarrierTable {
  defaultCountry: string;
  prefixes: Record<string, string>;
}

export const defaultCarrierTable: CarrierTable = table;

/**
 * A phone number in E.164 (`+33612345678`), or undefined when it cannot be one. National numbers
 * (`06 12 34 56 78`) take the table's default country.
 */
export function normalizePhone(raw: string, defaultCountry = defaultCarrierTable.defaultCountry): string | undefined {
  const compact = raw.replace(/[\s.\-()]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (compact.startsWith('0')) digits = defaultCountry + compact.slice(1);
  else digits = compact;
  return /^[1-9]\d{6,14}$/.test(digits) ? `+${digits}` : undefined;
}

/** The carrier of the longest matching prefix, or null. A receipt's carrier replaces this guess. */
export function carrierOf(e164: string, carriers: CarrierTable = defaultCarrierTable): string | null {
  for (let length = Math.min(e164.length, 10); length >= 2; length--) {
    const carrier = carriers.prefixes[e164.slice(0, length)];
    if (carrier) return carrier;
  }
  return null;
}
