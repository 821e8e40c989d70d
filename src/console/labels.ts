import en from './data/labels.en.json' with { type: 'json' };
import fr from './data/labels.fr.json' with { type: 'json' };

/** The console speaks French first, English second (docs/architecture.md); its words are data (src/console/data). */
export const consoleLanguages = ['fr', 'en'] as const;
export type ConsoleLanguage = (typeof consoleLanguages)[number];
export type ConsoleLabels = typeof fr;

// The English file has the French one's shape: the type-checker refuses a missing key here.
const english: ConsoleLabels = en;
const byLanguage: Record<ConsoleLanguage, ConsoleLabels> = { fr, en: english };

export function consoleLabels(lang: ConsoleLanguage): ConsoleLabels {
  return byLanguage[lang];
}

/** "{count} personne(s)" with { count: 3 } → "3 personne(s)". A placeholder without a value stays visible. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export const languageCookie = 'vigie_console_lang';

/** The cookie's choice, else the browser's first of fr/en, else French. */
export function pickLanguage(cookie: string | undefined, acceptLanguage: string | undefined): ConsoleLanguage {
  if (cookie === 'fr' || cookie === 'en') return cookie;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'fr' || tag === 'en') return tag;
  }
  return 'fr';
}
