import { z } from 'zod';
import { enisaTables, vocabularyEnum } from '../vocabularies.js';

const adjustmentCodes = enisaTables.dpcAdjustments.map((a) => a.code) as [string, ...string[]];
const hours = z.number().min(0).max(100_000);

/**
 * What the DPO states about a breach to score and weigh it. One input serves both the ENISA score and the
 * recommendation, so that the two never describe different facts. Every field is optional here: the
 * assessment route fills what the DPO leaves out from the breach register (assess.ts), then `riskInput`
 * applies the defaults of what neither says.
 */
export const riskFields = z.object({
  dataCategories: z.array(vocabularyEnum('dataCategories')),
  personCategories: z.array(vocabularyEnum('personCategories')),
  /** ENISA DPC stated outright (1–4); when it differs from the base score, dpcJustification is required. */
  dpc: z.number().int().min(1).max(4),
  dpcJustification: z.string().trim(),
  /** ENISA's context adjustments of the DPC (data/enisa.json), each with its written justification. */
  dpcAdjustments: z.array(z.object({ code: z.enum(adjustmentCodes), justification: z.string().trim().max(2000) })).max(10),
  easeOfIdentification: z.enum(['negligible', 'limited', 'significant', 'maximum']),
  // ENISA's circumstances (CB). Confidentiality and availability are derived from the facts below when omitted.
  confidentiality: z.enum(['none', 'exposed', 'known-recipients', 'unknown-recipients']),
  integrity: z.enum(['none', 'altered', 'recoverable', 'not-recoverable']),
  availability: z.enum(['none', 'without-difficulty', 'temporary', 'total']),
  malicious: z.boolean(),
  // Who received the data, and what became of it (EDPB Guidelines 01/2021, cases 08, 09, 13–16).
  recipients: z.enum(['none', 'single-trusted', 'known', 'unknown', 'public']),
  recipientsCount: z.number().int().min(0).nullable(),
  recipientAction: z.enum(['none', 'recall-requested', 'deletion-confirmed']),
  exfiltration: z.enum(['confirmed', 'ruled-out', 'unknown']),
  insider: z.boolean(),
  unintelligible: z.boolean(),
  // Volume and people.
  peopleCount: z.number().int().min(0).nullable(),
  recordCount: z.number().int().min(0).nullable(),
  // Fraud vectors: full payment-card data apart from other financial data; account takeover, social engineering.
  fullPaymentCardData: z.boolean(),
  fraudVectors: z.boolean(),
  // Availability: backups, time to restore, how long people could not reach their data.
  backupAvailable: z.boolean().nullable(),
  restoreHours: hours.nullable(),
  unavailabilityHours: hours.nullable(),
  /** The DPO's judgement of the likely consequences for people; "unknown" until judged. */
  likelyConsequences: z.enum(['unknown', 'unlikely', 'limited', 'severe']),
  measuresRemoveHighRisk: z.boolean(),
  disproportionateEffort: z.boolean(),
  crossBorder: z.boolean(),
  atProcessor: z.boolean(),
  /** Older spellings kept for existing clients: `published` is recipients "public"; `trustedRecipientDeleted` a single trusted recipient who confirmed deletion. */
  published: z.boolean(),
  trustedRecipientDeleted: z.boolean(),
});

const defaults = {
  dataCategories: [],
  personCategories: [],
  dpcAdjustments: [],
  integrity: 'none',
  malicious: false,
  recipientsCount: null,
  recipientAction: 'none',
  exfiltration: 'unknown',
  insider: false,
  unintelligible: false,
  peopleCount: null,
  recordCount: null,
  fullPaymentCardData: false,
  fraudVectors: false,
  backupAvailable: null,
  restoreHours: null,
  unavailabilityHours: null,
  likelyConsequences: 'unknown',
  measuresRemoveHighRisk: false,
  disproportionateEffort: false,
  crossBorder: false,
  atProcessor: false,
  published: false,
  trustedRecipientDeleted: false,
} as const satisfies Partial<z.output<typeof riskFields>>;

/** The body of an assessment as sent: every field may be left out (assess.ts fills them from the register). */
export const riskDraft = riskFields.partial();
export type RiskInputDraft = z.input<typeof riskDraft>;

/** A complete input: the defaults of what is still missing, EI required. */
export const riskInput = riskDraft
  .required({ easeOfIdentification: true })
  .transform((draft) => ({ ...defaults, ...stripUndefined(draft) }) as RiskInput);

type Fields = z.output<typeof riskFields>;
export type RiskInput = Omit<Fields, 'dpc' | 'dpcJustification' | 'confidentiality' | 'availability' | 'recipients'> &
  Partial<Pick<Fields, 'dpc' | 'dpcJustification' | 'confidentiality' | 'availability' | 'recipients'>>;

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
