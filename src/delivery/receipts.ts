import { z } from 'zod';
import { reportedCarrier } from './carrier.js';
import type { DeliveryContext } from './context.js';
import { applyReports, type ProviderReport, type ReportResult } from './reports.js';

/** Final statuses in the words providers commonly use; anything else is an intermediate report. */
const deliveredWords = new Set(['delivered', 'delivrd', 'success']);
const failedWords = new Set(['failed', 'undelivered', 'undeliverable', 'rejected', 'expired', 'undeliv', 'error', 'bounced']);

const messageKeys = {
  /** Vigie's message id, sent to the provider as the client reference. */
  reference: z.string().regex(/^\d{1,18}$/, 'must be a Vigie message id').optional(),
  /** The provider's own message id (for e-mail, the Message-ID the relay was given). */
  id: z.string().min(1).max(200).optional(),
};
const network = z.union([z.string().min(1).max(100), z.number().int().nonnegative()]).optional();

export const receiptSchema = z.object({
  ...messageKeys,
  status: z.string().min(1).max(50),
  error: z.string().max(500).optional(),
  /** The network the number is on, as the provider found it (name or mobile network code, e.g. 20801). */
  carrier: network,
  network,
  /** When the provider saw it; informative only (state times are Vigie's own clock). */
  at: z.string().optional(),
});
export type Receipt = z.infer<typeof receiptSchema>;

export const bounceSchema = z.object({
  ...messageKeys,
  /** hard: the address does not take mail (the person was not informed); soft: a temporary delay, kept for nothing. */
  type: z.enum(['hard', 'soft']).default('hard'),
  /** The bounce's diagnostic (e.g. "550 5.1.1 user unknown"): only its status codes are kept (the text may quote the address). */
  reason: z.string().max(500).optional(),
  at: z.string().optional(),
});
export type Bounce = z.input<typeof bounceSchema>;

export type IngestResult = ReportResult;

/** "bounced (550 5.1.1)": the reply and enhanced status codes of a diagnostic, which group well and name nobody. */
function bounceReason(diagnostic: string | undefined): string {
  const codes = (diagnostic ?? '').match(/\b[245]\d\d\b|\b[245]\.\d{1,3}\.\d{1,3}\b/g) ?? [];
  return codes.length > 0 ? `bounced (${[...new Set(codes)].slice(0, 2).join(' ')})` : 'bounced';
}

/** Receipts in a provider's words, applied to their messages (reports.ts). */
export async function ingestReceipts(ctx: DeliveryContext, provider: string, receipts: Receipt[]): Promise<IngestResult> {
  const reports: ProviderReport[] = receipts.map((receipt) => {
    const word = receipt.status.toLowerCase();
    const state = deliveredWords.has(word) ? 'delivered' : failedWords.has(word) ? 'failed' : 'sent';
    return { reference: receipt.reference, id: receipt.id, state, reason: state === 'failed' ? (receipt.error ?? word) : null, carrier: reportedCarrier(receipt.network ?? receipt.carrier) };
  });
  const result = await applyReports(ctx, provider, reports.filter((r) => r.reference || r.id));
  return { ...result, received: receipts.length, ignored: result.ignored + reports.filter((r) => !r.reference && !r.id).length };
}

/**
 * Bounces (e-mail non-delivery reports, returned letters): a hard bounce fails its message and takes back
 * the evidence of informing — the person is to be informed again. A soft bounce changes nothing.
 */
export async function ingestBounces(ctx: DeliveryContext, provider: string, bounces: Bounce[]): Promise<IngestResult> {
  const hard = bounces.map((b) => bounceSchema.parse(b)).filter((b) => b.type === 'hard' && (b.reference || b.id));
  const result = await applyReports(ctx, provider, hard.map((b) => ({ reference: b.reference, id: b.id, state: 'failed', reason: bounceReason(b.reason), carrier: null })));
  return { ...result, received: bounces.length, ignored: result.ignored + bounces.length - hard.length };
}
