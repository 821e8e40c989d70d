import { z } from '@hono/zod-openapi';
import { vocabularyEnum } from './vocabularies.js';

/**
 * The facts of a breach, named after the CNIL form (docs/regulation.md §3) and the drafts' input (src/notices),
 * so that a notification is filled from the register without renaming. Everything may be unknown early
 * on: null means « Ne sait pas pour l'instant »; the register says what is missing for each next step.
 */
const text = z.string().trim().min(1, 'must not be empty').max(10_000);
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset or Z' })
  .transform((value) => new Date(value).toISOString());
const list = <T extends z.ZodType>(item: T) => z.array(item).max(200);

export const factsShape = {
  title: z.string().trim().min(3, 'must be at least 3 characters').max(200),
  /** What happened, in plain words (Art. 33(3)(a)). */
  summary: text.nullable(),
  certainty: z.enum(['established', 'suspected']).nullable(),
  natures: list(vocabularyEnum('natures')),
  origins: list(vocabularyEnum('origins')),
  originOther: text.nullable(),
  causes: list(vocabularyEnum('causes')),
  causeOther: text.nullable(),
  awareAt: instant.nullable(),
  discoveredAt: instant.nullable(),
  startedAt: instant.nullable(),
  endedAt: instant.nullable(),
  processorNotifiedAt: instant.nullable(),
  /** DORA: when the incident was classified as major. */
  classifiedAt: instant.nullable(),
  ongoing: z.boolean().nullable(),
  /** Circumstances of the discovery: by whom, where, when, how. */
  circumstances: text.nullable(),
  personCategories: list(vocabularyEnum('personCategories')),
  personCategoriesOther: text.nullable(),
  /** Approximate number of people (the exact population is the breach's people list). */
  peopleCount: z.number().int().min(0).nullable(),
  /** The DPO's estimate as a range, with what it rests on (« Nombre (éventuellement approximatif) »). */
  peopleEstimate: z
    .object({ min: z.number().int().min(0), max: z.number().int().min(0), basis: text })
    .refine((e) => e.min <= e.max, { message: 'min must not exceed max', path: ['max'] })
    .nullable(),
  /** Which number the register gives the CNIL: the estimate until the DPO adopts the count of the people list. */
  peopleCountFrom: z.enum(['estimate', 'people-list']),
  directlyIdentifiable: z.boolean().nullable(),
  recordCount: z.number().int().min(0).nullable(),
  dataCategories: list(vocabularyEnum('dataCategories')),
  dataCategoriesOther: text.nullable(),
  dataMedia: list(vocabularyEnum('dataMedia')),
  consequences: list(vocabularyEnum('consequences')),
  /** Who received the data and what became of it (EDPB Guidelines 01/2021; docs/assessment.md). */
  recipients: z.enum(['none', 'single-trusted', 'known', 'unknown', 'public']).nullable(),
  /** Number of known recipients. */
  recipientsCount: z.number().int().min(0).nullable(),
  /** A recall asked of the recipients, or their confirmed deletion (or return) of the data. */
  recipientAction: z.enum(['none', 'recall-requested', 'deletion-confirmed']).nullable(),
  exfiltration: z.enum(['confirmed', 'ruled-out']).nullable(),
  /** Someone inside the organisation (or its processor) caused it; null: read from the causes. */
  insider: z.boolean().nullable(),
  backupAvailable: z.boolean().nullable(),
  /** Hours it took (or will take) to restore the data. */
  restoreHours: z.number().min(0).max(100_000).nullable(),
  /** Full payment-card data (number with expiry or security code), apart from other financial data. */
  fullPaymentCardData: z.boolean().nullable(),
  consequencesDetail: text.nullable(),
  /** Immediate measures are taken; medium- and long-term ones are planned (the messages to people say so). */
  measures: z.object({ immediate: list(text), mediumTerm: list(text), longTerm: list(text) }),
  /** What happened, in plain words for the people concerned (the CNIL's summary is written for the authority). */
  summaryForPeople: text.nullable(),
  /** Path prefixes of the service the breach concerns: only maintenance windows covering them are the breach's own. */
  affectedPaths: list(z.string().trim().regex(/^\/[^\s]*$/, 'must be a path starting with /').max(500)),
  adviceToPeople: list(text),
  processorsInvolved: z.boolean().nullable(),
  processors: list(z.object({ name: text, contact: text.nullable().default(null) })),
  peopleInformed: vocabularyEnum('peopleInformed'),
  peopleInformedJustification: text.nullable(),
  crossBorder: z.boolean().nullable(),
  otherAuthorities: list(text),
  /** Reasons for notifying after 72 hours (Art. 33(1)). */
  delayReasons: text.nullable(),
};

export type FactName = keyof typeof factsShape;
export type BreachFacts = { [K in FactName]: z.output<(typeof factsShape)[K]> };

export const emptyFacts: Omit<BreachFacts, 'title'> = {
  summary: null,
  certainty: null,
  natures: [],
  origins: [],
  originOther: null,
  causes: [],
  causeOther: null,
  awareAt: null,
  discoveredAt: null,
  startedAt: null,
  endedAt: null,
  processorNotifiedAt: null,
  classifiedAt: null,
  ongoing: null,
  circumstances: null,
  personCategories: [],
  personCategoriesOther: null,
  peopleCount: null,
  peopleEstimate: null,
  peopleCountFrom: 'estimate',
  directlyIdentifiable: null,
  recordCount: null,
  dataCategories: [],
  dataCategoriesOther: null,
  dataMedia: [],
  consequences: [],
  consequencesDetail: null,
  recipients: null,
  recipientsCount: null,
  recipientAction: null,
  exfiltration: null,
  insider: null,
  backupAvailable: null,
  restoreHours: null,
  fullPaymentCardData: null,
  measures: { immediate: [], mediumTerm: [], longTerm: [] },
  summaryForPeople: null,
  affectedPaths: [],
  adviceToPeople: [],
  processorsInvolved: null,
  processors: [],
  peopleInformed: 'undetermined',
  peopleInformedJustification: null,
  crossBorder: null,
  otherAuthorities: [],
  delayReasons: null,
};

/** A change of some facts; the whole record is then checked again (checkFacts). */
export const factsPatch = z.object(factsShape).partial().strict();
export type FactsPatch = z.output<typeof factsPatch>;

const reason = z.string().trim().min(3, 'say why (at least 3 characters)').max(2000);

export const openBreachBody = factsPatch
  .extend({ title: factsShape.title, reason: reason.optional() })
  .openapi('OpenBreach');
export const editBreachBody = z
  .object({
    changes: factsPatch,
    reason,
    /** The version the editor saw: a change made since then is not overwritten (409). */
    expectedVersion: z.number().int().min(1).optional(),
  })
  .openapi('EditBreach');

export type OpenBreachInput = z.output<typeof openBreachBody>;
export type EditBreachInput = z.output<typeof editBreachBody>;

/** Rules across fields; each names the field to fix. Run on the whole record after a change. */
export function checkFacts(facts: BreachFacts): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const before = (a: string | null, b: string | null, path: string, message: string) => {
    if (a && b && new Date(a).getTime() > new Date(b).getTime()) errors.push({ path, message });
  };
  before(facts.startedAt, facts.endedAt, 'endedAt', 'must not be before startedAt');
  before(facts.startedAt, facts.discoveredAt, 'discoveredAt', 'must not be before startedAt');
  if (facts.peopleInformed === 'will-not' && !facts.peopleInformedJustification) {
    errors.push({ path: 'peopleInformedJustification', message: 'is required when people will not be informed' });
  }
  if (facts.origins.includes('other') && !facts.originOther) errors.push({ path: 'originOther', message: 'is required when the origin is "other"' });
  if (facts.causes.includes('other') && !facts.causeOther) errors.push({ path: 'causeOther', message: 'is required when the cause is "other"' });
  if (facts.ongoing === true && facts.endedAt) errors.push({ path: 'ongoing', message: 'cannot be true once endedAt is set' });
  if (facts.recipients === 'single-trusted' && facts.recipientsCount !== null && facts.recipientsCount !== 1) {
    errors.push({ path: 'recipientsCount', message: 'a single trusted recipient is one recipient' });
  }
  if (facts.exfiltration === 'confirmed' && facts.recipients === 'none') errors.push({ path: 'exfiltration', message: 'a confirmed exfiltration has recipients' });
  return errors;
}
