import { z } from 'zod';
import { vocabularyEnum } from '../vocabularies.js';

/**
 * What the DPO states about a breach to score and weigh it. One input serves both the ENISA score and
 * the recommendation, so that the two never describe different facts.
 */
export const riskInput = z.object({
  dataCategories: z.array(vocabularyEnum('dataCategories')).default([]),
  personCategories: z.array(vocabularyEnum('personCategories')).default([]),
  /** ENISA DPC after context; when it differs from the base score, dpcJustification is required. */
  dpc: z.number().int().min(1).max(4).optional(),
  dpcJustification: z.string().trim().optional(),
  easeOfIdentification: z.enum(['negligible', 'limited', 'significant', 'maximum']),
  confidentiality: z.enum(['none', 'exposed', 'known-recipients', 'unknown-recipients']).default('none'),
  integrity: z.enum(['none', 'altered', 'recoverable', 'not-recoverable']).default('none'),
  availability: z.enum(['none', 'without-difficulty', 'temporary', 'total']).default('none'),
  malicious: z.boolean().default(false),
  peopleCount: z.number().int().min(0).nullable().default(null),
  unintelligible: z.boolean().default(false),
  // Facts the regulators weigh beside the score (docs/regulation.md §5).
  recipientsCount: z.number().int().min(0).nullable().default(null),
  published: z.boolean().default(false),
  trustedRecipientDeleted: z.boolean().default(false),
  fraudVectors: z.boolean().default(false),
  unavailabilityHours: z.number().min(0).nullable().default(null),
  likelyConsequences: z.enum(['unknown', 'unlikely', 'limited', 'severe']).default('unknown'),
  measuresRemoveHighRisk: z.boolean().default(false),
  disproportionateEffort: z.boolean().default(false),
  crossBorder: z.boolean().default(false),
  atProcessor: z.boolean().default(false),
});

export type RiskInput = z.output<typeof riskInput>;
export type RiskInputDraft = z.input<typeof riskInput>;
