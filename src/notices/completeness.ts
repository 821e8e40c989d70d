import { ValidationError, type FieldError } from '../http/errors.js';
import { audienceOf, type Channel, type DraftKind } from './documents.js';
import type { DraftInput } from './draft-input.js';

/** Art. 33(1): the authority is notified within 72 hours of awareness, on absolute time. */
export const notificationDelayMs = 72 * 3600 * 1000;

export const isLate = (input: DraftInput, at: Date): boolean =>
  at.getTime() - Date.parse(input.breach.awareAt) > notificationDelayMs;

/** Refused before rendering: a draft is never written with holes in what the law requires. */
export class IncompleteDraftError extends ValidationError {
  constructor(missing: FieldError[]) {
    super(missing, `The draft cannot be written; missing: ${missing.map((field) => field.path).join(', ')}`);
  }
}

const art33 = {
  a: 'required by GDPR Art. 33(3)(a) (nature of the breach)',
  b: 'required by GDPR Art. 33(3)(b) (DPO or contact point)',
  c: 'required by GDPR Art. 33(3)(c) (likely consequences)',
  d: 'required by GDPR Art. 33(3)(d) (measures taken or proposed)',
};
const art34 = (letter: keyof typeof art33) => art33[letter].replace('Art. 33(3)', 'Art. 34(2), referring to Art. 33(3)');

/**
 * The fields a document legally needs that the input lacks, by name (paths into DraftInput). `at` is when the
 * draft is written: past 72 hours after awareness, a CNIL draft needs the reasons for the delay (Art. 33(1)).
 */
export function missingFields(kind: DraftKind, channel: Channel | string, input: DraftInput, at: Date): FieldError[] {
  const missing: FieldError[] = [];
  const need = (present: unknown, path: string, message: string) => {
    const empty = present === undefined || present === null || (Array.isArray(present) && present.length === 0);
    if (empty) missing.push({ path, message });
  };
  const { breach, dpo } = input;
  const measures = [...breach.measures.immediate, ...breach.measures.mediumTerm, ...breach.measures.longTerm];
  const audience = audienceOf[kind];
  const cite = audience === 'authority' ? (letter: keyof typeof art33) => art33[letter] : art34;

  need(breach.summary, 'breach.summary', cite('a'));
  need(dpo?.name, 'dpo.name', cite('b'));
  need(dpo?.email ?? dpo?.phone, 'dpo.email', `${cite('b')}: an e-mail address or a phone number`);
  if (audience === 'authority') {
    need(breach.natures, 'breach.natures', art33.a);
    need(breach.personCategories, 'breach.personCategories', art33.a);
    need(breach.people, 'breach.people.count', `${art33.a}: the number of people concerned`);
    need(breach.dataCategories, 'breach.dataCategories', art33.a);
    if (breach.origins.includes('other')) need(breach.originOther, 'breach.originOther', 'the form asks to specify an origin « Autre »');
    if (isLate(input, at)) need(breach.delayReasons, 'breach.delayReasons', 'required by GDPR Art. 33(1): the notification is made after 72 hours');
    if (kind === 'cnil-complementary') {
      need(input.initialNotification?.reference, 'initialNotification.reference', 'a complementary notification refers to the initial one (Art. 33(4))');
    }
  }
  // An apology accompanies the Art. 34 notice, which carries the consequences; a partner gets the facts.
  if (audience !== 'partner' && kind !== 'apology') need(breach.consequences, 'breach.consequences', cite('c'));
  need(measures, 'breach.measures', cite('d'));
  if (audience === 'partner') need(input.partner?.name, 'partner.name', 'the notice is addressed to a named partner or processor');
  if (channel === 'sms') need(input.organisation.noticeUrl, 'organisation.noticeUrl', 'an SMS cannot hold the whole Art. 34 notice: it links to it');
  return missing;
}

export function assertComplete(kind: DraftKind, channel: Channel | string, input: DraftInput, at: Date): void {
  const missing = missingFields(kind, channel, input, at);
  if (missing.length > 0) throw new IncompleteDraftError(missing);
}
