import { isLate, notificationDelayMs } from './completeness.js';
import type { DraftInput } from './draft-input.js';
import { labelOf, labelsFor, type CodeList, type Language } from './labels.js';
import { formatLocal } from './local-time.js';
import { assessmentView, measuresView, peopleSummary, peopleView, smsView } from './view-parts.js';

export interface ViewOptions {
  lang: Language;
  /** The organisation's zone (config.timeZone): every instant is shown there, with its offset. */
  timeZone: string;
  /** When the draft is written (the injected clock): decides lateness. */
  at: Date;
  /** SMS only: list the person's exposed categories (dropped when the message would not fit its budget). */
  smsWithExposed?: boolean;
}

/**
 * The breach-level view that templates see: labels resolved in the language, instants in local time,
 * unknowns spelt « Ne sait pas pour l'instant », lists as arrays (for `{{#list}}- {{.}}{{/list}}`) and flags
 * for optional blocks (`has…`). Person fields are not here: they are `[[person.…]]` placeholders filled at
 * send time (render-personal.ts).
 */
export function buildView(input: DraftInput, options: ViewOptions) {
  const { lang, timeZone, at } = options;
  const labels = labelsFor(lang);
  const { breach, organisation, dpo } = input;
  const when = (instant: string | null) => (instant ? formatLocal(instant, timeZone, lang) : labels.unknown);
  const list = (name: CodeList, codes: string[]) => codes.map((code) => labelOf(lang, name, code));
  const orUnknown = (values: string[]) => (values.length > 0 ? values : [labels.unknown]);
  const yesNo = (value: boolean | undefined) => (value === undefined ? labels.unknown : value ? labels.yes : labels.no);
  const late = isLate(input, at);
  const dataForPeople = list('dataCategoriesForPeople', breach.dataCategories);

  return {
    lang,
    form: labels.form,
    writtenAt: formatLocal(at, timeZone, lang),
    organisation: {
      name: organisation.name,
      siren: organisation.siren,
      sector: organisation.sector,
      legalRepresentative: organisation.legalRepresentative,
      contact: organisation.contact,
      website: organisation.website,
      noticeUrl: organisation.noticeUrl,
    },
    dpo: dpo ? dpoView(dpo) : undefined,
    breach: {
      id: breach.id,
      reference: breach.reference ?? breach.id,
      summary: breach.summary,
      status: labelOf(lang, 'status', breach.status),
      natures: orUnknown(list('natures', breach.natures)),
      origins: orUnknown(list('origins', breach.origins)),
      originOther: breach.originOther,
      causes: orUnknown(list('causes', breach.causes)),
      causeOther: breach.causeOther,
      awareAt: when(breach.awareAt),
      dueAt: formatLocal(new Date(Date.parse(breach.awareAt) + notificationDelayMs), timeZone, lang),
      discoveredAt: when(breach.discoveredAt),
      startedAt: when(breach.startedAt),
      endedAt: when(breach.endedAt),
      processorNotifiedAt: when(breach.processorNotifiedAt),
      ongoing: yesNo(breach.ongoing ?? (breach.endedAt === null ? undefined : false)),
      circumstances: breach.circumstances,
      timeline: breach.timeline
        .slice()
        .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
        .map((event) => ({ at: formatLocal(event.at, timeZone, lang), label: event.labels?.[lang] ?? event.label })),
      hasTimeline: breach.timeline.length > 0,
      personCategories: orUnknown(list('personCategories', breach.personCategories)),
      personCategoriesOther: breach.personCategoriesOther,
      people: peopleView(breach.people, lang),
      // Plain digits: the CNIL's online form takes them in numeric fields.
      recordCount: breach.recordCount === undefined ? labels.unknown : String(breach.recordCount),
      dataCategories: orUnknown(list('dataCategories', breach.dataCategories)),
      dataCategoriesOther: breach.dataCategoriesOther,
      dataForPeople,
      dataForPeopleList: joinList(dataForPeople, lang),
      dataMedia: orUnknown(list('dataMedia', breach.dataMedia)),
      consequences: list('consequences', breach.consequences),
      consequencesForPeople: list('consequencesForPeople', breach.consequences),
      consequencesDetail: breach.consequencesDetail,
      measures: measuresView(breach.measures, labels.noneYet),
      peopleSummary: peopleSummary(breach, lang),
      adviceToPeople: breach.adviceToPeople,
      hasAdvice: breach.adviceToPeople.length > 0,
      hasProcessors: breach.processors.length > 0,
      // Unknown is not no: without an answer the form says « Ne sait pas pour l'instant ».
      processorsAnswer: yesNo(breach.processorsInvolved ?? (breach.processors.length > 0 ? true : undefined)),
      processors: breach.processors.map((processor) => ({ name: processor.name, contact: processor.contact ?? labels.notProvided })),
      peopleInformed: labelOf(lang, 'peopleInformed', breach.peopleInformed),
      peopleInformedJustification: breach.peopleInformedJustification,
      crossBorder: yesNo(breach.crossBorder),
      otherAuthorities: breach.otherAuthorities,
      late,
      delayReasons: breach.delayReasons,
      // The same lists as one line, for sentences and short messages.
      naturesText: orUnknown(list('natures', breach.natures)).join(', '),
      originsText: orUnknown(list('origins', breach.origins)).join(', '),
      personCategoriesText: orUnknown(list('personCategories', breach.personCategories)).join(', '),
      dataCategoriesText: orUnknown(list('dataCategories', breach.dataCategories)).join(', '),
    },
    ...assessmentView(input, lang, timeZone),
    sms: smsView(breach, lang, options.smsWithExposed ?? true),
    notificationType: labels.values.notificationType,
    initialNotification: input.initialNotification
      ? {
          reference: input.initialNotification.reference,
          filedAt: input.initialNotification.filedAt ? formatLocal(input.initialNotification.filedAt, timeZone, lang) : labels.unknown,
        }
      : undefined,
    partner: input.partner ? { name: input.partner.name, contact: input.partner.contact ?? labels.notProvided } : undefined,
  };
}

export type DraftView = ReturnType<typeof buildView>;

/**
 * The DPO or contact point, said once: "Name, e-mail, phone" without repeating a value (VIGIE_DPO_CONTACT
 * given as an e-mail alone makes the e-mail the name). `contactLine` keeps what follows the name.
 */
function dpoView(dpo: NonNullable<DraftInput['dpo']>) {
  const after = [dpo.email, dpo.phone].filter((value): value is string => Boolean(value) && value !== dpo.name);
  const line = [dpo.name, ...after, dpo.address].filter((value): value is string => Boolean(value)).join(', ');
  return { ...dpo, contactLine: after.join(' · '), line };
}

/** « a, b et c » / "a, b and c". */
export function joinList(items: string[], lang: Language): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${lang === 'fr' ? 'et' : 'and'} ${items[items.length - 1]}`;
}
