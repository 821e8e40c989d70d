import type Mustache from 'mustache';
import type { FieldError } from '../http/errors.js';
import { ValidationError } from '../http/errors.js';
import { mediumOf } from './documents.js';
import { codesOf, labelOf, type Language } from './labels.js';
import { localTime } from './local-time.js';
import { countSms, foldToGsm } from './sms.js';
import { Context, escapeHtml, keepText, namesUsed, parseTemplate, renderTokens, TemplateValueError } from './strict-render.js';
import { joinList } from './view-model.js';

/** Person fields are written `[[person.name]]` in templates and drafts; filled at send time. */
export const personTags: [string, string] = ['[[', ']]'];

/** What a personal message may say about its recipient. */
export const personFields = ['name', 'exposed', 'exposedList', 'when', 'date', 'firstSeen', 'lastSeen', 'sameTime'] as const;
const allowedNames = new Set(personFields.flatMap((field) => [`person.${field}`]).concat(['.', 'person']));

/** The person as delivery knows them: data categories are codes of the dataCategories list. */
export interface PersonRecord {
  name: string;
  /** Codes of what of theirs was exposed; the breach's categories when the register has no per-person detail. */
  exposed?: readonly string[] | undefined;
  firstExposedAt?: Date | string | undefined;
  lastExposedAt?: Date | string | undefined;
}

/** Breach-level facts used for a person the register knows no per-person detail of. */
export interface PersonDefaults {
  exposed?: readonly string[] | undefined;
  firstExposedAt?: string | null | undefined;
  lastExposedAt?: string | null | undefined;
}

export interface PersonalDraftParts {
  lang: Language;
  parts: Record<string, string>;
}

type ScalarField = Exclude<(typeof personFields)[number], 'exposed'>;
const scalarFields = new Set<string>(personFields.filter((field) => field !== 'exposed' && field !== 'sameTime'));

/**
 * A part made only of text and plain `[[person.x]]` values (the default templates) as a list of pieces, so
 * that a campaign concatenates instead of walking mustache's tokens; undefined when it uses sections.
 */
function flatten(tokens: string[][]): (string | { field: ScalarField; raw: boolean })[] | undefined {
  const pieces: (string | { field: ScalarField; raw: boolean })[] = [];
  for (const [symbol = '', value = ''] of tokens) {
    if (symbol === 'text') pieces.push(value);
    else if ((symbol === 'name' || symbol === '&') && value.startsWith('person.') && scalarFields.has(value.slice(7))) {
      pieces.push({ field: value.slice(7) as ScalarField, raw: symbol === '&' });
    } else return undefined;
  }
  return pieces;
}

/** Placeholders in (possibly hand-edited) parts that no person field answers, by part. */
export function unknownPlaceholders(parts: Record<string, string>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [part, text] of Object.entries(parts)) {
    let tokens;
    try {
      tokens = parseTemplate(text, personTags);
    } catch (error) {
      errors.push({ path: `parts.${part}`, message: `malformed [[…]] placeholder: ${(error as Error).message}` });
      continue;
    }
    for (const { symbol, name } of namesUsed(tokens)) {
      if (symbol === '>' || !allowedNames.has(name)) {
        const shown = symbol === 'name' ? name : `${symbol}${name}`;
        errors.push({ path: `parts.${part}`, message: `unknown placeholder [[${shown}]]; known: ${personFields.map((f) => `person.${f}`).join(', ')}` });
      }
    }
  }
  return errors;
}

/**
 * Compiles a personal draft once (templates parsed once, labels and formatted minutes cached) and returns a
 * function that writes the message for one person: the hot path of a 650,000-message campaign.
 * Values are HTML-escaped in HTML parts and left as they are in text and SMS parts.
 */
export function compilePersonalMessage(
  draft: PersonalDraftParts,
  timeZone: string,
  defaults: PersonDefaults = {},
): (person: PersonRecord) => Record<string, string> {
  const invalid = unknownPlaceholders(draft.parts);
  if (invalid.length > 0) throw new ValidationError(invalid);
  const { lang } = draft;
  const compiled = Object.entries(draft.parts).map(([part, text]) => {
    const tokens = parseTemplate(text, personTags);
    // A GSM-7 SMS stays GSM-7 for every person: their values are folded to its alphabet (sms.ts).
    const escape = mediumOf(part) === 'html' ? escapeHtml : mediumOf(part) === 'sms' && countSms(text).encoding === 'GSM-7' ? (value: unknown) => foldToGsm(String(value)) : keepText;
    return { part, text, tokens, flat: flatten(tokens), config: { escape, tags: personTags } };
  });
  const labels = new Map<string, string>();
  const labelFor = (code: string) => {
    let label = labels.get(code);
    if (label === undefined) {
      if (!codesOf('dataCategoriesForPeople').includes(code)) {
        throw new ValidationError([{ path: 'person.exposed', message: `unknown data category; expected one of ${codesOf('dataCategoriesForPeople').join(', ')}` }]);
      }
      label = labelOf(lang, 'dataCategoriesForPeople', code);
      labels.set(code, label);
    }
    return label;
  };
  const minutes = new Map<number, { full: string; date: string }>();
  const format = (instant: Date | string) => {
    const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
    if (Number.isNaN(ms)) throw new ValidationError([{ path: 'person.firstExposedAt', message: 'is not a date' }]);
    const minute = Math.floor(ms / 60_000);
    let formatted = minutes.get(minute);
    if (!formatted) {
      if (minutes.size > 50_000) minutes.clear();
      const local = localTime(new Date(minute * 60_000), timeZone, lang);
      formatted = { full: local.full, date: local.date };
      minutes.set(minute, formatted);
    }
    return formatted;
  };

  return function renderForPerson(person) {
    const codes = person.exposed?.length ? person.exposed : defaults.exposed;
    const firstAt = person.firstExposedAt ?? defaults.firstExposedAt;
    if (!person.name || !codes?.length || !firstAt) {
      const path = !person.name ? 'person.name' : !codes?.length ? 'person.exposed' : 'person.firstExposedAt';
      throw new ValidationError([{ path, message: 'required for a personal message (what of theirs was exposed, and when)' }]);
    }
    const exposed = codes.map(labelFor);
    const first = format(firstAt);
    const lastAt = person.firstExposedAt ? person.lastExposedAt : (defaults.lastExposedAt ?? undefined);
    const last = lastAt ? format(lastAt) : first;
    const sameTime = first === last;
    const view = {
      person: {
        name: person.name,
        exposed,
        exposedList: joinList(exposed, lang),
        firstSeen: first.full,
        lastSeen: last.full,
        sameTime,
        date: first.date,
        when: sameTime ? first.full : `${first.full} – ${last.full}`,
      },
    };
    let context: Mustache.Context | undefined;
    const out: Record<string, string> = {};
    for (const { part, text, tokens, flat, config } of compiled) {
      try {
        if (flat) {
          // Same output as mustache for a text with plain [[person.x]] fields only: static text and values.
          let buffer = '';
          for (const piece of flat) buffer += typeof piece === 'string' ? piece : piece.raw ? String(view.person[piece.field]) : config.escape(view.person[piece.field]);
          out[part] = buffer;
        } else {
          out[part] = renderTokens(part, tokens, context ??= new Context(view) as Mustache.Context, text, config);
        }
      } catch (error) {
        if (error instanceof TemplateValueError) throw new ValidationError([{ path: error.field, message: 'has no value for this person' }]);
        throw error;
      }
    }
    return out;
  };
}
