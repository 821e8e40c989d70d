import { fill } from '../breaches/timeline-labels.js';
import { enisaTables } from '../breaches/vocabularies.js';
import type { DraftInput } from './draft-input.js';
import { countBand, labelsFor, type Language } from './labels.js';
import { formatCount, formatLocal } from './local-time.js';

type Breach = DraftInput['breach'];

/**
 * The number of people as the CNIL form takes it — plain digits, for its numeric field (no narrow no-break
 * space to paste) — and, in words, where it comes from: the DPO's estimate (a range and its basis) or the
 * people list's count once adopted, and what the list holds so far, by source.
 */
export function peopleView(people: Breach['people'], lang: Language) {
  if (!people) return undefined;
  const L = labelsFor(lang);
  const f = L.form.fields;
  // Grouped for reading, with plain spaces: the DPO pastes these lines into the CNIL's form.
  const prose = (n: number) => formatCount(n, lang).replace(/[\u202f\u00a0]/g, ' ');
  const estimate = people.estimate
    ? `${fill(f.countEstimateRange, { min: prose(people.estimate.min), max: prose(people.estimate.max) })} (${fill(f.countEstimateBasis, { basis: people.estimate.basis })})`
    : undefined;
  const listed = people.listed
    ? `${prose(people.listed.total)} (${fill(f.countListedSources, { accessLog: prose(people.listed.accessLog), csv: prose(people.listed.csv), manual: prose(people.listed.manual) })}${people.exact ? '' : ` ; ${f.countListedPending}`})`
    : undefined;
  return {
    count: String(people.count),
    band: countBand(lang, people.count),
    basis: people.exact ? f.countFromList : estimate ? `${f.countFromEstimate}, ${estimate}` : f.countFromEstimate,
    listed,
    directlyIdentifiable: people.directlyIdentifiable === undefined ? L.unknown : people.directlyIdentifiable ? L.yes : L.no,
  };
}

/** The advice and the decision, both, as the CNIL draft shows them (with any departure and its justification). */
export function assessmentView(input: DraftInput, lang: Language, timeZone: string) {
  const L = labelsFor(lang);
  const f = L.form.fields;
  const r = L.register;
  const { assessment, decision } = input;
  const decimal = (n: number) => new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 2 }).format(n);
  return {
    recommendation: assessment
      ? {
          title: fill(f.recommendation, { at: formatLocal(assessment.at, timeZone, lang) }),
          text: assessment.summary[lang],
          score: `${decimal(assessment.score)} (${enisaTables.bands.find((b) => b.code === assessment.band)?.[lang] ?? ''})`,
        }
      : undefined,
    decision: decision
      ? {
          title: fill(f.decision, { actor: decision.actor, at: formatLocal(decision.at, timeZone, lang) }),
          text: `${r.decisionAuthority[decision.authority]}${lang === 'fr' ? ' ; ' : '; '}${r.decisionPeople[decision.people]}`,
          justification: decision.justification || undefined,
          departures: decision.departures.map((d) => `${r.departureField[d.field]} — ${fill(r.fields.advised, { advised: adviceLabel(d.field, d.advised, lang), decided: decisionLabel(d.field, d.decided, lang) })}`),
          hasDepartures: decision.departures.length > 0,
        }
      : undefined,
  };
}

function adviceLabel(field: 'authority' | 'people', code: string, lang: Language): string {
  const a = labelsFor(lang).form.advice as Record<string, Record<string, string>>;
  return a[field]?.[code] ?? code;
}

function decisionLabel(field: 'authority' | 'people', code: string, lang: Language): string {
  const r = labelsFor(lang).register;
  return ((field === 'authority' ? r.decisionAuthority : r.decisionPeople) as Record<string, string>)[code] ?? code;
}

/** Measures taken (immediate) apart from measures planned (medium and long term): people are told which is which. */
export function measuresView(measures: Breach['measures'], none: string) {
  const planned = [...measures.mediumTerm, ...measures.longTerm];
  const orNone = (values: string[]) => (values.length > 0 ? values : [none]);
  return {
    immediate: orNone(measures.immediate),
    mediumTerm: orNone(measures.mediumTerm),
    longTerm: orNone(measures.longTerm),
    all: [...measures.immediate, ...planned],
    done: measures.immediate,
    planned,
    hasDone: measures.immediate.length > 0,
    hasPlanned: planned.length > 0,
  };
}

/** The first phrase of `table` that fits the breach: by origin, else by nature, else the default. */
function byFacts(table: Record<string, string>, breach: Breach): string {
  const key = [...breach.origins, ...breach.natures].find((code) => table[code] !== undefined);
  return table[key ?? 'default'] ?? '';
}

/** What happened, for the people concerned: the DPO's own words, else a plain sentence built from the facts. */
export const peopleSummary = (breach: Breach, lang: Language): string => breach.summaryForPeople ?? byFacts(labelsFor(lang).people.summary, breach);

/** The SMS's account of the event, from the facts; `withExposed` lists the person's own categories when the budget allows. */
export const smsView = (breach: Breach, lang: Language, withExposed: boolean) => ({
  event: byFacts(labelsFor(lang).people.smsEvent, breach),
  closing: labelsFor(lang).people.smsClosing,
  withExposed,
});
