import en from './data/labels.en.json' with { type: 'json' };
import fr from './data/labels.fr.json' with { type: 'json' };

/** Languages a draft can be written in: French first, English second (docs/architecture.md). */
export const languages = ['fr', 'en'] as const;
export type Language = (typeof languages)[number];

export type Labels = typeof fr;
/** The coded lists of the CNIL form (origins, causes, data categories …): codes in inputs, labels in data. */
export type CodeList = Exclude<keyof Labels['values'], 'countBands'>;

const byLanguage: Record<Language, Labels> = { fr, en: en as Labels };

export function labelsFor(lang: Language): Labels {
  return byLanguage[lang];
}

/** The codes a list accepts: the keys of the French data file (the reference form is French). */
export function codesOf(list: CodeList): string[] {
  return Object.keys(fr.values[list]);
}

/** The label of a code in a language; codes are validated on input, so a miss is a bug in the data files. */
export function labelOf(lang: Language, list: CodeList, code: string): string {
  const label = (byLanguage[lang].values[list] as Record<string, string>)[code];
  if (label === undefined) throw new Error(`no ${lang} label for ${list} code "${code}" in src/notices/data`);
  return label;
}

/** The CNIL open-data band of a head count (0–5, 6–50, 51–300, 301–5000, more than 5000). */
export function countBand(lang: Language, count: number): string {
  const band = byLanguage[lang].values.countBands.find((entry) => entry.max === null || count <= entry.max);
  return band?.label ?? '';
}
