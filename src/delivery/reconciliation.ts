import { sql } from 'kysely';
import type { DeliveryAlert } from '../db/tables/delivery-alert.js';
import type { DeliveryCampaign } from '../db/tables/delivery-campaign.js';
import { getCampaign } from './campaigns.js';
import { channelRules } from './channels.js';
import { systemClock } from '../clock.js';
import { defaultDeliverySettings } from './context.js';
import type { ReadingContext } from './control.js';

export interface ReconciliationRow {
  dimension: 'carrier' | 'segment' | 'provider';
  value: string;
  total: number;
  /** Accepted by the provider (whatever happened next). */
  accepted: number;
  delivered: number;
  failed: number;
  unknown: number;
  /** Not yet final: queued, sending, or accepted and awaiting the channel's evidence (receipt, bounce window, posting). */
  pending: number;
  cancelled: number;
  /** The channel's evidence of informing the person is met (channels.json). */
  informed: number;
  /** Accepted, no receipt for longer than `silentAfterMinutes` (channels with receipts only; 0 otherwise). */
  silent: number;
  /** Carrier inferred from the numbering plan, not reported by the provider. */
  inferred: number;
  failureRate: number;
  /** The commonest failure reasons, with counts. */
  reasons: { reason: string; count: number }[];
}

export interface Reconciliation {
  campaign: DeliveryCampaign;
  /** What "silent" counts: accepted this long ago or more with no receipt. */
  silentAfterMinutes: number;
  rows: ReconciliationRow[];
  alerts: DeliveryAlert[];
  /** The slices named by an alert: where to look and what to resend. */
  flagged: { dimension: string; value: string; kind: string }[];
}

/**
 * Accepted vs delivered vs failed vs unknown vs informed, by carrier, segment and provider, with the alerts
 * raised. `silent` grows per carrier from the first minutes of a campaign: a carrier that swallows messages
 * (the 2013 Pôle emploi case, silent for two weeks) shows there long before any deadline.
 */
export async function reconcile(ctx: ReadingContext, campaignId: string, silentAfterMs = (ctx.settings ?? defaultDeliverySettings).silentAfterMs): Promise<Reconciliation> {
  const campaign = await getCampaign(ctx.db, campaignId);
  const silentBefore = new Date((ctx.clock ?? systemClock).now().getTime() - silentAfterMs);
  const receipts = channelRules[campaign.channel].receipts;
  // The three slicings in one pass over the campaign's messages each (grouping sets), not one pass per
  // dimension and per question: six reads of a 30,000-message campaign made its console page take a second.
  const dimensionOf = sql`case when grouping(carrier) = 0 then 'carrier' when grouping(segment) = 0 then 'segment' else 'provider' end`;
  const valueOf = sql`case when grouping(carrier) = 0 then carrier when grouping(segment) = 0 then segment else provider end`;
  const [{ rows: counts }, { rows: reasons }] = await Promise.all([
    sql<Omit<ReconciliationRow, 'value' | 'failureRate' | 'reasons'> & { value: string | null }>`
      select ${dimensionOf} as dimension, ${valueOf} as value, count(*)::int as total, count(sent_at)::int as accepted,
        count(*) filter (where state = 'delivered')::int as delivered, count(*) filter (where state = 'failed')::int as failed,
        count(*) filter (where state = 'unknown')::int as unknown,
        count(*) filter (where state in ('queued', 'sending') or (state = 'sent' and informed_at is null))::int as pending,
        count(*) filter (where state = 'cancelled')::int as cancelled,
        count(*) filter (where informed_at is not null and state <> 'failed')::int as informed,
        count(*) filter (where ${sql.lit(receipts)} and state in ('sent', 'unknown') and receipt_at is null and sent_at <= ${silentBefore})::int as silent,
        count(*) filter (where carrier_source = 'numbering-plan')::int as inferred
      from delivery_message where campaign_id = ${campaignId} group by grouping sets ((carrier), (segment), (provider)) order by 1, 2`.execute(ctx.db),
    sql<{ dimension: string; value: string | null; reason: string; n: number }>`
      select ${dimensionOf} as dimension, ${valueOf} as value, failure_reason as reason, count(*)::int as n
      from delivery_message where campaign_id = ${campaignId} and state in ('failed', 'unknown') and failure_reason is not null
      group by grouping sets ((carrier, failure_reason), (segment, failure_reason), (provider, failure_reason)) order by 4 desc`.execute(ctx.db),
  ]);
  const rows: ReconciliationRow[] = [];
  for (const dimension of ['carrier', 'segment', 'provider'] as const) {
    for (const count of counts.filter((c) => c.dimension === dimension)) {
      const { value: raw, ...row } = count;
      const value = raw ?? '(unknown)';
      const finished = row.delivered + row.failed;
      rows.push({
        ...row, dimension, value,
        failureRate: finished === 0 ? 0 : row.failed / finished,
        reasons: reasons.filter((r) => r.dimension === dimension && (r.value ?? '(unknown)') === value).slice(0, 5).map((r) => ({ reason: r.reason, count: r.n })),
      });
    }
  }
  const alerts = await campaignAlerts(ctx, campaignId);
  return { campaign, silentAfterMinutes: Math.round(silentAfterMs / 60_000), rows, alerts, flagged: alerts.map((a) => ({ dimension: a.dimension, value: a.value, kind: a.kind })) };
}

/** A campaign's anomalies as the monitor recorded them, oldest first (the reconciliation's, and the delivery chart's marks). */
export function campaignAlerts(ctx: ReadingContext, campaignId: string): Promise<DeliveryAlert[]> {
  return ctx.db.selectFrom('delivery_alert').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
}
