import { sql } from 'kysely';
import { z } from 'zod';
import type { DeliveryContext } from './context.js';
import type { PersonDeliveryStatus } from './ports.js';

/** Final statuses in the words providers commonly use; anything else is an intermediate report. */
const deliveredWords = new Set(['delivered', 'delivrd', 'success']);
const failedWords = new Set(['failed', 'undelivered', 'undeliverable', 'rejected', 'expired', 'undeliv', 'error', 'bounced']);

export const receiptSchema = z.object({
  /** Vigie's message id, sent to the provider as the client reference. */
  reference: z.string().regex(/^\d{1,18}$/, 'must be a Vigie message id').optional(),
  /** The provider's own message id. */
  id: z.string().min(1).max(200).optional(),
  status: z.string().min(1).max(50),
  error: z.string().max(500).optional(),
  carrier: z.string().min(1).max(100).optional(),
  /** When the provider saw it; informative only (state times are Vigie's own clock). */
  at: z.string().optional(),
});
export type Receipt = z.infer<typeof receiptSchema>;

export interface IngestResult {
  received: number;
  changed: number;
  /** Receipts for no known message (or a message already final). */
  ignored: number;
}

/**
 * Applies a batch of receipts in two set-based statements (by our reference, then by provider id).
 * Only messages not yet final change; a repeated receipt changes nothing. The person's follow-up status
 * in the breach is updated for the changed ones.
 */
export async function ingestReceipts(ctx: DeliveryContext, provider: string, receipts: Receipt[]): Promise<IngestResult> {
  const now = ctx.clock.now();
  const byRef = { ids: [] as string[], states: [] as string[], reasons: [] as (string | null)[], carriers: [] as (string | null)[] };
  const byProvider = { ids: [] as string[], states: [] as string[], reasons: [] as (string | null)[], carriers: [] as (string | null)[] };
  for (const receipt of receipts) {
    const word = receipt.status.toLowerCase();
    const state = deliveredWords.has(word) ? 'delivered' : failedWords.has(word) ? 'failed' : 'sent';
    const target = receipt.reference ? byRef : receipt.id ? byProvider : undefined;
    if (!target) continue;
    target.ids.push(receipt.reference ?? receipt.id!);
    target.states.push(state);
    target.reasons.push(state === 'failed' ? (receipt.error ?? word) : null);
    target.carriers.push(receipt.carrier ?? null);
  }
  const changed: { campaign_id: string; person_id: string; state: string }[] = [];
  const apply = async (match: 'reference' | 'provider', cols: typeof byRef) => {
    if (cols.ids.length === 0) return;
    // Index lookups by primary key or by (provider, provider id); rows locked in id order (see queue.ts).
    const rowsFor = match === 'reference'
      ? sql`select id, id::text as key from delivery_message where id = any(${cols.ids}::bigint[]) order by id for update`
      : sql`select id, provider_message_id as key from delivery_message
          where provider = ${provider} and provider_message_id is not null and provider_message_id = any(${cols.ids}::text[]) order by id for update`;
    // An intermediate report only records the carrier; a final one also moves the state.
    const { rows } = await sql<{ campaign_id: string; person_id: string; state: string }>`
      with locked as (${rowsFor})
      update delivery_message m set
        state = case when r.state = 'sent' then m.state else r.state end,
        receipt_at = ${now},
        delivered_at = case when r.state = 'delivered' then ${now}::timestamptz else m.delivered_at end,
        failed_at = case when r.state = 'failed' then ${now}::timestamptz else m.failed_at end,
        failure_reason = case when r.state = 'failed' then r.reason else m.failure_reason end,
        carrier = coalesce(r.carrier, m.carrier),
        lease_until = case when r.state = 'sent' then m.lease_until else null end
      from unnest(${cols.ids}::text[], ${cols.states}::text[], ${cols.reasons}::text[], ${cols.carriers}::text[]) as r(key, state, reason, carrier)
      join locked on locked.key = r.key
      where m.id = locked.id and m.provider = ${provider} and m.state in ('sending', 'sent', 'unknown')
      returning m.campaign_id, m.person_id, m.state`.execute(ctx.db);
    changed.push(...rows);
  };
  await apply('reference', byRef);
  await apply('provider', byProvider);
  await reportToRegister(ctx, changed, now);
  const moved = changed.filter((row) => row.state === 'delivered' || row.state === 'failed').length;
  return { received: receipts.length, changed: moved, ignored: receipts.length - changed.length };
}

async function reportToRegister(ctx: DeliveryContext, rows: { campaign_id: string; person_id: string; state: string }[], at: Date) {
  const final = rows.filter((row) => row.state === 'delivered' || row.state === 'failed');
  if (final.length === 0) return;
  const campaignIds = [...new Set(final.map((row) => row.campaign_id))];
  const campaigns = await ctx.db.selectFrom('delivery_campaign').select(['id', 'breach_id']).where('id', 'in', campaignIds).execute();
  const breachOf = new Map(campaigns.map((c) => [c.id, c.breach_id]));
  const byBreach = new Map<string, { personId: string; status: PersonDeliveryStatus; at: Date }[]>();
  for (const row of final) {
    const breach = breachOf.get(row.campaign_id)!;
    const list = byBreach.get(breach) ?? [];
    list.push({ personId: row.person_id, status: row.state as PersonDeliveryStatus, at });
    byBreach.set(breach, list);
  }
  for (const [breachId, updates] of byBreach) await ctx.ports.setPersonStatus(breachId, updates);
}
