import defaults from './data/category-map.json' with { type: 'json' };
import { vocabularies } from './vocabularies.js';

/**
 * One vocabulary story (docs/categories.md). A protected service declares data categories in its own words
 * (`Vigie-Data-Categories: identity, financial`); the access log keeps them as declared, since they are part of
 * the evidence. Wherever they enter the breach register they become the register's (CNIL form) data categories
 * through this map: the bundled default (data/category-map.json), with the organisation's entries
 * (VIGIE_CATEGORY_MAP) laid over it. A register code declared as such maps to itself.
 */
export type CategoryMap = Readonly<Record<string, readonly string[]>>;

/** The register's data category codes, in the form's order. */
export const registerCategoryCodes: readonly string[] = vocabularies.dataCategories.map((term) => term.code);
const registerCodes = new Set(registerCategoryCodes);

/** What a declared category becomes when nothing maps it: the form's « Autres ». */
export const unmappedCategory = 'other';

const declaredName = /^[a-z0-9][a-z0-9._-]{0,99}$/;

const normalise = (declared: string) => declared.trim().toLowerCase();

/**
 * Parses VIGIE_CATEGORY_MAP: `identity=civil-status,payslip=financial+contact` (a declared name, `=`, one or
 * more register codes joined by `+`; entries separated by commas). Returns the entries, or the first problem in
 * words that name the faulty entry (never more than the setting's own text: it holds no secret).
 */
export function parseCategoryMapSetting(text: string): { entries: Record<string, string[]> } | { error: string } {
  const entries: Record<string, string[]> = {};
  for (const item of text.split(',').map((piece) => piece.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = normalise(eq < 0 ? item : item.slice(0, eq));
    if (eq < 0 || !declaredName.test(name)) return { error: `entry "${item}" must read <declared category>=<register category>[+<register category>…]` };
    const codes = item.slice(eq + 1).split('+').map((code) => code.trim());
    const unknown = codes.find((code) => !registerCodes.has(code));
    if (unknown !== undefined) {
      return { error: `maps "${name}" to "${unknown}", which is not a register data category (src/breaches/data/cnil-vocabularies.json: ${registerCategoryCodes.join(', ')})` };
    }
    entries[name] = [...new Set(codes)];
  }
  return { entries };
}

/** The map in force: the bundled default with the organisation's entries over it (an entry replaces the default's). */
export function buildCategoryMap(overrides: Record<string, string[]> = {}): CategoryMap {
  const map: Record<string, readonly string[]> = Object.create(null) as Record<string, readonly string[]>;
  for (const code of registerCategoryCodes) map[code] = [code];
  for (const [name, codes] of Object.entries(defaults.map)) map[name] = codes;
  for (const [name, codes] of Object.entries(overrides)) map[normalise(name)] = codes;
  return Object.freeze(map);
}

/** The bundled map alone (tests, tools that run without a configuration). */
export const defaultCategoryMap: CategoryMap = buildCategoryMap();

/** The register codes a declared category maps to, or undefined when the map does not know it. */
export function registerCategoriesOf(map: CategoryMap, declared: string): readonly string[] | undefined {
  return Object.hasOwn(map, declared) ? map[declared] : Object.hasOwn(map, normalise(declared)) ? map[normalise(declared)] : undefined;
}

/**
 * Declared categories in the register's words, in the form's order, and the declared names nothing maps
 * (counted and logged where they entered; here they become « other » so that the register never holds a code
 * its drafts cannot name).
 */
export function toRegisterCategories(map: CategoryMap, declared: readonly string[]): { codes: string[]; unmapped: string[] } {
  const codes = new Set<string>();
  const unmapped: string[] = [];
  for (const name of declared) {
    const mapped = registerCategoriesOf(map, name);
    if (mapped) for (const code of mapped) codes.add(code);
    else {
      unmapped.push(name);
      codes.add(unmappedCategory);
    }
  }
  return { codes: registerCategoryCodes.filter((code) => codes.has(code)), unmapped };
}
