import { z } from '@hono/zod-openapi';
import { codesOf, languages, type CodeList } from './labels.js';

/**
 * The view model every draft is rendered from (`DraftInput`): the facts of one breach as the DPO would type
 * them into the CNIL form, with coded values (labels live in src/notices/data). The breach register's record is
 * mapped to it in from-breach.ts; the API and the CLI also accept it as it is.
 */
const codes = (list: CodeList) =>
  z.array(z.string()).superRefine((values, ctx) => {
    const known = new Set(codesOf(list));
    values.forEach((value, index) => {
      if (!known.has(value)) ctx.addIssue({ code: 'custom', path: [index], message: `unknown code; expected one of ${[...known].join(', ')}` });
    });
  });

const text = z.string().trim().min(1, 'must not be empty').max(10_000);
/** An instant with its offset (stored and compared in UTC), or null for « Ne sait pas pour l'instant ». */
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset' });

export const contactSchema = z.object({
  name: text,
  role: text.optional(),
  email: z.email().optional(),
  phone: z.string().trim().min(3).max(40).optional(),
  address: text.optional(),
});

export const draftInputSchema = z
  .object({
    organisation: z.object({
      name: text,
      siren: z.string().regex(/^\d{9}$/, 'must be 9 digits').optional(),
      sector: text.optional(),
      legalRepresentative: text.optional(),
      contact: contactSchema.optional(),
      website: z.url().optional(),
      /** Where people read the full notice (the SMS links to it). */
      noticeUrl: z.url().optional(),
    }),
    dpo: contactSchema.partial({ name: true }).optional(),
    breach: z.object({
      id: text,
      reference: text.optional(),
      /** What happened, in plain words: the nature of the breach (Art. 33(3)(a), 34(2)). */
      summary: text.optional(),
      status: z.enum(['established', 'suspected']).default('established'),
      natures: codes('natures').default([]),
      origins: codes('origins').default([]),
      originOther: text.optional(),
      causes: codes('causes').default([]),
      causeOther: text.optional(),
      awareAt: instant,
      discoveredAt: instant.nullable().default(null),
      startedAt: instant.nullable().default(null),
      endedAt: instant.nullable().default(null),
      processorNotifiedAt: instant.nullable().default(null),
      ongoing: z.boolean().optional(),
      circumstances: text.optional(),
      /** What happened meanwhile; `labels` gives Vigie's own entries in each language (else `label` as written). */
      timeline: z.array(z.object({ at: instant, label: text, labels: z.object({ fr: text, en: text }).optional() })).default([]),
      personCategories: codes('personCategories').default([]),
      personCategoriesOther: text.optional(),
      people: z
        .object({
          /** The number for the form's numeric field: the estimate, or the people list's count once adopted. */
          count: z.number().int().min(0),
          /** True when `count` is the people list's count (adopted by the DPO), not an estimate. */
          exact: z.boolean().default(false),
          /** The DPO's estimate as a range, with what it rests on. */
          estimate: z.object({ min: z.number().int().min(0), max: z.number().int().min(0), basis: text }).optional(),
          /** The people listed in the register so far, by where they came from. */
          listed: z.object({ total: z.number().int().min(0), accessLog: z.number().int().min(0), csv: z.number().int().min(0), manual: z.number().int().min(0) }).optional(),
          directlyIdentifiable: z.boolean().optional(),
        })
        .optional(),
      recordCount: z.number().int().min(0).optional(),
      dataCategories: codes('dataCategories').default([]),
      dataCategoriesOther: text.optional(),
      dataMedia: codes('dataMedia').default([]),
      consequences: codes('consequences').default([]),
      consequencesDetail: text.optional(),
      measures: z
        .object({
          immediate: z.array(text).default([]),
          mediumTerm: z.array(text).default([]),
          longTerm: z.array(text).default([]),
        })
        .default({ immediate: [], mediumTerm: [], longTerm: [] }),
      /** Concrete steps the person can take (change password, beware of phishing …). */
      adviceToPeople: z.array(text).default([]),
      /** What happened, in plain words for the people (messages to people); built from the facts when absent. */
      summaryForPeople: text.optional(),
      /** Whether processors are concerned; absent is « Ne sait pas pour l'instant », not « Non ». */
      processorsInvolved: z.boolean().optional(),
      processors: z.array(z.object({ name: text, contact: text.optional() })).default([]),
      peopleInformed: z.enum(['informed', 'will-be', 'will-not', 'undetermined']).default('undetermined'),
      peopleInformedJustification: text.optional(),
      crossBorder: z.boolean().optional(),
      otherAuthorities: z.array(text).default([]),
      delayReasons: text.optional(),
    }),
    /** The latest risk assessment and the DPO's decision: the draft shows both. */
    assessment: z
      .object({
        at: instant,
        actor: text,
        score: z.number(),
        band: z.enum(['low', 'medium', 'high', 'very-high']),
        authority: z.enum(['notify', 'record-only', 'depends']),
        people: z.enum(['inform', 'public-communication', 'do-not-inform', 'depends']),
        summary: z.object({ fr: text, en: text }),
      })
      .optional(),
    decision: z
      .object({
        at: instant,
        actor: text,
        authority: z.enum(['notify', 'not-notify']),
        people: z.enum(['inform', 'not-inform', 'public-communication', 'undetermined']),
        justification: z.string().trim().max(10_000).default(''),
        departures: z.array(z.object({ field: z.enum(['authority', 'people']), advised: text, decided: text })).default([]),
      })
      .optional(),
    /** A complementary notification refers to the initial one. */
    initialNotification: z.object({ reference: text.optional(), filedAt: instant.optional() }).optional(),
    /** The addressee of a notice to a partner or processor. */
    partner: z.object({ name: text, contact: text.optional() }).optional(),
  })
  .openapi('DraftInput');

export type DraftInput = z.output<typeof draftInputSchema>;
export type DraftInputIn = z.input<typeof draftInputSchema>;

/** One person, for a personal message: who, what of theirs was exposed, and when. */
export const personSchema = z
  .object({
    name: text,
    exposed: codes('dataCategories').min(1, 'must name at least one data category'),
    firstExposedAt: instant,
    lastExposedAt: instant.optional(),
  })
  .openapi('DraftPerson');

export type Person = z.output<typeof personSchema>;

export const languageSchema = z.enum(languages);
