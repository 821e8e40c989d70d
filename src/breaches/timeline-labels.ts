import { labelsFor, type Language } from '../notices/labels.js';
import { clockRules } from './vocabularies.js';

type TimelineKey = keyof ReturnType<typeof labelsFor>['register']['timeline'];

/** What Vigie says about an entry it writes itself, in codes: shown in French or English by describeEntry. */
export interface EntryLabel {
  key: string;
  params: Record<string, string>;
}

/** `{name}` placeholders of the label files, filled with values already in the reader's language. */
export const fill = (template: string, params: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));

function stepLabel(regime: string, step: string, lang: Language): string {
  const rule = clockRules.regimes.find((r) => r.code === regime)?.steps.find((s) => s.code === step);
  return rule ? rule[lang] : `${regime} ${step}`;
}

/** The entry's text in a language: its label with each coded parameter turned into words; other entries as written. */
export function describeEntry(entry: { summary: string; label?: EntryLabel | undefined }, lang: Language): string {
  if (!entry.label) return entry.summary;
  const r = labelsFor(lang).register;
  const p = entry.label.params;
  const words: Record<string, string> = { ...p };
  if (p.scope !== undefined) words.scope = p.scope === 'site' ? r.timeline.scopeSite : p.scope;
  if (p.step !== undefined && p.regime !== undefined) words.step = stepLabel(p.regime, p.step, lang);
  if (p.kind !== undefined) words.kind = r.filingKind[p.kind as keyof typeof r.filingKind] ?? p.kind;
  words.reference = p.reference ? fill(r.timeline.reference, { reference: p.reference }) : '';
  if (p.authority !== undefined) words.authority = r.decisionAuthority[p.authority as keyof typeof r.decisionAuthority] ?? p.authority;
  if (p.people !== undefined) words.people = r.decisionPeople[p.people as keyof typeof r.decisionPeople] ?? p.people;
  const after = p.recordedAt !== undefined ? fill(r.timeline.recordedAfterTheFact, words) : '';
  return fill(r.timeline[entry.label.key as TimelineKey] ?? entry.label.key, words) + after;
}

/** A Vigie-written entry, its French summary filled in for the API and the command line. */
export function labelled<T extends { at: Date; kind: string; source: string; actor: string | null; until?: Date | null }>(entry: T, label: EntryLabel) {
  return { ...entry, label, summary: describeEntry({ summary: '', label }, 'fr') };
}

/** A maintenance window is the breach's own when it covers the whole site or one of the breach's paths. */
export function coversBreach(scope: string, affectedPaths: readonly string[]): boolean {
  if (scope === 'site') return true;
  const prefix = (path: string) => path.replace(/\/\*$/, '').replace(/\/+$/, '') || '/';
  const window = prefix(scope);
  return affectedPaths.some((path) => {
    const own = prefix(path);
    const within = (inner: string, outer: string) => outer === '/' || inner === outer || inner.startsWith(`${outer}/`);
    return within(own, window) || within(window, own);
  });
}
