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
      awareAt: instant,
      discoveredAt: instant.nullable().default(null),
      startedAt: instant.nullable().default(null),
      endedAt: instant.nullable().default(null),
      processorNotifiedAt: instant.nullable().default(null),
      ongoing: z.boolean().optional(),
      circumstances: text.optional(),
      timeline: z.array(z.object({ at: instant, label: text })).default([]),
      personCategories: codes('personCategories').default([]),
      people: z
        .object({
          count: z.number().int().min(0),
          /** True when counted from the access log's exposure snapshot, not estimated. */
          exact: z.boolean().default(false),
          directlyIdentifiable: z.boolean().optional(),
        })
        .optional(),
      recordCount: z.number().int().min(0).optional(),
      dataCategories: codes('dataCategories').default([]),
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
      processors: z.array(z.object({ name: text, contact: text.optional() })).default([]),
      peopleInformed: z.enum(['informed', 'will-be', 'will-not', 'undetermined']).default('undetermined'),
      peopleInformedJustification: text.optional(),
      crossBorder: z.boolean().optional(),
      otherAuthorities: z.array(text).default([]),
      delayReasons: text.optional(),
    }),
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
